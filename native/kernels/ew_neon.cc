// AArch64 NEON elementwise kernels: 4 lanes (NEON is the AArch64 baseline).
// The formulas: ew_body.inc, written once; here only the operations the
// family adds to simd_neon.h. exp_v comes from the activation family's body
// (its one copy of that code), compiled again into this unit's own namespace.
#include "../platform.h"
#include "ew.h"

#if NODEGRAD_ARM64
#include <cstdint>
#include <limits>

#include "activations.h"
#include "simd_neon.h"

namespace nodegrad {
namespace {
namespace simd {

inline V sqrt(V x) { return vsqrtq_f32(x); }
inline VD dsqrt(VD d) { return {vsqrtq_f64(d.lo), vsqrtq_f64(d.hi)}; }
inline VD ddiv(VD a, VD b) { return {vdivq_f64(a.lo, b.lo), vdivq_f64(a.hi, b.hi)}; }
inline Mask eq(V a, V b) { return vceqq_f32(a, b); }
inline Mask ne(V a, V b) { return vmvnq_u32(vceqq_f32(a, b)); }  // NaN: true
inline Mask ge(V a, V b) { return vcgeq_f32(a, b); }
inline Mask le(V a, V b) { return vcleq_f32(a, b); }
inline Mask unord(V a, V b) { return vmvnq_u32(vandq_u32(vceqq_f32(a, a), vceqq_f32(b, b))); }
inline V zero_max(V a, V b) {
  return vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(a), vreinterpretq_u32_f32(b)));
}
inline V zero_min(V a, V b) {
  return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(a), vreinterpretq_u32_f32(b)));
}
inline uint32x4_t lane_bits() {
  const uint32_t l[4] = {1, 2, 4, 8};
  return vld1q_u32(l);
}
inline uint32_t mask_bits(Mask m) { return vaddvq_u32(vandq_u32(m, lane_bits())); }
inline Mask mask_from_bits(uint32_t b) { return vtstq_u32(vdupq_n_u32(b), lane_bits()); }
// For positive normal x: m in [1, 2) and e with x = m·2^e.
inline V mantissa_exponent(V x, V* e) {
  const uint32x4_t b = vreinterpretq_u32_f32(x);
  *e = vcvtq_f32_s32(vsubq_s32(vreinterpretq_s32_u32(vshrq_n_u32(b, 23)), vdupq_n_s32(127)));
  return vreinterpretq_f32_u32(
      vorrq_u32(vandq_u32(b, vdupq_n_u32(0x007fffff)), vdupq_n_u32(0x3f800000)));
}

}  // namespace simd

using namespace simd;
namespace act {
#include "activations_body.inc"
}  // namespace act
using act::exp_v;
#include "ew_body.inc"
}  // namespace

const EwKernels* ew_kernels_neon() { return &kTable; }

}  // namespace nodegrad

#else

namespace nodegrad {
const EwKernels* ew_kernels_neon() { return nullptr; }
}  // namespace nodegrad

#endif
