// Optimizer step kernels: one pass over flat float32 arrays, no state kept.
// Every scalar arrives already rounded to float32 (step-dependent ones, such
// as Adam's bias corrections, computed once per call in TypeScript), so all
// ISAs see the same values. The arithmetic of each formula is written once in
// optim_body.inc and compiled per ISA without FMA, so the scalar, AVX2 and
// NEON paths give the same bits.
//
// Plain structs and declarations only: this header is included by the ISA
// units (AVX2, NEON...), which are compiled with ISA flags; an inline function
// defined here and instantiated there could be picked by the linker for
// baseline callers and crash CPUs without that ISA.
#pragma once

#include <cstddef>

namespace nodegrad {
namespace optim {

// Gradient preprocessing shared by every step, in this order:
//   g  = scale * grad            (scale: clip-by-global-norm factor, 1 = off)
//   g  = g + wd * theta          (coupled L2 weight decay; skipped when wd == 0)
//   td = theta - decay * theta   (decoupled weight decay, decay = lr * lambda;
//                                 skipped when decay == 0)
struct Common {
  float scale;
  float wd;
  float decay;
};

// theta' = td - lr * g
struct SgdArgs {
  Common c;
  float lr;
};

// m' = beta * m + a * g
// theta' = td - (p * m')              (nesterov == 0)
// theta' = td - (p * m' + q * g)      (nesterov != 0)
// The note's EMA: a = 1-beta, p = lr. Classic: a = 1, p = lr. PyTorch Nesterov:
// a = 1, p = lr*beta, q = lr. Keras velocity: a = -lr, p = -1 (and Keras
// Nesterov p = -beta, q = lr).
struct MomentumArgs {
  Common c;
  float beta;
  float a;
  float p;
  float q;
  int nesterov;
};

// v' = b * v + c2 * (g * g)
// den = sqrt(v' + eps)          (eps_outside == 0: the note, Keras 3)
// den = sqrt(v') + eps          (eps_outside != 0: PyTorch)
// theta' = td - lr * (g / den)
// AdaGrad is b = c2 = 1 (both products exact); RMSProp b = beta, c2 = 1-beta.
struct RmsArgs {
  Common c;
  float lr;
  float b;
  float c2;
  float eps;
  int eps_outside;
};

// m' = beta1 * m + c1 * g
// v' = beta2 * v + c2 * (g * g)
// theta' = td - alpha * (m' / (sqrt(v') * k + eps))
// The note and PyTorch: alpha = lr/(1-beta1^t), k = 1/sqrt(1-beta2^t), which
// is lr * m-hat / (sqrt(v-hat) + eps). Keras's eps-hat: alpha =
// lr*sqrt(1-beta2^t)/(1-beta1^t), k = 1.
struct AdamArgs {
  Common c;
  float alpha;
  float k;
  float beta1;
  float c1;
  float beta2;
  float c2;
  float eps;
};

// param, grad and the state arrays never overlap (checked in TypeScript).
struct OptimKernels {
  void (*sgd)(float* param, const float* grad, size_t n, const SgdArgs& a);
  void (*momentum)(float* param, const float* grad, float* m, size_t n, const MomentumArgs& a);
  void (*rms)(float* param, const float* grad, float* v, size_t n, const RmsArgs& a);
  void (*adam)(float* param, const float* grad, float* m, float* v, size_t n, const AdamArgs& a);
  // Sum of x[i]^2 accumulated in double (for clip-by-global-norm).
  double (*sum_squares)(const float* x, size_t n);
};

const OptimKernels* optim_kernels_scalar();
const OptimKernels* optim_kernels_avx2();
const OptimKernels* optim_kernels_neon();

}  // namespace optim
}  // namespace nodegrad
