// AVX2 loss kernels (compiled with -mavx2 -mfma, this file only).
// The formulas: losses_body.inc, written once over the SIMD layer.
#include "../platform.h"
#include "losses.h"

#if NODEGRAD_X64
#include "simd_avx2.h"

namespace nodegrad {
namespace {
using namespace simd;
#include "losses_body.inc"
}  // namespace

const LossKernels* loss_kernels_avx2() {
  static const LossKernels table = make_table();
  return &table;
}

}  // namespace nodegrad

#else

namespace nodegrad {
const LossKernels* loss_kernels_avx2() { return nullptr; }
}  // namespace nodegrad

#endif
