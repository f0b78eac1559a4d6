// Activation kernels on raw pointers, one table per ISA. Plain declarations
// only (no inline code), so the ISA-specific files can include this header.
// The kernels are listed once, in activations_list.h.
//
// Contract shared by every path (see README "activations"):
// - an output may be exactly the same memory as an input (y = x, dx = dy or
//   dx = x); kernels read an element's inputs before writing its output;
// - n == 0 is a no-op and the pointers may then be null;
// - NaN in -> NaN out for every forward kernel; relu(-0) = +0;
// - backward kernels select (x > 0 ? dy : a*dy), they never multiply by a
//   mask, so a NaN dy on the untaken side does not leak;
// - sigmoid_backward and tanh_backward take the forward output y
//   (dx = dy*y*(1-y), dy*((1-y)*(1+y))); every other backward takes x;
// - the ReLU family is bitwise equal to the reference (one rounding of one
//   product); exp-based kernels are within the bounds documented in
//   activations_body.inc (scalar uses the C library in double).
#pragma once

#include <cstddef>

#include "activations_list.h"

namespace nodegrad {

struct ActivationKernels {
#define NODEGRAD_X(kind, field, js) NODEGRAD_ACT_FIELD_##kind(field)
  NODEGRAD_ACTIVATION_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
  // x is rows x features, row-major; alpha has `features` entries.
  void (*prelu)(const float* x, const float* alpha, float* y, size_t rows, size_t features);
  // dalpha[j] is overwritten with the sum over rows of x*dy where !(x > 0),
  // accumulated in double; dx may alias x or dy, dalpha aliases nothing.
  void (*prelu_backward)(const float* x, const float* alpha, const float* dy, float* dx,
                         float* dalpha, size_t rows, size_t features);
};

const ActivationKernels* activation_kernels_scalar();
// Null where the build or architecture lacks the path (the registry then
// falls back: registry.h).
const ActivationKernels* activation_kernels_avx2();
const ActivationKernels* activation_kernels_avx512();
const ActivationKernels* activation_kernels_neon();

// The vectorised math core of an ISA, exposed for the self-test's error
// sweep: y[i] = exp(x[i]), expm1(x[i]) for x <= 0, Φ(x[i]) (the standard
// normal CDF). Null like the tables.
struct ActivationMath {
  void (*exp)(const float* x, float* y, size_t n);
  void (*expm1_nonpositive)(const float* x, float* y, size_t n);
  void (*normal_cdf)(const float* x, float* y, size_t n);
};
const ActivationMath* activation_math_avx2();
const ActivationMath* activation_math_avx512();
const ActivationMath* activation_math_neon();

}  // namespace nodegrad
