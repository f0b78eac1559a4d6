// AVX-512F activation kernels: 16 lanes, compiled with -mavx512f (this file
// only; reached after cpu.cc's CPUID + XGETBV check).
// The formulas and their error bounds: activations_body.inc, written once.
#include "../platform.h"
#include "activations.h"

#if NODEGRAD_X64
#include "simd_avx512.h"

namespace nodegrad {
namespace {
using namespace simd;
#include "activations_body.inc"
}  // namespace

const ActivationKernels* activation_kernels_avx512() { return &kTable; }
const ActivationMath* activation_math_avx512() { return &kMath; }

}  // namespace nodegrad

#else

namespace nodegrad {
const ActivationKernels* activation_kernels_avx512() { return nullptr; }
const ActivationMath* activation_math_avx512() { return nullptr; }
}  // namespace nodegrad

#endif
