// AArch64 NEON loss kernels.
// The formulas: losses_body.inc, written once over the SIMD layer.
#include "../platform.h"
#include "losses.h"

#if NODEGRAD_ARM64
#include "simd_neon.h"

namespace nodegrad {
namespace {
using namespace simd;
#include "losses_body.inc"
}  // namespace

const LossKernels* loss_kernels_neon() {
  static const LossKernels table = make_table();
  return &table;
}

}  // namespace nodegrad

#else

namespace nodegrad {
const LossKernels* loss_kernels_neon() { return nullptr; }
}  // namespace nodegrad

#endif
