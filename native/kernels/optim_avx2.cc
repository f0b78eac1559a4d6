// AVX2 optimizer kernels: the shared formulas (optim_simd.inc over
// optim_body.inc) on 8 lanes. No FMA on purpose (see optim_body.inc): same
// bits as the scalar path; the kernels are bound by memory bandwidth, not
// arithmetic. Compiled with -mavx2 -mfma only in this unit.
#include "../platform.h"
#include "optim.h"

#if NODEGRAD_X64
#include <cstddef>

#include "simd_avx2.h"

namespace nodegrad {
namespace optim {
namespace {
using namespace simd;
#include "optim_simd.inc"
}  // namespace

const OptimKernels* optim_kernels_avx2() {
  static const OptimKernels table = make_table();
  return &table;
}

}  // namespace optim
}  // namespace nodegrad

#else

namespace nodegrad {
namespace optim {
const OptimKernels* optim_kernels_avx2() { return nullptr; }
}  // namespace optim
}  // namespace nodegrad

#endif
