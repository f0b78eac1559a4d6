// Loss kernels: each writes the gradient of the MEAN loss w.r.t. its first
// argument into `grad` (already divided by the count of the mean) and returns
// the mean loss. Declarations and a plain struct only: the ISA units
// (losses_{avx2,avx512,neon}.cc over losses_body.inc) include this header,
// and inline code here could be instantiated with their ISA flags and then
// picked by the linker for baseline callers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nodegrad {

struct LossKernels {
  // Mean over all `count` elements of (p−t)²; grad = (p−t)·(2/count).
  double (*mse)(const float* pred, const float* target, float* grad, size_t count);
  // Softmax cross-entropy from logits [n, classes] with one-hot/probability
  // targets [n, classes]; mean over n.
  double (*softmax_ce)(const float* logits, const float* target, float* grad, size_t n,
                       size_t classes);
  // The same with integer labels [n]; a label outside [0, classes) gives NaN
  // for the loss and that row's gradient (the binding rejects it before).
  double (*softmax_ce_labels)(const float* logits, const int32_t* labels, float* grad, size_t n,
                              size_t classes);
  // Binary cross-entropy from logits: max(z,0) − z·t + log1p(e^−|z|); mean
  // over all `count` elements.
  double (*bce)(const float* logits, const float* target, float* grad, size_t count);
};

const LossKernels* loss_kernels_scalar();
const LossKernels* loss_kernels_avx2();
const LossKernels* loss_kernels_avx512();
const LossKernels* loss_kernels_neon();

// The scalar kernels, shared by the SIMD tables for the parts that have no
// SIMD version (exp-bound softmax/BCE: O(n·classes), not the hot path).
double mse_scalar(const float* pred, const float* target, float* grad, size_t count);
double softmax_ce_scalar(const float* logits, const float* target, float* grad, size_t n,
                         size_t classes);
double softmax_ce_labels_scalar(const float* logits, const int32_t* labels, float* grad, size_t n,
                                size_t classes);
double bce_scalar(const float* logits, const float* target, float* grad, size_t count);

}  // namespace nodegrad
