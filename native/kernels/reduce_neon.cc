// AArch64 NEON reductions-family kernels.
// The kernels and their arithmetic order: reduce_body.inc, written once.
#include "../platform.h"
#include "activations.h"
#include "reduce.h"

#if NODEGRAD_ARM64
#include <cmath>
#include <limits>

#include "simd_neon.h"

namespace nodegrad {
namespace {
using namespace simd;
// Softmax's exp: the activation family's vectorised exp of this ISA
// (activations_body.inc: 1 ulp from the float64 exp), in place.
void exp_inplace(float* y, size_t n) { activation_math_neon()->exp(y, y, n); }
#include "reduce_body.inc"
}  // namespace

const ReduceKernels* reduce_kernels_neon() { return &kTable; }

}  // namespace nodegrad

#else

namespace nodegrad {
const ReduceKernels* reduce_kernels_neon() { return nullptr; }
}  // namespace nodegrad

#endif
