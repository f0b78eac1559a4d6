// Scalar elementwise kernels: the path every CPU has. The shared body over
// the scalar layer (simd_scalar.h: one lane in double, one rounding to
// float32 per result), plus the few operations the family adds to the layer,
// written here for one double lane. With the C library's exp and log this
// path computes the reference's formulas (ew_body.inc).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "ew.h"
#include "simd_scalar.h"

namespace nodegrad {
namespace {
namespace simd {

inline V sqrt(V x) { return std::sqrt(x); }
inline VD dsqrt(VD d) { return std::sqrt(d); }
inline VD ddiv(VD a, VD b) { return a / b; }
inline Mask eq(V a, V b) { return a == b; }
inline Mask ne(V a, V b) { return a != b; }
inline Mask ge(V a, V b) { return a >= b; }
inline Mask le(V a, V b) { return a <= b; }
inline Mask unord(V a, V b) { return a != a || b != b; }
// For equal operands (only ±0 differ in bits): the AND / OR of their bits.
inline V zero_max(V a, V b) { return std::signbit(a) && std::signbit(b) ? a : std::fabs(a); }
inline V zero_min(V a, V b) { return std::signbit(a) || std::signbit(b) ? -std::fabs(a) : a; }
inline uint32_t mask_bits(Mask m) { return m ? 1u : 0u; }
inline Mask mask_from_bits(uint32_t bits) { return (bits & 1u) != 0; }

}  // namespace simd

using namespace simd;
#include "ew_body.inc"
}  // namespace

const EwKernels* ew_kernels_scalar() { return &kTable; }

}  // namespace nodegrad
