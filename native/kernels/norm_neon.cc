// AArch64 NEON normalisation-family kernels.
// The kernels and their arithmetic order: norm_body.inc, written once.
#include "../platform.h"
#include "norm.h"

#if NODEGRAD_ARM64
#include <cmath>
#include <cstdint>
#include <cstring>

#include "simd_neon.h"

namespace nodegrad {
namespace {
using namespace simd;
#include "norm_body.inc"
}  // namespace

const NormKernels* norm_kernels_neon() { return &kTable; }

}  // namespace nodegrad

#else

namespace nodegrad {
const NormKernels* norm_kernels_neon() { return nullptr; }
}  // namespace nodegrad

#endif
