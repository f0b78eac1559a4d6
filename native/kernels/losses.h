// Loss kernels: each writes the gradient of the MEAN loss w.r.t. its first
// argument into `grad` (already divided by the count of the mean) and returns
// the mean loss. Declarations and a plain struct only: the ISA units
// (losses_{avx2,avx512,neon}.cc over losses_body.inc) include this header,
// and inline code here could be instantiated with their ISA flags and then
// picked by the linker for baseline callers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "losses_list.h"

namespace nodegrad {

// The kernels of losses_list.h (their contracts there and in losses.cc):
// mse is mean (p−t)² with grad (p−t)·(2/count); softmax_ce /
// softmax_ce_labels are softmax cross-entropy from logits with one-hot or
// probability targets / integer labels (a label outside [0, classes) gives
// NaN for the loss and that row's gradient; the binding rejects it before);
// bce is binary cross-entropy from logits, max(z,0) − z·t + log1p(e^−|z|).
struct LossKernels {
#define NODEGRAD_X(kind, field, js, first) NODEGRAD_LOSS_FIELD_##kind(field)
  NODEGRAD_LOSS_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
};

const LossKernels* loss_kernels_scalar();
const LossKernels* loss_kernels_avx2();
const LossKernels* loss_kernels_avx512();
const LossKernels* loss_kernels_neon();

// The scalar kernels, shared by the SIMD tables for the parts that have no
// SIMD version (exp-bound softmax/BCE: O(n·classes), not the hot path).
#define NODEGRAD_X(kind, field, js, first) NODEGRAD_LOSS_SCALAR_##kind(field)
NODEGRAD_LOSS_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X

}  // namespace nodegrad
