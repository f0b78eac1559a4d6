// Activation kernels on raw pointers, one table per ISA. Plain declarations
// only (no inline code), so the ISA-specific files can include this header.
//
// Contract shared by every path (see README "activations"):
// - an output may be exactly the same memory as an input (y = x, dx = dy or
//   dx = x); kernels read an element's inputs before writing its output;
// - n == 0 is a no-op and the pointers may then be null;
// - NaN in -> NaN out for every forward kernel; relu(-0) = +0;
// - backward kernels select (x > 0 ? dy : a*dy), they never multiply by a
//   mask, so a NaN dy on the untaken side does not leak;
// - the ReLU family is bitwise equal to the reference (one rounding of one
//   product); exp-based kernels are within the bounds documented in
//   activations_avx2.cc / activations_neon.cc (scalar uses the C library).
#pragma once

#include <cstddef>

namespace nodegrad {

struct ActivationKernels {
  void (*relu)(const float* x, float* y, size_t n);
  void (*relu_backward)(const float* x, const float* dy, float* dx, size_t n);
  void (*leaky_relu)(const float* x, float* y, size_t n, float alpha);
  void (*leaky_relu_backward)(const float* x, const float* dy, float* dx, size_t n, float alpha);
  void (*elu)(const float* x, float* y, size_t n, float alpha);
  void (*elu_backward)(const float* x, const float* dy, float* dx, size_t n, float alpha);
  void (*sigmoid)(const float* x, float* y, size_t n);
  // y is the forward output: dx = dy * y * (1 - y).
  void (*sigmoid_backward)(const float* y, const float* dy, float* dx, size_t n);
  void (*tanh)(const float* x, float* y, size_t n);
  // y is the forward output: dx = dy * ((1 - y) * (1 + y)).
  void (*tanh_backward)(const float* y, const float* dy, float* dx, size_t n);
  // x is rows x features, row-major; alpha has `features` entries.
  void (*prelu)(const float* x, const float* alpha, float* y, size_t rows, size_t features);
  // dalpha[j] is overwritten with the sum over rows of x*dy where !(x > 0),
  // accumulated in double; dx may alias x or dy, dalpha aliases nothing.
  void (*prelu_backward)(const float* x, const float* alpha, const float* dy, float* dx,
                         float* dalpha, size_t rows, size_t features);
};

const ActivationKernels* activation_kernels_scalar();
// Null where the build or architecture lacks the path (see pick_table).
const ActivationKernels* activation_kernels_avx2();
const ActivationKernels* activation_kernels_neon();

// The vectorised exp core of an ISA, exposed for the self-test's error sweep:
// y[i] = exp(x[i]) and y[i] = expm1(x[i]) for x <= 0. Null like the tables.
struct ActivationMath {
  void (*exp)(const float* x, float* y, size_t n);
  void (*expm1_nonpositive)(const float* x, float* y, size_t n);
};
const ActivationMath* activation_math_avx2();
const ActivationMath* activation_math_neon();

}  // namespace nodegrad
