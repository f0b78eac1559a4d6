// AVX-512F loss kernels (compiled with -mavx512f, this file only; reached after
// cpu.cc's CPUID + XGETBV check).
// The formulas: losses_body.inc, written once over the SIMD layer.
#include "../platform.h"
#include "losses.h"

#if NODEGRAD_X64
#include "simd_avx512.h"

namespace nodegrad {
namespace {
using namespace simd;
#include "losses_body.inc"
}  // namespace

const LossKernels* loss_kernels_avx512() {
  static const LossKernels table = make_table();
  return &table;
}

}  // namespace nodegrad

#else

namespace nodegrad {
const LossKernels* loss_kernels_avx512() { return nullptr; }
}  // namespace nodegrad

#endif
