// AVX-512F normalisation-family kernels (compiled with -mavx512f, this file only; reached
// after cpu.cc's CPUID + XGETBV check).
// The kernels and their arithmetic order: norm_body.inc, written once.
#include "../platform.h"
#include "norm.h"

#if NODEGRAD_X64
#include <cmath>
#include <cstdint>
#include <cstring>

#include "simd_avx512.h"

namespace nodegrad {
namespace {
using namespace simd;
#include "norm_body.inc"
}  // namespace

const NormKernels* norm_kernels_avx512() { return &kTable; }

}  // namespace nodegrad

#else

namespace nodegrad {
const NormKernels* norm_kernels_avx512() { return nullptr; }
}  // namespace nodegrad

#endif
