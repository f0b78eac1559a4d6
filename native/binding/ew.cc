// N-API layer of the elementwise family: the exports match RawElementwise in
// lib/backend/elementwise.ts name for name and argument for argument. The TS
// layer has validated everything; lengths, modes and broadcast plans are
// re-checked here so that a direct call with mismatched arrays throws a
// TypeError/RangeError instead of touching memory.
#include "../kernels/ew.h"

#include <cmath>
#include <string>

#include "args.h"
#include "register.h"

namespace nodegrad {
namespace binding {

namespace {

const EwKernels& table(const CallInfo& info) { return *tables(info).ew; }

template <class T>
using View = TypedView<T>;  // args.h

View<float> f32(const CallInfo& info, size_t i, const char* name) {
  return typed_arg<float>(info, i, name, napi_float32_array, "a Float32Array");
}
View<uint8_t> u8(const CallInfo& info, size_t i, const char* name) {
  return typed_arg<uint8_t>(info, i, name, napi_uint8_array, "a Uint8Array");
}

[[noreturn]] void range_error(const CallInfo& info, const std::string& msg) {
  throw Napi::RangeError::New(info.Env(), msg);
}

void expect_len(const CallInfo& info, size_t got, size_t want, const char* name) {
  if (got != want) {
    range_error(info, std::string(name) + " must have length " + std::to_string(want) + ", got " +
                          std::to_string(got));
  }
}

// The flat form: a and b each n long or a single value (not both single
// unless n <= 1). Returns the mode.
int flat_mode(const CallInfo& info, size_t na, size_t nb, size_t n) {
  if (n == 0) {
    if (na > 1 || nb > 1) range_error(info, "a and b must have length 0 or 1 when out is empty");
    return kEwVV;
  }
  if (na == n && nb == n) return kEwVV;
  if (na == n && nb == 1) return kEwVS;
  if (na == 1 && nb == n) return kEwSV;
  range_error(info, "a and b must each have out's length (" + std::to_string(n) +
                        ") or length 1, got " + std::to_string(na) + " and " + std::to_string(nb));
}

bool is_index(double d) { return d >= 0 && d <= 9007199254740991.0 && d == std::floor(d); }

// plan = [rank, dims..., a strides..., b strides...] (outermost axis first),
// every offset checked against the operands' lengths.
EwBroadcast parse_plan(const CallInfo& info, size_t index, size_t na, size_t nb, size_t n) {
  const View<double> p =
      typed_arg<double>(info, index, "plan", napi_float64_array, "a Float64Array");
  if (p.length < 1 || !is_index(p.data[0]) || p.data[0] < 1 || p.data[0] > kEwMaxRank) {
    range_error(info,
                "plan[0] (the rank) must be an integer from 1 to " + std::to_string(kEwMaxRank));
  }
  EwBroadcast b{};
  b.rank = static_cast<size_t>(p.data[0]);
  expect_len(info, p.length, 1 + 3 * b.rank, "plan");
  double total = 1;
  double max_a = 0;
  double max_b = 0;
  for (size_t k = 0; k < b.rank; k++) {
    const double d = p.data[1 + k];
    const double sa = p.data[1 + b.rank + k];
    const double sb = p.data[1 + 2 * b.rank + k];
    if (!is_index(d) || !is_index(sa) || !is_index(sb)) {
      range_error(info, "plan dims and strides must be non-negative integers");
    }
    b.dims[k] = static_cast<size_t>(d);
    b.sa[k] = static_cast<size_t>(sa);
    b.sb[k] = static_cast<size_t>(sb);
    total *= d;
    if (d > 0) {
      max_a += (d - 1) * sa;
      max_b += (d - 1) * sb;
    }
  }
  if (total != static_cast<double>(n)) {
    range_error(info, "out must have the plan's size " +
                          std::to_string(static_cast<size_t>(total)) + ", got " +
                          std::to_string(n));
  }
  if (n > 0 && (max_a >= static_cast<double>(na) || max_b >= static_cast<double>(nb))) {
    range_error(info, "the plan reads past the end of a or b");
  }
  return b;
}

using Binary = void (*)(const float*, const float*, float*, size_t, int);
using Compare = void (*)(const float*, const float*, uint8_t*, size_t, int);
using Unary = void (*)(const float*, float*, size_t);
using UnaryParam = void (*)(const float*, float*, size_t, double, double);
using Grad = void (*)(const float*, const float*, float*, size_t);

template <Binary EwKernels::*K>
Napi::Value binary(const CallInfo& info) {
  const View<float> a = f32(info, 0, "a");
  const View<float> b = f32(info, 1, "b");
  const View<float> out = f32(info, 2, "out");
  if (info[3].IsUndefined()) {
    const int mode = flat_mode(info, a.length, b.length, out.length);
    if (out.length > 0) (table(info).*K)(a.data, b.data, out.data, out.length, mode);
  } else {
    const EwBroadcast plan = parse_plan(info, 3, a.length, b.length, out.length);
    if (out.length > 0) ew_broadcast(table(info).*K, a.data, b.data, out.data, plan);
  }
  return info.Env().Undefined();
}

template <Compare EwKernels::*K>
Napi::Value compare(const CallInfo& info) {
  const View<float> a = f32(info, 0, "a");
  const View<float> b = f32(info, 1, "b");
  const View<uint8_t> out = u8(info, 2, "out");
  if (info[3].IsUndefined()) {
    const int mode = flat_mode(info, a.length, b.length, out.length);
    if (out.length > 0) (table(info).*K)(a.data, b.data, out.data, out.length, mode);
  } else {
    const EwBroadcast plan = parse_plan(info, 3, a.length, b.length, out.length);
    if (out.length > 0) ew_broadcast(table(info).*K, a.data, b.data, out.data, plan);
  }
  return info.Env().Undefined();
}

template <Unary EwKernels::*K>
Napi::Value unary(const CallInfo& info) {
  const View<float> x = f32(info, 0, "x");
  const View<float> y = f32(info, 1, "y");
  expect_len(info, y.length, x.length, "y");
  (table(info).*K)(x.data, y.data, x.length);
  return info.Env().Undefined();
}

template <UnaryParam EwKernels::*K>
Napi::Value unary_param(const CallInfo& info) {
  const View<float> x = f32(info, 0, "x");
  const View<float> y = f32(info, 1, "y");
  expect_len(info, y.length, x.length, "y");
  const double p0 = number_arg(info, 2, "p0");
  const double p1 = info[3].IsUndefined() ? 0.0 : number_arg(info, 3, "p1");
  (table(info).*K)(x.data, y.data, x.length, p0, p1);
  return info.Env().Undefined();
}

template <Grad EwKernels::*K>
Napi::Value grad(const CallInfo& info) {
  const View<float> in = f32(info, 0, "input");
  const View<float> dy = f32(info, 1, "dy");
  const View<float> dx = f32(info, 2, "dx");
  expect_len(info, dy.length, in.length, "dy");
  expect_len(info, dx.length, in.length, "dx");
  (table(info).*K)(in.data, dy.data, dx.data, in.length);
  return info.Env().Undefined();
}

Napi::Value select(const CallInfo& info) {
  const View<uint8_t> c = u8(info, 0, "condition");
  const View<float> t = f32(info, 1, "t");
  const View<float> e = f32(info, 2, "e");
  const View<float> out = f32(info, 3, "out");
  expect_len(info, t.length, c.length, "t");
  expect_len(info, e.length, c.length, "e");
  expect_len(info, out.length, c.length, "out");
  table(info).select(c.data, t.data, e.data, out.data, c.length);
  return info.Env().Undefined();
}

}  // namespace

void register_ew(Napi::Env env, Napi::Object exports, const KernelRegistry& reg) {
  // One registration per entry of ew_list.h, its wrapper chosen by the kind.
#define NODEGRAD_X(kind, field, js) export_fn<kind<&EwKernels::field>>(env, exports, reg, js);
  NODEGRAD_EW_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
  export_fn<select>(env, exports, reg, "select");

  // The list itself, for the test that holds it against the TS list
  // (lib/backend/families/elementwise.ts).
  Napi::Array names = Napi::Array::New(env);
  uint32_t i = 0;
#define NODEGRAD_X(kind, field, js) names.Set(i++, Napi::String::New(env, js));
  NODEGRAD_EW_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
  exports.Set("elementwiseKernels", names);
}

}  // namespace binding
}  // namespace nodegrad
