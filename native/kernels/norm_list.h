// The normalisation family's one list (C++ side; the TypeScript twin is
// lib/backend/families/norm.ts): the forward and backward kernels of the
// layers BatchNorm1d, LayerNorm and Dropout (lib/layers). From it come the
// kernel table's fields (norm.h), their filling by name in every ISA unit
// (norm_body.inc), the N-API registrations (binding/norm.cc) and the name
// list the addon exports so a test can hold it against the TS list.
// Plain macros only: this header is included by the ISA units.
//
// Every kernel here has its own signature, so `kind` is the field's name.
// x, y, xhat, dy, dx are rows x features, row-major. w and b (the affine
// weight and bias, `features` each) are both null or both given; so are dw
// and db (gradients, ADDED to in float32, as layers accumulate); dx null
// computes the parameter gradients only; running_mean / running_var are
// both null (no running statistics) or both given. rstd holds float64
// statistics the forward writes for the backward: `features` values
// (BatchNorm1d) or `rows` values (LayerNorm).
#pragma once

// X(kind, field, "jsName"): one kernel.
#define NODEGRAD_NORM_KERNELS(X)                                   \
  X(batch_norm_train, batch_norm_train, "batchNormTrain")          \
  X(batch_norm_eval, batch_norm_eval, "batchNormEval")             \
  X(batch_norm_backward, batch_norm_backward, "batchNormBackward") \
  X(layer_norm_forward, layer_norm_forward, "layerNormForward")    \
  X(layer_norm_backward, layer_norm_backward, "layerNormBackward") \
  X(dropout_forward, dropout_forward, "dropoutForward")            \
  X(dropout_backward, dropout_backward, "dropoutBackward")

// BatchNorm1d in training: batch statistics per feature (mean, biased
// variance -> rstd, written), y and xhat; the running statistics are
// updated with `momentum` when given (num_batches_tracked is the caller's).
#define NODEGRAD_NORM_FIELD_batch_norm_train(f)                                                  \
  void (*f)(const float* x, const float* w, const float* b, float* y, float* xhat, double* rstd, \
            size_t rows, size_t features, double eps, float* running_mean, float* running_var,   \
            double momentum);
// BatchNorm1d in evaluation: the running statistics (given) normalise.
#define NODEGRAD_NORM_FIELD_batch_norm_eval(f)                                                   \
  void (*f)(const float* x, const float* w, const float* b, float* y, float* xhat, double* rstd, \
            size_t rows, size_t features, double eps, const float* running_mean,                 \
            const float* running_var);
// batch_stats: the forward was batch_norm_train (else batch_norm_eval).
#define NODEGRAD_NORM_FIELD_batch_norm_backward(f)                                             \
  void (*f)(const float* dy, const float* xhat, const double* rstd, const float* w, float* dx, \
            float* dw, float* db, size_t rows, size_t features, bool batch_stats);
#define NODEGRAD_NORM_FIELD_layer_norm_forward(f)                                                \
  void (*f)(const float* x, const float* w, const float* b, float* y, float* xhat, double* rstd, \
            size_t rows, size_t features, double eps);
#define NODEGRAD_NORM_FIELD_layer_norm_backward(f)                                             \
  void (*f)(const float* dy, const float* xhat, const double* rstd, const float* w, float* dx, \
            float* dw, float* db, size_t rows, size_t features);
// Inverted dropout of n elements: mask[i] = 0 with probability p, else
// scale; y = x * mask. One key is drawn per call from the xoshiro128**
// `state` (an Rng's, advanced in place); the elements' bits are a
// counter-based hash of it (norm_body.inc).
#define NODEGRAD_NORM_FIELD_dropout_forward(f)                                      \
  void (*f)(const float* x, float* y, float* mask, size_t n, double p, float scale, \
            uint32_t* state);
// dx = dy * mask.
#define NODEGRAD_NORM_FIELD_dropout_backward(f) \
  void (*f)(const float* dy, const float* mask, float* dx, size_t n);
