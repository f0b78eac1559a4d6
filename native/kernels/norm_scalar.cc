// Scalar normalisation-family kernels: the path every CPU has. The shared
// body over the scalar layer (simd_scalar.h: one lane in double, one rounding
// to float32 per stored result); the arithmetic order is norm_body.inc's.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "norm.h"
#include "simd_scalar.h"

namespace nodegrad {
namespace {
using namespace simd;
#include "norm_body.inc"
}  // namespace

const NormKernels* norm_kernels_scalar() { return &kTable; }

}  // namespace nodegrad
