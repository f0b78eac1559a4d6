// N-API layer of the activation kernels: the exports match RawActivations in
// lib/backend/activations.ts name for name and argument for argument. The TS
// layer has validated everything; lengths are re-checked here only so that a
// direct call with mismatched arrays throws instead of touching memory.
#include "../kernels/activations.h"

#include "args.h"
#include "register.h"

namespace nodegrad {
namespace binding {

namespace {

// The activation table of the registry each function carries (register.h).
const ActivationKernels& table(const Napi::CallbackInfo& info) { return *tables(info).activations; }

using Unary = void (*)(const float*, float*, size_t);
using UnaryAlpha = void (*)(const float*, float*, size_t, float);
using Binary = void (*)(const float*, const float*, float*, size_t);
using BinaryAlpha = void (*)(const float*, const float*, float*, size_t, float);

template <Unary ActivationKernels::*K>
Napi::Value unary(const Napi::CallbackInfo& info) {
  const F32View x = f32_arg(info, 0, "x");
  const F32View y = f32_arg(info, 1, "y");
  expect_length(info, y, x.length, "y");
  (table(info).*K)(x.data, y.data, x.length);
  return info.Env().Undefined();
}

template <UnaryAlpha ActivationKernels::*K>
Napi::Value unary_alpha(const Napi::CallbackInfo& info) {
  const F32View x = f32_arg(info, 0, "x");
  const F32View y = f32_arg(info, 1, "y");
  const float alpha = f32_scalar_arg(info, 2, "alpha");
  expect_length(info, y, x.length, "y");
  (table(info).*K)(x.data, y.data, x.length, alpha);
  return info.Env().Undefined();
}

template <Binary ActivationKernels::*K>
Napi::Value binary(const Napi::CallbackInfo& info) {
  const F32View a = f32_arg(info, 0, "x");
  const F32View dy = f32_arg(info, 1, "dy");
  const F32View dx = f32_arg(info, 2, "dx");
  expect_length(info, dy, a.length, "dy");
  expect_length(info, dx, a.length, "dx");
  (table(info).*K)(a.data, dy.data, dx.data, a.length);
  return info.Env().Undefined();
}

template <BinaryAlpha ActivationKernels::*K>
Napi::Value binary_alpha(const Napi::CallbackInfo& info) {
  const F32View x = f32_arg(info, 0, "x");
  const F32View dy = f32_arg(info, 1, "dy");
  const F32View dx = f32_arg(info, 2, "dx");
  const float alpha = f32_scalar_arg(info, 3, "alpha");
  expect_length(info, dy, x.length, "dy");
  expect_length(info, dx, x.length, "dx");
  (table(info).*K)(x.data, dy.data, dx.data, x.length, alpha);
  return info.Env().Undefined();
}

// x is rows x alpha.length; returns the row count.
size_t prelu_rows(const Napi::CallbackInfo& info, const F32View& x, const F32View& alpha) {
  if (alpha.length == 0 || x.length % alpha.length != 0) {
    throw Napi::RangeError::New(info.Env(),
                                "x length must be a multiple of alpha length (alpha non-empty)");
  }
  return x.length / alpha.length;
}

Napi::Value prelu(const Napi::CallbackInfo& info) {
  const F32View x = f32_arg(info, 0, "x");
  const F32View alpha = f32_arg(info, 1, "alpha");
  const F32View y = f32_arg(info, 2, "y");
  expect_length(info, y, x.length, "y");
  const size_t rows = prelu_rows(info, x, alpha);
  table(info).prelu(x.data, alpha.data, y.data, rows, alpha.length);
  return info.Env().Undefined();
}

Napi::Value prelu_backward(const Napi::CallbackInfo& info) {
  const F32View x = f32_arg(info, 0, "x");
  const F32View alpha = f32_arg(info, 1, "alpha");
  const F32View dy = f32_arg(info, 2, "dy");
  const F32View dx = f32_arg(info, 3, "dx");
  const F32View dalpha = f32_arg(info, 4, "dalpha");
  expect_length(info, dy, x.length, "dy");
  expect_length(info, dx, x.length, "dx");
  expect_length(info, dalpha, alpha.length, "dalpha");
  const size_t rows = prelu_rows(info, x, alpha);
  table(info).prelu_backward(x.data, alpha.data, dy.data, dx.data, dalpha.data, rows, alpha.length);
  return info.Env().Undefined();
}

}  // namespace

void register_activations(Napi::Env env, Napi::Object exports, const KernelRegistry& reg) {
  auto set = [&](const char* name, Napi::Value (*fn)(const Napi::CallbackInfo&)) {
    export_fn(env, exports, reg, name, fn);
  };
  set("relu", unary<&ActivationKernels::relu>);
  set("reluBackward", binary<&ActivationKernels::relu_backward>);
  set("leakyRelu", unary_alpha<&ActivationKernels::leaky_relu>);
  set("leakyReluBackward", binary_alpha<&ActivationKernels::leaky_relu_backward>);
  set("elu", unary_alpha<&ActivationKernels::elu>);
  set("eluBackward", binary_alpha<&ActivationKernels::elu_backward>);
  set("sigmoid", unary<&ActivationKernels::sigmoid>);
  set("sigmoidBackward", binary<&ActivationKernels::sigmoid_backward>);
  set("tanh", unary<&ActivationKernels::tanh>);
  set("tanhBackward", binary<&ActivationKernels::tanh_backward>);
  set("prelu", prelu);
  set("preluBackward", prelu_backward);
}

}  // namespace binding
}  // namespace nodegrad
