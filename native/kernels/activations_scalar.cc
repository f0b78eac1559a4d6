// Scalar activation kernels: the path every CPU has. The shared body over the
// scalar layer (simd_scalar.h): one lane in double, the transcendental
// functions from the C library, one rounding to float32 per result, so this
// path is reference-quality (within 1 ulp of the float64 reference: the two
// libm's may round a float64 result differently only within 2^-52 of a
// float32 rounding boundary).
#include "activations.h"
#include "simd_scalar.h"

namespace nodegrad {
namespace {
using namespace simd;
#include "activations_body.inc"
}  // namespace

const ActivationKernels* activation_kernels_scalar() { return &kTable; }

}  // namespace nodegrad
