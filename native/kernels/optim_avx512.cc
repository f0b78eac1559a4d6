// AVX-512F optimizer kernels: the shared formulas (optim_simd.inc over
// optim_body.inc) on 16 lanes. No FMA on purpose (see optim_body.inc): the
// same bits as the scalar and AVX2 paths; the kernels are bound by memory
// bandwidth, not arithmetic. Compiled with -mavx512f only in this unit
// (binding.gyp / CMakeLists.txt).
#include "../platform.h"
#include "optim.h"

#if NODEGRAD_X64
// GCC 12's avx512fintrin.h starts several intrinsics (_mm512_cvtps_pd,
// _mm512_sqrt_ps, ...) from _mm512_undefined_*, which -Wmaybe-uninitialized
// reports at every inlined use: a false positive in the header, not here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <cstddef>

#include "simd_avx512.h"

namespace nodegrad {
namespace optim {
namespace {
using namespace simd;
#include "optim_simd.inc"
}  // namespace

const OptimKernels* optim_kernels_avx512() {
  static const OptimKernels table = make_table();
  return &table;
}

}  // namespace optim
}  // namespace nodegrad

#else

namespace nodegrad {
namespace optim {
const OptimKernels* optim_kernels_avx512() { return nullptr; }
}  // namespace optim
}  // namespace nodegrad

#endif
