// Scalar reductions-family kernels: the path every CPU has. The shared body
// over the scalar layer (simd_scalar.h: one lane in double, one rounding to
// float32 per stored result); softmax's exp is the C library's in double,
// rounded once to float32, as the reference twin does with Math.exp.
#include <cmath>
#include <limits>

#include "reduce.h"
#include "simd_scalar.h"

namespace nodegrad {
namespace {
using namespace simd;
void exp_inplace(float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = static_cast<float>(std::exp(static_cast<double>(y[i])));
}
#include "reduce_body.inc"
}  // namespace

const ReduceKernels* reduce_kernels_scalar() { return &kTable; }

}  // namespace nodegrad
