// AVX-512F elementwise kernels: 16 lanes, compiled with -mavx512f (this file
// only; reached after cpu.cc's CPUID + XGETBV check). The formulas:
// ew_body.inc, written once; here only the operations the family adds to
// simd_avx512.h (AVX-512F only: the float and/or forms are AVX-512DQ, so
// bit operations go through the integer forms). exp_v comes from the
// activation family's body, compiled again into this unit's own namespace.
#include "../platform.h"
#include "ew.h"

#if NODEGRAD_X64
#include <cstdint>
#include <limits>

#include "activations.h"
#include "simd_avx512.h"

namespace nodegrad {
namespace {
namespace simd {

inline V sqrt(V x) { return _mm512_sqrt_ps(x); }
inline VD dsqrt(VD d) { return {_mm512_sqrt_pd(d.lo), _mm512_sqrt_pd(d.hi)}; }
inline VD ddiv(VD a, VD b) { return {_mm512_div_pd(a.lo, b.lo), _mm512_div_pd(a.hi, b.hi)}; }
inline Mask eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
inline Mask ne(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_NEQ_UQ); }  // NaN: true
inline Mask ge(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
inline Mask le(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
inline Mask unord(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q); }
inline V zero_max(V a, V b) { return from_bits(_mm512_and_si512(bits(a), bits(b))); }
inline V zero_min(V a, V b) { return from_bits(_mm512_or_si512(bits(a), bits(b))); }
inline uint32_t mask_bits(Mask m) { return static_cast<uint32_t>(m); }
inline Mask mask_from_bits(uint32_t b) { return static_cast<Mask>(b); }
// For positive normal x: m in [1, 2) and e with x = m·2^e.
inline V mantissa_exponent(V x, V* e) {
  const __m512i b = bits(x);
  *e = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_srli_epi32(b, 23), _mm512_set1_epi32(127)));
  return from_bits(_mm512_or_si512(_mm512_and_si512(b, _mm512_set1_epi32(0x007fffff)),
                                   _mm512_set1_epi32(0x3f800000)));
}

}  // namespace simd

using namespace simd;
namespace act {
#include "activations_body.inc"
}  // namespace act
using act::exp_v;
#include "ew_body.inc"
}  // namespace

const EwKernels* ew_kernels_avx512() { return &kTable; }

}  // namespace nodegrad

#else

namespace nodegrad {
const EwKernels* ew_kernels_avx512() { return nullptr; }
}  // namespace nodegrad

#endif
