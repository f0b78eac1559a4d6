// AArch64 NEON activation kernels: 4 lanes (NEON is the AArch64 baseline).
// The formulas and their error bounds: activations_body.inc, written once.
#include "../platform.h"
#include "activations.h"

#if NODEGRAD_ARM64
#include "simd_neon.h"

namespace nodegrad {
namespace {
using namespace simd;
#include "activations_body.inc"
}  // namespace

const ActivationKernels* activation_kernels_neon() { return &kTable; }
const ActivationMath* activation_math_neon() { return &kMath; }

}  // namespace nodegrad

#else

namespace nodegrad {
const ActivationKernels* activation_kernels_neon() { return nullptr; }
const ActivationMath* activation_math_neon() { return nullptr; }
}  // namespace nodegrad

#endif
