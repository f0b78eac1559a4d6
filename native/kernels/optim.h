// Optimizer step kernels: one pass over flat float32 arrays, no state kept.
// Every scalar arrives in one block (Scalars below) already rounded to
// float32: derived constants (1−β, bias corrections, lr·λ) are computed in
// TypeScript from the caller's doubles and rounded once there, so all ISAs
// see the same values. The arithmetic of each formula is written once in
// optim_body.inc and compiled per ISA without FMA, so the scalar, AVX2 and
// NEON paths give the same bits.
//
// Plain structs and declarations only: this header is included by the ISA
// units, which must not share inline code (an inline function instantiated
// in an AVX2 unit could be picked by the linker for a baseline caller).
#pragma once

#include <cstddef>

namespace nodegrad {
namespace optim {

// The scalar block, in order. The TypeScript twin is OPTIM_SCALARS in
// lib/backend/optim-scalars.ts; the addon exports these names
// (optimScalarFields) and a test checks that both lists agree.
//
// Gradient preprocessing shared by every step, in this order:
//   g  = scale * grad            (scale: clip-by-global-norm factor, 1 = off)
//   g  = g + wd * theta          (coupled L2 weight decay; skipped when wd == 0)
//   td = theta - decay * theta   (decoupled weight decay, decay = lr * lambda;
//                                 skipped when decay == 0)
// The formulas (each kernel reads only its fields):
//   sgd:      theta' = td - lr * g
//   momentum: m' = b1 * m + c1 * g
//             theta' = td - (lr * m')             (nesterov == 0)
//             theta' = td - (lr * m' + q * g)     (nesterov == 1)
//             theta' = td - lr * (g + q * m')     (nesterov == 2: TF.js, q = beta)
//     The note's EMA: c1 = 1-beta, lr = lr. Classic: c1 = 1. PyTorch
//     Nesterov: c1 = 1, lr = lr*beta, q = lr. Keras velocity: c1 = -lr,
//     lr = -1 (Keras Nesterov: lr = -beta, q = lr).
//   rms:      v' = b2 * v + c2 * (g * g)
//             den = sqrt(v' + eps)      (outside == 0: the note, Keras 3)
//             den = sqrt(v') + eps      (outside != 0: PyTorch)
//             theta' = td - lr * (g / den)
//     AdaGrad is b2 = c2 = 1 (both products exact); RMSProp b2 = beta, c2 = 1-beta.
//   rms_momentum (TF.js's RMSProp, momentum b1, optionally centered):
//             v' = b2 * v + c2 * (g * g);   mg' = b2 * mg + c2 * g
//             den = sqrt(v' + eps), centered: sqrt(v' - (mg' * mg' + eps))
//             mom' = b1 * mom + (g * lr) / den;   theta' = td - mom'
//   adam:     m' = b1 * m + c1 * g
//             v' = b2 * v + c2 * (g * g)
//             theta' = td - lr * (m' / (sqrt(v') * k + eps))            (divide == 0)
//             theta' = td - lr * ((m' / bc1) / (sqrt(v' / bc2) + eps))  (divide != 0)
//     The note and PyTorch: lr = alpha = lr/(1-beta1^t), k = 1/sqrt(1-beta2^t),
//     which is lr * m-hat / (sqrt(v-hat) + eps). Keras's eps-hat: alpha =
//     lr*sqrt(1-beta2^t)/(1-beta1^t), k = 1. divide != 0 is TF.js's
//     arrangement with the caller's bias corrections bc1 = 1-beta1^t,
//     bc2 = 1-beta2^t (TF.js accumulates beta^t in float32).
// guard: 0 = write without checking; 1 = compute every new value first and
//   write only if all are finite; 2 = check only, never write.
#define NODEGRAD_OPTIM_SCALARS(X) \
  X(scale)                        \
  X(wd)                           \
  X(decay)                        \
  X(lr)                           \
  X(q)                            \
  X(b1)                           \
  X(c1)                           \
  X(b2)                           \
  X(c2)                           \
  X(k)                            \
  X(eps)                          \
  X(bc1)                          \
  X(bc2)                          \
  X(nesterov)                     \
  X(outside)                      \
  X(divide)                       \
  X(guard)

struct Scalars {
#define NODEGRAD_OPTIM_FIELD(name) float name;
  NODEGRAD_OPTIM_SCALARS(NODEGRAD_OPTIM_FIELD)
#undef NODEGRAD_OPTIM_FIELD
};

constexpr size_t kScalarCount = 0
#define NODEGRAD_OPTIM_COUNT(name) +1
    NODEGRAD_OPTIM_SCALARS(NODEGRAD_OPTIM_COUNT)
#undef NODEGRAD_OPTIM_COUNT
    ;
// The binding copies the caller's Float32Array straight into the struct.
static_assert(sizeof(Scalars) == kScalarCount * sizeof(float),
              "Scalars must be a packed float block");

// Every step returns 0 when it wrote (or, guard 2, would write) only finite
// values. Otherwise nothing was written and it returns 8 * i + mask for the
// first element i whose new value is not finite: mask bit 1 = theta, bit 2 =
// the first state array (m, or v for rms), bit 4 = the second (adam's v).
// A double holds every such code exactly (n < 2^50).
using StepResult = double;

// param, grad and the state arrays never overlap (checked in TypeScript and
// again in the binding on the memory addresses).
struct OptimKernels {
  StepResult (*sgd)(float* param, const float* grad, size_t n, const Scalars& s);
  StepResult (*momentum)(float* param, const float* grad, float* m, size_t n, const Scalars& s);
  StepResult (*rms)(float* param, const float* grad, float* v, size_t n, const Scalars& s);
  StepResult (*adam)(float* param, const float* grad, float* m, float* v, size_t n,
                     const Scalars& s);
  // RMSProp with a momentum buffer (TF.js's arrangement); mg is nullptr
  // unless centered. Only guard 0 (the mask has no bit for a fourth array).
  StepResult (*rms_momentum)(float* param, const float* grad, float* v, float* mom, float* mg,
                             size_t n, const Scalars& s);
  // Sum of x[i]^2 accumulated in double (for clip-by-global-norm).
  double (*sum_squares)(const float* x, size_t n);
};

const OptimKernels* optim_kernels_scalar();
const OptimKernels* optim_kernels_avx2();
const OptimKernels* optim_kernels_avx512();
const OptimKernels* optim_kernels_neon();

}  // namespace optim
}  // namespace nodegrad
