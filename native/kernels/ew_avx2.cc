// AVX2+FMA elementwise kernels: 8 lanes, compiled with -mavx2 -mfma (this
// file only; reached after the CPUID check). The formulas: ew_body.inc,
// written once; here only the operations the family adds to simd_avx2.h.
// exp_v comes from the activation family's body (its one copy of that code),
// compiled again into this unit's own namespace.
#include "../platform.h"
#include "ew.h"

#if NODEGRAD_X64
#include <cstdint>
#include <limits>

#include "activations.h"
#include "simd_avx2.h"

namespace nodegrad {
namespace {
namespace simd {

inline V sqrt(V x) { return _mm256_sqrt_ps(x); }
inline VD dsqrt(VD d) { return {_mm256_sqrt_pd(d.lo), _mm256_sqrt_pd(d.hi)}; }
inline VD ddiv(VD a, VD b) { return {_mm256_div_pd(a.lo, b.lo), _mm256_div_pd(a.hi, b.hi)}; }
inline Mask eq(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
inline Mask ne(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_NEQ_UQ); }  // NaN: true
inline Mask ge(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
inline Mask le(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
inline Mask unord(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_UNORD_Q); }
inline V zero_max(V a, V b) { return _mm256_and_ps(a, b); }
inline V zero_min(V a, V b) { return _mm256_or_ps(a, b); }
inline uint32_t mask_bits(Mask m) { return static_cast<uint32_t>(_mm256_movemask_ps(m)); }
inline Mask mask_from_bits(uint32_t bits) {
  const __m256i lane = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  const __m256i v = _mm256_and_si256(_mm256_set1_epi32(static_cast<int>(bits)), lane);
  return _mm256_castsi256_ps(_mm256_cmpeq_epi32(v, lane));
}
// For positive normal x: m in [1, 2) and e with x = m·2^e.
inline V mantissa_exponent(V x, V* e) {
  const __m256i b = _mm256_castps_si256(x);
  *e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(b, 23), _mm256_set1_epi32(127)));
  return _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(b, _mm256_set1_epi32(0x007fffff)),
                                             _mm256_set1_epi32(0x3f800000)));
}

}  // namespace simd

using namespace simd;
namespace act {
#include "activations_body.inc"
}  // namespace act
using act::exp_v;
#include "ew_body.inc"
}  // namespace

const EwKernels* ew_kernels_avx2() { return &kTable; }

}  // namespace nodegrad

#else

namespace nodegrad {
const EwKernels* ew_kernels_avx2() { return nullptr; }
}  // namespace nodegrad

#endif
