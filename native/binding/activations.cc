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
const ActivationKernels& table(const CallInfo& info) { return *tables(info).activations; }

using Unary = void (*)(const float*, float*, size_t);
using UnaryAlpha = void (*)(const float*, float*, size_t, float);
using Binary = void (*)(const float*, const float*, float*, size_t);
using BinaryAlpha = void (*)(const float*, const float*, float*, size_t, float);

template <Unary ActivationKernels::*K>
Napi::Value unary(const CallInfo& info) {
  const F32View x = f32_arg(info, 0, "x");
  const F32View y = f32_arg(info, 1, "y");
  expect_length(info, y, x.length, "y");
  (table(info).*K)(x.data, y.data, x.length);
  return info.Env().Undefined();
}

template <UnaryAlpha ActivationKernels::*K>
Napi::Value unary_alpha(const CallInfo& info) {
  const F32View x = f32_arg(info, 0, "x");
  const F32View y = f32_arg(info, 1, "y");
  const float alpha = f32_scalar_arg(info, 2, "alpha");
  expect_length(info, y, x.length, "y");
  (table(info).*K)(x.data, y.data, x.length, alpha);
  return info.Env().Undefined();
}

template <Binary ActivationKernels::*K>
Napi::Value binary(const CallInfo& info) {
  const F32View a = f32_arg(info, 0, "x");
  const F32View dy = f32_arg(info, 1, "dy");
  const F32View dx = f32_arg(info, 2, "dx");
  expect_length(info, dy, a.length, "dy");
  expect_length(info, dx, a.length, "dx");
  (table(info).*K)(a.data, dy.data, dx.data, a.length);
  return info.Env().Undefined();
}

template <BinaryAlpha ActivationKernels::*K>
Napi::Value binary_alpha(const CallInfo& info) {
  const F32View x = f32_arg(info, 0, "x");
  const F32View dy = f32_arg(info, 1, "dy");
  const F32View dx = f32_arg(info, 2, "dx");
  const float alpha = f32_scalar_arg(info, 3, "alpha");
  expect_length(info, dy, x.length, "dy");
  expect_length(info, dx, x.length, "dx");
  (table(info).*K)(x.data, dy.data, dx.data, x.length, alpha);
  return info.Env().Undefined();
}

// GELU's `approximate`: 0 (none: the exact erf) or 1 (tanh).
bool approx_arg(const CallInfo& info, size_t index) {
  const double v = number_arg(info, index, "approximate");
  if (v != 0 && v != 1) {
    throw Napi::RangeError::New(info.Env(), "approximate must be 0 (none) or 1 (tanh)");
  }
  return v == 1;
}

template <Unary ActivationKernels::*K, Unary ActivationKernels::*KTanh>
Napi::Value unary_approx(const CallInfo& info) {
  const F32View x = f32_arg(info, 0, "x");
  const F32View y = f32_arg(info, 1, "y");
  expect_length(info, y, x.length, "y");
  const bool tanh = approx_arg(info, 2);
  (table(info).*(tanh ? KTanh : K))(x.data, y.data, x.length);
  return info.Env().Undefined();
}

template <Binary ActivationKernels::*K, Binary ActivationKernels::*KTanh>
Napi::Value binary_approx(const CallInfo& info) {
  const F32View a = f32_arg(info, 0, "x");
  const F32View dy = f32_arg(info, 1, "dy");
  const F32View dx = f32_arg(info, 2, "dx");
  expect_length(info, dy, a.length, "dy");
  expect_length(info, dx, a.length, "dx");
  const bool tanh = approx_arg(info, 3);
  (table(info).*(tanh ? KTanh : K))(a.data, dy.data, dx.data, a.length);
  return info.Env().Undefined();
}

// x is rows x alpha.length; returns the row count.
size_t prelu_rows(const CallInfo& info, const F32View& x, const F32View& alpha) {
  if (alpha.length == 0 || x.length % alpha.length != 0) {
    throw Napi::RangeError::New(info.Env(),
                                "x length must be a multiple of alpha length (alpha non-empty)");
  }
  return x.length / alpha.length;
}

Napi::Value prelu(const CallInfo& info) {
  const F32View x = f32_arg(info, 0, "x");
  const F32View alpha = f32_arg(info, 1, "alpha");
  const F32View y = f32_arg(info, 2, "y");
  expect_length(info, y, x.length, "y");
  const size_t rows = prelu_rows(info, x, alpha);
  table(info).prelu(x.data, alpha.data, y.data, rows, alpha.length);
  return info.Env().Undefined();
}

Napi::Value prelu_backward(const CallInfo& info) {
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
  // One registration per entry of activations_list.h, its wrapper chosen by
  // the entry's kind.
#define NODEGRAD_REG_unary(field) unary<&ActivationKernels::field>
#define NODEGRAD_REG_unary_alpha(field) unary_alpha<&ActivationKernels::field>
#define NODEGRAD_REG_binary(field) binary<&ActivationKernels::field>
#define NODEGRAD_REG_binary_alpha(field) binary_alpha<&ActivationKernels::field>
#define NODEGRAD_REG_unary_approx(field) \
  unary_approx<&ActivationKernels::field, &ActivationKernels::field##_tanh>
#define NODEGRAD_REG_binary_approx(field) \
  binary_approx<&ActivationKernels::field, &ActivationKernels::field##_tanh>
#define NODEGRAD_X(kind, field, js) export_fn<NODEGRAD_REG_##kind(field)>(env, exports, reg, js);
  NODEGRAD_ACTIVATION_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
  export_fn<prelu>(env, exports, reg, "prelu");
  export_fn<prelu_backward>(env, exports, reg, "preluBackward");

  // The lists themselves, for the test that holds them against the TS list
  // (lib/backend/families/activations.ts).
  Napi::Array names = Napi::Array::New(env);
  uint32_t i = 0;
#define NODEGRAD_X(kind, field, js) names.Set(i++, Napi::String::New(env, js));
  NODEGRAD_ACTIVATION_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
  exports.Set("activationKernels", names);
  Napi::Object fused = Napi::Object::New(env);
#define NODEGRAD_X(id, field, js, kind) fused.Set(js, Napi::Number::New(env, id));
  NODEGRAD_FUSED_ACTIVATIONS(NODEGRAD_X)
#undef NODEGRAD_X
  exports.Set("fusedActivations", fused);
}

}  // namespace binding
}  // namespace nodegrad
