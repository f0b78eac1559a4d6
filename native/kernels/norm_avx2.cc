// AVX2 normalisation-family kernels (compiled with -mavx2 -mfma, this file only).
// The kernels and their arithmetic order: norm_body.inc, written once.
#include "../platform.h"
#include "norm.h"

#if NODEGRAD_X64
#include <cmath>
#include <cstdint>
#include <cstring>

#include "simd_avx2.h"

namespace nodegrad {
namespace {
using namespace simd;
#include "norm_body.inc"
}  // namespace

const NormKernels* norm_kernels_avx2() { return &kTable; }

}  // namespace nodegrad

#else

namespace nodegrad {
const NormKernels* norm_kernels_avx2() { return nullptr; }
}  // namespace nodegrad

#endif
