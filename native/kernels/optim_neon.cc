// NEON optimizer kernels: the shared formulas (optim_simd.inc over
// optim_body.inc) on 4 lanes. AArch64 has correctly rounded vector divide
// and square root, so the results equal the scalar path bit for bit.
#include "../platform.h"
#include "optim.h"

#if NODEGRAD_ARM64
#include <cstddef>

#include "simd_neon.h"

namespace nodegrad {
namespace optim {
namespace {
using namespace simd;
#include "optim_simd.inc"
}  // namespace

const OptimKernels* optim_kernels_neon() {
  static const OptimKernels table = make_table();
  return &table;
}

}  // namespace optim
}  // namespace nodegrad

#else

namespace nodegrad {
namespace optim {
const OptimKernels* optim_kernels_neon() { return nullptr; }
}  // namespace optim
}  // namespace nodegrad

#endif
