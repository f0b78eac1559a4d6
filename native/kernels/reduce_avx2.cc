// AVX2+FMA reductions-family kernels (compiled with -mavx2 -mfma, this file only).
// The kernels and their arithmetic order: reduce_body.inc, written once.
#include "../platform.h"
#include "activations.h"
#include "reduce.h"

#if NODEGRAD_X64
#include <cmath>
#include <limits>

#include "simd_avx2.h"

namespace nodegrad {
namespace {
using namespace simd;
// Softmax's exp: the activation family's vectorised exp of this ISA
// (activations_body.inc: 1 ulp from the float64 exp), in place.
void exp_inplace(float* y, size_t n) { activation_math_avx2()->exp(y, y, n); }
#include "reduce_body.inc"
}  // namespace

const ReduceKernels* reduce_kernels_avx2() { return &kTable; }

}  // namespace nodegrad

#else

namespace nodegrad {
const ReduceKernels* reduce_kernels_avx2() { return nullptr; }
}  // namespace nodegrad

#endif
