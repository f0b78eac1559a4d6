// Normalisation-family kernels (BatchNorm1d, LayerNorm, Dropout) on raw
// pointers, one table per ISA. Plain declarations only (no inline code), so
// the ISA units can include this header. The kernels are listed once, in
// norm_list.h; their arithmetic order (what makes every path give the same
// bits as the reference twin, lib/backend/reference/norm.ts) is documented
// in norm_body.inc.
//
// Contract shared by every path:
// - outputs never overlap inputs (the TS layer checks it); inputs are never
//   written;
// - zero-size arguments are no-ops and the pointers may then be null;
// - results do not depend on the ISA or the thread count (single-threaded,
//   fixed summation order, statistics in float64, no FMA contraction).
#pragma once

#include <cstddef>
#include <cstdint>

#include "norm_list.h"

namespace nodegrad {

struct NormKernels {
#define NODEGRAD_X(kind, field, js) NODEGRAD_NORM_FIELD_##kind(field)
  NODEGRAD_NORM_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
};

const NormKernels* norm_kernels_scalar();
// Null where the build or architecture lacks the path (the registry falls back).
const NormKernels* norm_kernels_avx2();
const NormKernels* norm_kernels_avx512();
const NormKernels* norm_kernels_neon();

}  // namespace nodegrad
