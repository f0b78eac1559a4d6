// N-API layer of the normalisation family: the exports match RawNorm in
// lib/backend/norm.ts name for name and argument for argument. The TS layer
// has validated everything (types, shapes, overlap, scalars); lengths and
// the null pairs are re-checked here only so that a direct call with bad
// arguments throws instead of touching memory out of bounds.
#include "../kernels/norm.h"

#include <cstdint>
#include <string>

#include "args.h"
#include "register.h"

namespace nodegrad {
namespace binding {

namespace {

const NormKernels& table(const CallInfo& info) { return *tables(info).norm; }

template <class T>
using View = TypedView<T>;  // args.h

View<float> f32(const CallInfo& info, size_t i, const char* name) {
  return typed_arg<float>(info, i, name, napi_float32_array, "a Float32Array");
}
View<double> f64(const CallInfo& info, size_t i, const char* name) {
  return typed_arg<double>(info, i, name, napi_float64_array, "a Float64Array");
}

bool is_null(const CallInfo& info, size_t i) {
  napi_valuetype t = napi_undefined;
  napi_value v = raw_arg(info, i);
  return v == nullptr ||
         (napi_typeof(info.Env(), v, &t) == napi_ok && (t == napi_null || t == napi_undefined));
}

// A Float32Array of exactly `len` elements, or null (data null, `given` false).
struct Opt {
  float* data = nullptr;
  bool given = false;
};
Opt opt_f32(const CallInfo& info, size_t i, const char* name, size_t len) {
  if (is_null(info, i)) return {};
  const View<float> v = f32(info, i, name);
  if (v.length != len) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must have length " +
                                                std::to_string(len) + ", got " +
                                                std::to_string(v.length));
  }
  return {v.data, true};
}

template <class T>
T* exact(const CallInfo& info, const View<T>& v, size_t len, const char* name) {
  if (v.length != len) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must have length " +
                                                std::to_string(len) + ", got " +
                                                std::to_string(v.length));
  }
  return v.data;
}

template <class T>
T* at_least(const CallInfo& info, const View<T>& v, size_t len, const char* name) {
  if (v.length < len) {
    throw Napi::RangeError::New(info.Env(), std::string(name) +
                                                " must have length >= " + std::to_string(len) +
                                                ", got " + std::to_string(v.length));
  }
  return v.data;
}

void pair(const CallInfo& info, const Opt& a, const Opt& b, const char* what) {
  if (a.given != b.given) {
    throw Napi::TypeError::New(info.Env(),
                               std::string(what) + " must both be given or both be null");
  }
}

// rows * features, or a RangeError when it exceeds `limit` (no wrap-around).
size_t product(const CallInfo& info, size_t rows, size_t f, size_t limit) {
  if (rows != 0 && f > limit / rows) {
    throw Napi::RangeError::New(info.Env(), "rows*features exceeds the array length");
  }
  return rows * f;
}

// (x, w, b, y, xhat, rstd, rows, features, ...): the forward kernels' head.
struct Forward {
  float* x;
  Opt w, b;
  float* y;
  float* xhat;
  double* rstd;
  size_t rows, f;
};
Forward forward_args(const CallInfo& info, bool rstd_per_row) {
  const View<float> x = f32(info, 0, "x");
  const size_t rows = size_arg(info, 6, "rows");
  const size_t f = size_arg(info, 7, "features");
  const size_t n = product(info, rows, f, x.length);
  Forward a{exact(info, x, n, "x"),
            opt_f32(info, 1, "w", f),
            opt_f32(info, 2, "b", f),
            exact(info, f32(info, 3, "y"), n, "y"),
            exact(info, f32(info, 4, "xhat"), n, "xhat"),
            at_least(info, f64(info, 5, "rstd"), rstd_per_row ? rows : f, "rstd"),
            rows,
            f};
  pair(info, a.w, a.b, "w and b");
  return a;
}

Napi::Value batch_norm_train(const CallInfo& info) {
  const Forward a = forward_args(info, false);
  const double eps = number_arg(info, 8, "eps");
  const double momentum = number_arg(info, 9, "momentum");
  const Opt rm = opt_f32(info, 10, "runningMean", a.f);
  const Opt rv = opt_f32(info, 11, "runningVar", a.f);
  pair(info, rm, rv, "runningMean and runningVar");
  table(info).batch_norm_train(a.x, a.w.data, a.b.data, a.y, a.xhat, a.rstd, a.rows, a.f, eps,
                               rm.data, rv.data, momentum);
  return info.Env().Undefined();
}

Napi::Value batch_norm_eval(const CallInfo& info) {
  const Forward a = forward_args(info, false);
  const double eps = number_arg(info, 8, "eps");
  const float* rm = exact(info, f32(info, 9, "runningMean"), a.f, "runningMean");
  const float* rv = exact(info, f32(info, 10, "runningVar"), a.f, "runningVar");
  table(info).batch_norm_eval(a.x, a.w.data, a.b.data, a.y, a.xhat, a.rstd, a.rows, a.f, eps, rm,
                              rv);
  return info.Env().Undefined();
}

Napi::Value layer_norm_forward(const CallInfo& info) {
  const Forward a = forward_args(info, true);
  const double eps = number_arg(info, 8, "eps");
  table(info).layer_norm_forward(a.x, a.w.data, a.b.data, a.y, a.xhat, a.rstd, a.rows, a.f, eps);
  return info.Env().Undefined();
}

// (dy, xhat, rstd, w, dx, dw, db, rows, features, ...): the backward kernels' head.
struct Backward {
  float* dy;
  float* xhat;
  double* rstd;
  Opt w, dx, dw, db;
  size_t rows, f;
};
Backward backward_args(const CallInfo& info, bool rstd_per_row) {
  const View<float> dy = f32(info, 0, "dy");
  const size_t rows = size_arg(info, 7, "rows");
  const size_t f = size_arg(info, 8, "features");
  const size_t n = product(info, rows, f, dy.length);
  Backward a{exact(info, dy, n, "dy"),
             exact(info, f32(info, 1, "xhat"), n, "xhat"),
             at_least(info, f64(info, 2, "rstd"), rstd_per_row ? rows : f, "rstd"),
             opt_f32(info, 3, "w", f),
             opt_f32(info, 4, "dx", n),
             opt_f32(info, 5, "dw", f),
             opt_f32(info, 6, "db", f),
             rows,
             f};
  pair(info, a.dw, a.db, "dw and db");
  return a;
}

Napi::Value batch_norm_backward(const CallInfo& info) {
  const Backward a = backward_args(info, false);
  const bool batch_stats = bool_arg(info, 9);
  table(info).batch_norm_backward(a.dy, a.xhat, a.rstd, a.w.data, a.dx.data, a.dw.data, a.db.data,
                                  a.rows, a.f, batch_stats);
  return info.Env().Undefined();
}

Napi::Value layer_norm_backward(const CallInfo& info) {
  const Backward a = backward_args(info, true);
  table(info).layer_norm_backward(a.dy, a.xhat, a.rstd, a.w.data, a.dx.data, a.dw.data, a.db.data,
                                  a.rows, a.f);
  return info.Env().Undefined();
}

Napi::Value dropout_forward(const CallInfo& info) {
  const View<float> x = f32(info, 0, "x");
  float* y = exact(info, f32(info, 1, "y"), x.length, "y");
  float* mask = at_least(info, f32(info, 2, "mask"), x.length, "mask");
  const double p = number_arg(info, 3, "p");
  const float scale = f32_scalar_arg(info, 4, "scale");
  const View<uint32_t> state =
      typed_arg<uint32_t>(info, 5, "state", napi_uint32_array, "a Uint32Array");
  uint32_t* s = exact(info, state, 4, "state");
  table(info).dropout_forward(x.data, y, mask, x.length, p, scale, s);
  return info.Env().Undefined();
}

Napi::Value dropout_backward(const CallInfo& info) {
  const View<float> dy = f32(info, 0, "dy");
  const float* mask = at_least(info, f32(info, 1, "mask"), dy.length, "mask");
  float* dx = exact(info, f32(info, 2, "dx"), dy.length, "dx");
  table(info).dropout_backward(dy.data, mask, dx, dy.length);
  return info.Env().Undefined();
}

}  // namespace

void register_norm(Napi::Env env, Napi::Object exports, const KernelRegistry& reg) {
  // One registration per entry of norm_list.h (each kernel is its own kind).
#define NODEGRAD_X(kind, field, js) export_fn<kind>(env, exports, reg, js);
  NODEGRAD_NORM_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X

  // The list itself, for the test that holds it against the TS list
  // (lib/backend/families/norm.ts).
  Napi::Array names = Napi::Array::New(env);
  uint32_t i = 0;
#define NODEGRAD_X(kind, field, js) names.Set(i++, Napi::String::New(env, js));
  NODEGRAD_NORM_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
  exports.Set("normKernels", names);
}

}  // namespace binding
}  // namespace nodegrad
