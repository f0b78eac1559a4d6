// Reductions-family kernels on raw pointers, one table per ISA. Plain
// declarations only (no inline code), so the ISA units can include this
// header. The kernels are listed once, in reduce_list.h; their arithmetic
// order (what makes every path give the same bits) is documented in
// reduce_body.inc.
//
// Contract shared by every path:
// - outputs never overlap inputs (the bindings and the TS layer check it);
//   inputs are never written;
// - zero-size arguments are no-ops and the pointers may then be null;
// - results do not depend on the ISA or the thread count (single-threaded,
//   fixed summation order), except softmax/logSoftmax, whose exp is the ISA's
//   (reduce_body.inc gives the bound);
// - gather's indices are in [0, rows of x) (the binding checks them).
#pragma once

#include <cstddef>
#include <cstdint>

#include "reduce_list.h"

namespace nodegrad {

struct ReduceKernels {
#define NODEGRAD_X(kind, field, js) NODEGRAD_RED_FIELD_##kind(field)
  NODEGRAD_REDUCE_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
};

const ReduceKernels* reduce_kernels_scalar();
// Null where the build or architecture lacks the path (the registry falls back).
const ReduceKernels* reduce_kernels_avx2();
const ReduceKernels* reduce_kernels_avx512();
const ReduceKernels* reduce_kernels_neon();

}  // namespace nodegrad
