// Scalar activation kernels: the path every CPU has. The exp-based kernels
// call the C library in double precision and round once to float, so this
// path is reference-quality (within 1 ulp of the float64 reference: the two
// libm's may round a float64 result differently only within 2^-52 of a
// float32 rounding boundary). The SIMD files use a polynomial instead.
#include <cmath>
#include <cstddef>

#include "activations.h"

namespace nodegrad {
namespace {

void relu(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float v = x[i];
    y[i] = v > 0.0f || v != v ? v : 0.0f;  // NaN passes through; -0 becomes +0
  }
}

void relu_backward(const float* x, const float* dy, float* dx, size_t n) {
  for (size_t i = 0; i < n; i++) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

void leaky_relu(const float* x, float* y, size_t n, float alpha) {
  for (size_t i = 0; i < n; i++) {
    const float v = x[i];
    y[i] = v > 0.0f ? v : alpha * v;
  }
}

void leaky_relu_backward(const float* x, const float* dy, float* dx, size_t n, float alpha) {
  for (size_t i = 0; i < n; i++) {
    const float g = dy[i];
    dx[i] = x[i] > 0.0f ? g : alpha * g;
  }
}

void elu(const float* x, float* y, size_t n, float alpha) {
  for (size_t i = 0; i < n; i++) {
    const float v = x[i];
    y[i] = v > 0.0f ? v : static_cast<float>(alpha * std::expm1(static_cast<double>(v)));
  }
}

void elu_backward(const float* x, const float* dy, float* dx, size_t n, float alpha) {
  for (size_t i = 0; i < n; i++) {
    const float v = x[i];
    const float g = dy[i];
    dx[i] = v > 0.0f ? g : static_cast<float>(alpha * std::exp(static_cast<double>(v)) * g);
  }
}

void sigmoid(const float* x, float* y, size_t n) {
  // exp(-x) overflows to +inf for x < -709 in double: 1 / inf = 0, the limit.
  for (size_t i = 0; i < n; i++) {
    y[i] = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(x[i]))));
  }
}

void sigmoid_backward(const float* y, const float* dy, float* dx, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const double s = y[i];
    dx[i] = static_cast<float>(dy[i] * s * (1.0 - s));
  }
}

void tanh(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = static_cast<float>(std::tanh(static_cast<double>(x[i])));
}

void tanh_backward(const float* y, const float* dy, float* dx, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const double t = y[i];
    dx[i] = static_cast<float>(dy[i] * ((1.0 - t) * (1.0 + t)));
  }
}

void prelu(const float* x, const float* alpha, float* y, size_t rows, size_t features) {
  for (size_t r = 0; r < rows; r++) {
    const float* xr = x + r * features;
    float* yr = y + r * features;
    for (size_t j = 0; j < features; j++) {
      const float v = xr[j];
      yr[j] = v > 0.0f ? v : alpha[j] * v;
    }
  }
}

// Features are processed in chunks whose double accumulators fit on the
// stack; within a chunk rows run in order, so each dalpha[j] is summed in the
// same order as the reference (and float*float is exact in double).
constexpr size_t kChunk = 512;

void prelu_backward(const float* x, const float* alpha, const float* dy, float* dx, float* dalpha,
                    size_t rows, size_t features) {
  double acc[kChunk];
  for (size_t j0 = 0; j0 < features; j0 += kChunk) {
    const size_t w = features - j0 < kChunk ? features - j0 : kChunk;
    for (size_t k = 0; k < w; k++) acc[k] = 0.0;
    for (size_t r = 0; r < rows; r++) {
      const size_t base = r * features + j0;
      for (size_t k = 0; k < w; k++) {
        const float v = x[base + k];
        const float g = dy[base + k];
        if (v > 0.0f) {
          dx[base + k] = g;
        } else {
          acc[k] += static_cast<double>(v) * g;
          dx[base + k] = alpha[j0 + k] * g;
        }
      }
    }
    for (size_t k = 0; k < w; k++) dalpha[j0 + k] = static_cast<float>(acc[k]);
  }
}

const ActivationKernels kTable = {relu, relu_backward, leaky_relu, leaky_relu_backward,
                                  elu,  elu_backward,  sigmoid,    sigmoid_backward,
                                  tanh, tanh_backward, prelu,      prelu_backward};

}  // namespace

const ActivationKernels* activation_kernels_scalar() { return &kTable; }

}  // namespace nodegrad
