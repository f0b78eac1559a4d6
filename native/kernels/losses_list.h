// The losses family's one list (C++ side; the TypeScript twin is
// lib/backend/families/losses.ts). From it come the kernel table's fields
// (losses.h), their filling by name in the scalar unit (losses.cc) and in
// every ISA unit (losses_body.inc), the N-API registrations
// (binding/losses.cc) and the list the addon exports (`lossKernels`) so a
// test can hold it against the TS list. Plain macros only: this header is
// included by the ISA units.
#pragma once

// X(kind, field, "jsName", "first"): one kernel; `first` names its first
// argument in errors (pred or logits). `kind` is its signature; every
// kernel writes d(mean loss)/d(first argument) into `grad` and returns the
// mean loss:
//   elementwise  f(a, target, grad, count)              mean over all count elements
//   rows         f(logits, target, grad, n, classes)    targets [n, classes]; mean over n
//   rows_labels  f(logits, labels, grad, n, classes)    int32 labels [n] in [0, classes)
// The field names are what native/plan calls (plan.cc compute_loss).
#define NODEGRAD_LOSS_KERNELS(X)                                           \
  X(elementwise, mse, "mse", "pred")                                       \
  X(rows, softmax_ce, "softmaxCrossEntropy", "logits")                     \
  X(rows_labels, softmax_ce_labels, "softmaxCrossEntropyLabels", "logits") \
  X(elementwise, bce, "binaryCrossEntropy", "logits")

// The field declaration of each kind, for struct LossKernels.
#define NODEGRAD_LOSS_FIELD_elementwise(f) \
  double (*f)(const float* a, const float* target, float* grad, size_t count);
#define NODEGRAD_LOSS_FIELD_rows(f) \
  double (*f)(const float* logits, const float* target, float* grad, size_t n, size_t classes);
#define NODEGRAD_LOSS_FIELD_rows_labels(f) \
  double (*f)(const float* logits, const int32_t* labels, float* grad, size_t n, size_t classes);

// The declaration of each kind's scalar kernel, `field##_scalar` (losses.cc).
#define NODEGRAD_LOSS_SCALAR_elementwise(f) \
  double f##_scalar(const float* a, const float* target, float* grad, size_t count);
#define NODEGRAD_LOSS_SCALAR_rows(f)                                                 \
  double f##_scalar(const float* logits, const float* target, float* grad, size_t n, \
                    size_t classes);
#define NODEGRAD_LOSS_SCALAR_rows_labels(f)                                            \
  double f##_scalar(const float* logits, const int32_t* labels, float* grad, size_t n, \
                    size_t classes);
