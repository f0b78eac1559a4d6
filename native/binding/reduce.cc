// N-API layer of the reductions family: the exports match RawReductions in
// lib/backend/reductions.ts name for name and argument for argument. The TS
// layer has validated everything (types, shapes, overlap, gather's index
// range); lengths and indices are re-checked here only so that a direct call
// with bad arguments throws instead of touching memory out of bounds.
#include "../kernels/reduce.h"

#include <cstdint>
#include <string>

#include "args.h"
#include "register.h"

namespace nodegrad {
namespace binding {

namespace {

const ReduceKernels& table(const CallInfo& info) { return *tables(info).reduce; }

template <class T>
using View = TypedView<T>;  // args.h

View<float> f32(const CallInfo& info, size_t i, const char* name) {
  return typed_arg<float>(info, i, name, napi_float32_array, "a Float32Array");
}
View<int32_t> i32(const CallInfo& info, size_t i, const char* name) {
  return typed_arg<int32_t>(info, i, name, napi_int32_array, "an Int32Array");
}
View<uint8_t> u8(const CallInfo& info, size_t i, const char* name) {
  return typed_arg<uint8_t>(info, i, name, napi_uint8_array, "a Uint8Array");
}

template <class T>
void expect_len(const CallInfo& info, const View<T>& v, size_t expected, const char* name) {
  if (v.length != expected) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must have length " +
                                                std::to_string(expected) + ", got " +
                                                std::to_string(v.length));
  }
}

// a * b, or a RangeError when it exceeds `limit` (the array it must equal):
// no size_t wrap-around can make a short array pass the length check.
size_t product(const CallInfo& info, size_t a, size_t b, size_t limit, const char* what) {
  if (a != 0 && b > limit / a) {
    throw Napi::RangeError::New(info.Env(), std::string(what) + " exceeds the array length");
  }
  return a * b;
}

using RowFn = void (*)(const float*, float*, size_t, size_t);
using IndexFn = void (*)(const float*, int32_t*, size_t, size_t);

// x is rows x cols; y has `rows` (Out = 0), `cols` (1) or rows*cols (2) elements.
template <RowFn ReduceKernels::*K, int Out>
Napi::Value rows_cols(const CallInfo& info) {
  const View<float> x = f32(info, 0, "x");
  const View<float> y = f32(info, 1, "y");
  const size_t rows = size_arg(info, 2, "rows");
  const size_t cols = size_arg(info, 3, "cols");
  expect_len(info, x, product(info, rows, cols, x.length, "rows*cols"), "x");
  expect_len(info, y, Out == 0 ? rows : Out == 1 ? cols : rows * cols, "y");
  (table(info).*K)(x.data, y.data, rows, cols);
  return info.Env().Undefined();
}

template <IndexFn ReduceKernels::*K, int Out>
Napi::Value index_rows_cols(const CallInfo& info) {
  const View<float> x = f32(info, 0, "x");
  const View<int32_t> y = i32(info, 1, "y");
  const size_t rows = size_arg(info, 2, "rows");
  const size_t cols = size_arg(info, 3, "cols");
  expect_len(info, x, product(info, rows, cols, x.length, "rows*cols"), "x");
  expect_len(info, y, Out == 0 ? rows : cols, "y");
  (table(info).*K)(x.data, y.data, rows, cols);
  return info.Env().Undefined();
}

// Float32Arrays carry any 4-byte element (the TS layer views int32 data as
// float32 for gather and transpose): the kernels move bits, never values.
Napi::Value transpose(const CallInfo& info) {
  const View<float> x = f32(info, 0, "x");
  const View<float> y = f32(info, 1, "y");
  const size_t batch = size_arg(info, 2, "batch");
  const size_t rows = size_arg(info, 3, "rows");
  const size_t cols = size_arg(info, 4, "cols");
  // batch = 0 makes any plane size valid: the plane is bounded by size_t only.
  const size_t plane = product(info, rows, cols, SIZE_MAX / 4, "rows*cols");
  expect_len(info, x, product(info, batch, plane, x.length, "batch*rows*cols"), "x");
  expect_len(info, y, x.length, "y");
  table(info).transpose(reinterpret_cast<const uint32_t*>(x.data),
                        reinterpret_cast<uint32_t*>(y.data), batch, rows, cols);
  return info.Env().Undefined();
}

Napi::Value gather_rows(const CallInfo& info) {
  const View<float> x = f32(info, 0, "x");
  const View<int32_t> idx = i32(info, 1, "indices");
  const View<float> y = f32(info, 2, "y");
  const size_t rows = size_arg(info, 3, "rows");
  const size_t row_len = size_arg(info, 4, "rowLength");
  expect_len(info, x, product(info, rows, row_len, x.length, "rows*rowLength"), "x");
  expect_len(info, y, product(info, idx.length, row_len, y.length, "indices.length*rowLength"),
             "y");
  for (size_t i = 0; i < idx.length; ++i) {
    if (idx.data[i] < 0 || static_cast<size_t>(idx.data[i]) >= rows) {
      throw Napi::RangeError::New(info.Env(), "indices[" + std::to_string(i) + "] must be in [0, " +
                                                  std::to_string(rows) + ")");
    }
  }
  table(info).gather_rows(reinterpret_cast<const uint32_t*>(x.data), idx.data,
                          reinterpret_cast<uint32_t*>(y.data), idx.length, row_len);
  return info.Env().Undefined();
}

template <class In, class Out>
using CastFn = void (*)(const In*, Out*, size_t);

template <class In, class Out, CastFn<In, Out> ReduceKernels::*K,
          View<In> (*ArgIn)(const CallInfo&, size_t, const char*),
          View<Out> (*ArgOut)(const CallInfo&, size_t, const char*)>
Napi::Value cast(const CallInfo& info) {
  const View<In> x = ArgIn(info, 0, "x");
  const View<Out> y = ArgOut(info, 1, "y");
  expect_len(info, y, x.length, "y");
  (table(info).*K)(x.data, y.data, x.length);
  return info.Env().Undefined();
}

Napi::Value one_hot(const CallInfo& info) {
  const View<int32_t> idx = i32(info, 0, "indices");
  const View<float> y = f32(info, 1, "y");
  const size_t depth = size_arg(info, 2, "depth");
  const float on = f32_scalar_arg(info, 3, "onValue");
  const float off = f32_scalar_arg(info, 4, "offValue");
  expect_len(info, y, product(info, idx.length, depth, y.length, "indices.length*depth"), "y");
  table(info).one_hot(idx.data, y.data, idx.length, depth, on, off);
  return info.Env().Undefined();
}

}  // namespace

void register_reduce(Napi::Env env, Napi::Object exports, const KernelRegistry& reg) {
  // One registration per entry of reduce_list.h, its wrapper chosen by the kind.
#define NODEGRAD_REG_reduce_rows(field) rows_cols<&ReduceKernels::field, 0>
#define NODEGRAD_REG_reduce_cols(field) rows_cols<&ReduceKernels::field, 1>
#define NODEGRAD_REG_map_rows(field) rows_cols<&ReduceKernels::field, 2>
#define NODEGRAD_REG_index_rows(field) index_rows_cols<&ReduceKernels::field, 0>
#define NODEGRAD_REG_index_cols(field) index_rows_cols<&ReduceKernels::field, 1>
#define NODEGRAD_REG_transpose(field) transpose
#define NODEGRAD_REG_gather(field) gather_rows
#define NODEGRAD_REG_cast_f32_i32(field) cast<float, int32_t, &ReduceKernels::field, f32, i32>
#define NODEGRAD_REG_cast_i32_f32(field) cast<int32_t, float, &ReduceKernels::field, i32, f32>
#define NODEGRAD_REG_cast_u8_f32(field) cast<uint8_t, float, &ReduceKernels::field, u8, f32>
#define NODEGRAD_REG_cast_u8_i32(field) cast<uint8_t, int32_t, &ReduceKernels::field, u8, i32>
#define NODEGRAD_REG_cast_f32_u8(field) cast<float, uint8_t, &ReduceKernels::field, f32, u8>
#define NODEGRAD_REG_one_hot(field) one_hot
#define NODEGRAD_X(kind, field, js) export_fn<NODEGRAD_REG_##kind(field)>(env, exports, reg, js);
  NODEGRAD_REDUCE_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X

  // The list itself, for the test that holds it against the TS list
  // (lib/backend/families/reductions.ts).
  Napi::Array names = Napi::Array::New(env);
  uint32_t i = 0;
#define NODEGRAD_X(kind, field, js) names.Set(i++, Napi::String::New(env, js));
  NODEGRAD_REDUCE_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
  exports.Set("reductionKernels", names);
}

}  // namespace binding
}  // namespace nodegrad
