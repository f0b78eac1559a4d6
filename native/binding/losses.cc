// N-API layer of the losses family: one registration per entry of
// losses_list.h, same names and positional arguments as RawLosses
// (lib/backend/losses.ts). Lengths are re-checked here so that a
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

using Elementwise = double (*)(const float*, const float*, float*, size_t);
using Rows = double (*)(const float*, const float*, float*, size_t, size_t);
using RowsLabels = double (*)(const float*, const int32_t*, float*, size_t, size_t);

// `First` names the first argument (the list's `first`).
template <Elementwise LossKernels::*K, const char* First>
Napi::Value elementwise(const CallInfo& info) {
  F32View p = f32_arg(info, 0, First);
  F32View t = f32_arg(info, 1, "target");
  F32View g = f32_arg(info, 2, "grad");
  expect_length(info, t, p.length, "target");
  expect_length(info, g, p.length, "grad");
  return Napi::Number::New(info.Env(), (table(info).*K)(p.data, t.data, g.data, p.length));
}

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

template <Rows LossKernels::*K, const char* First>
Napi::Value rows(const CallInfo& info) {
  F32View z = f32_arg(info, 0, First);
  F32View t = f32_arg(info, 1, "target");
  F32View g = f32_arg(info, 2, "grad");
  size_t n, classes;
  row_shape(info, z, g, &n, &classes);
  expect_length(info, t, n * classes, "target");
  return Napi::Number::New(info.Env(), (table(info).*K)(z.data, t.data, g.data, n, classes));
}

template <RowsLabels LossKernels::*K, const char* First>
Napi::Value rows_labels(const CallInfo& info) {
  F32View z = f32_arg(info, 0, First);
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
  return Napi::Number::New(info.Env(), (table(info).*K)(z.data, l, g.data, n, classes));
}

// Each kernel's first-argument name, as storage a template can point at.
#define NODEGRAD_X(kind, field, js, first) constexpr char k_##field##_first[] = first;
NODEGRAD_LOSS_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X

}  // namespace

void register_losses(Napi::Env env, Napi::Object exports, const KernelRegistry& reg) {
  // One registration per entry of losses_list.h, its wrapper chosen by the
  // entry's kind.
#define NODEGRAD_X(kind, field, js, first) \
  export_fn<kind<&LossKernels::field, k_##field##_first>>(env, exports, reg, js);
  NODEGRAD_LOSS_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X

  // The list itself, for the test that holds it against the TS list
  // (lib/backend/families/losses.ts).
  Napi::Array names = Napi::Array::New(env);
  uint32_t i = 0;
#define NODEGRAD_X(kind, field, js, first) names.Set(i++, Napi::String::New(env, js));
  NODEGRAD_LOSS_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
  exports.Set("lossKernels", names);
}

}  // namespace binding
}  // namespace nodegrad
