// N-API layer of the losses family: same names and positional arguments as
// RawLosses (lib/backend/losses.ts). Lengths are re-checked here so that a
// direct call with bad arguments throws instead of reading out of bounds.
#include "../kernels/losses.h"

#include <string>

#include "args.h"
#include "register.h"

namespace nodegrad {
namespace binding {

namespace {

// The loss table of the registry each function carries (register.h).
const LossKernels& table(const CallInfo& info) { return *tables(info).losses; }

Napi::Value elementwise(const CallInfo& info,
                        double (*fn)(const float*, const float*, float*, size_t)) {
  F32View p = f32_arg(info, 0, "pred");
  F32View t = f32_arg(info, 1, "target");
  F32View g = f32_arg(info, 2, "grad");
  expect_length(info, t, p.length, "target");
  expect_length(info, g, p.length, "grad");
  return Napi::Number::New(info.Env(), fn(p.data, t.data, g.data, p.length));
}

Napi::Value mse(const CallInfo& info) { return elementwise(info, table(info).mse); }

Napi::Value bce(const CallInfo& info) { return elementwise(info, table(info).bce); }

void row_shape(const CallInfo& info, const F32View& logits, const F32View& grad, size_t* n,
               size_t* classes) {
  *n = size_arg(info, 3, "n");
  *classes = size_arg(info, 4, "classes");
  if (*classes != 0 && *n > logits.length / *classes) {
    throw Napi::RangeError::New(info.Env(), "logits must have length n*classes");
  }
  expect_length(info, logits, *n * *classes, "logits");
  expect_length(info, grad, *n * *classes, "grad");
}

Napi::Value softmax_ce(const CallInfo& info) {
  F32View z = f32_arg(info, 0, "logits");
  F32View t = f32_arg(info, 1, "target");
  F32View g = f32_arg(info, 2, "grad");
  size_t n, classes;
  row_shape(info, z, g, &n, &classes);
  expect_length(info, t, n * classes, "target");
  return Napi::Number::New(info.Env(), table(info).softmax_ce(z.data, t.data, g.data, n, classes));
}

Napi::Value softmax_ce_labels(const CallInfo& info) {
  F32View z = f32_arg(info, 0, "logits");
  Napi::Value lv = info[1];
  if (!lv.IsTypedArray() || lv.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(info.Env(), "labels must be an Int32Array");
  }
  Napi::Int32Array labels = lv.As<Napi::Int32Array>();
  F32View g = f32_arg(info, 2, "grad");
  size_t n, classes;
  row_shape(info, z, g, &n, &classes);
  if (labels.ElementLength() != n) {
    throw Napi::RangeError::New(info.Env(), "labels must have length " + std::to_string(n));
  }
  const int32_t* l = n == 0 ? nullptr : labels.Data();
  for (size_t i = 0; i < n; ++i) {
    if (l[i] < 0 || static_cast<size_t>(l[i]) >= classes) {
      throw Napi::RangeError::New(info.Env(), "labels[" + std::to_string(i) + "] must be in [0, " +
                                                  std::to_string(classes) + ")");
    }
  }
  return Napi::Number::New(info.Env(),
                           table(info).softmax_ce_labels(z.data, l, g.data, n, classes));
}

}  // namespace

void register_losses(Napi::Env env, Napi::Object exports, const KernelRegistry& reg) {
  export_fn<mse>(env, exports, reg, "mse");
  export_fn<softmax_ce>(env, exports, reg, "softmaxCrossEntropy");
  export_fn<softmax_ce_labels>(env, exports, reg, "softmaxCrossEntropyLabels");
  export_fn<bce>(env, exports, reg, "binaryCrossEntropy");
}

}  // namespace binding
}  // namespace nodegrad
