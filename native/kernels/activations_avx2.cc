// AVX2+FMA activation kernels: 8 lanes, compiled with -mavx2 -mfma (this file
// only; reached after the CPUID check).
// The formulas and their error bounds: activations_body.inc, written once.
#include "../platform.h"
#include "activations.h"

#if NODEGRAD_X64
#include "simd_avx2.h"

namespace nodegrad {
namespace {
using namespace simd;
#include "activations_body.inc"
}  // namespace

const ActivationKernels* activation_kernels_avx2() { return &kTable; }
const ActivationMath* activation_math_avx2() { return &kMath; }

}  // namespace nodegrad

#else

namespace nodegrad {
const ActivationKernels* activation_kernels_avx2() { return nullptr; }
const ActivationMath* activation_math_avx2() { return nullptr; }
}  // namespace nodegrad

#endif
