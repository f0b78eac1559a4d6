// Scalar activations for denseForward's epilogue until the activation
// family's kernels (native/kernels/activations.h) are merged; then the
// binding passes those instead and this file goes.
#include "gemm_activation_fallback.h"

#include <cmath>

namespace nodegrad {

namespace {

void relu(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f || x[i] != x[i] ? x[i] : 0.0f;
}
void leaky_relu(const float* x, float* y, size_t n, float alpha) {
  for (size_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : alpha * x[i];
}
void elu(const float* x, float* y, size_t n, float alpha) {
  for (size_t i = 0; i < n; ++i) {
    y[i] = x[i] > 0.0f ? x[i] : static_cast<float>(alpha * std::expm1(static_cast<double>(x[i])));
  }
}
void sigmoid(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = static_cast<float>(1.0 / (1.0 + std::exp(-double{x[i]})));
}
void tanh_(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = static_cast<float>(std::tanh(double{x[i]}));
}

}  // namespace

GemmEpilogue gemm_fallback_epilogue(const float* bias, int act, float alpha) {
  GemmEpilogue e{bias, nullptr, nullptr, alpha};
  switch (act) {
    case 1:
      e.act = relu;
      break;
    case 2:
      e.act_alpha = leaky_relu;
      break;
    case 3:
      e.act_alpha = elu;
      break;
    case 4:
      e.act = sigmoid;
      break;
    case 5:
      e.act = tanh_;
      break;
    default:
      break;
  }
  return e;
}

}  // namespace nodegrad
