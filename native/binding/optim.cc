// N-API layer of the optimizer kernels: stepName(param, grad, ...state,
// scalars) with `scalars` one Float32Array laid out as optim::Scalars (the
// field names are exported as optimScalarFields, so TypeScript can check its
// own list against this one). TypeScript has validated lengths, aliasing and
// hyper-parameters; this re-checks lengths (memory safety) and overlap on the
// memory addresses (two JS objects, e.g. a structuredClone'd
// SharedArrayBuffer, can share memory that the TypeScript identity check
// cannot see).
#include "../kernels/optim.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "args.h"
#include "register.h"

namespace nodegrad {
namespace binding {
namespace {

// The optimizer table of the registry each function carries (register.h).
const optim::OptimKernels* table(const Napi::CallbackInfo& info) { return tables(info).optim; }

optim::Scalars scalars_arg(const Napi::CallbackInfo& info, size_t index) {
  F32View b = f32_arg(info, index, "scalars");
  expect_length(info, b, optim::kScalarCount, "scalars");
  optim::Scalars s;
  std::memcpy(&s, b.data, sizeof s);
  return s;
}

struct Named {
  const char* name;
  F32View view;
};

// The same wording as checkNoOverlap in TypeScript (lib/errors.ts): the
// earlier argument is named as the one that must be separate.
void expect_disjoint(const Napi::CallbackInfo& info, const char* fn, const Named* a, size_t count) {
  for (size_t i = 0; i < count; i++) {
    for (size_t j = i + 1; j < count; j++) {
      const F32View& x = a[i].view;
      const F32View& y = a[j].view;
      if (x.length == 0 || y.length == 0) continue;
      const auto x0 = reinterpret_cast<uintptr_t>(x.data), y0 = reinterpret_cast<uintptr_t>(y.data);
      const uintptr_t x1 = x0 + 4 * x.length, y1 = y0 + 4 * y.length;
      if (!(x0 < y1 && y0 < x1)) continue;
      const bool same = x0 == y0 && x1 == y1;
      throw Napi::RangeError::New(
          info.Env(), std::string(fn) + ": " + a[i].name + " must be memory separate from " +
                          a[j].name + ", got " +
                          (same ? "the same memory as " : "memory overlapping ") + a[j].name);
    }
  }
}

// sgdStep(param, grad, scalars) -> StepResult
Napi::Value sgd_step(const Napi::CallbackInfo& info) {
  F32View p = f32_arg(info, 0, "param"), g = f32_arg(info, 1, "grad");
  expect_length(info, g, p.length, "grad");
  const Named all[] = {{"param", p}, {"grad", g}};
  expect_disjoint(info, "sgdStep", all, 2);
  const optim::Scalars s = scalars_arg(info, 2);
  return Napi::Number::New(info.Env(), table(info)->sgd(p.data, g.data, p.length, s));
}

// momentumStep(param, grad, m, scalars) -> StepResult
Napi::Value momentum_step(const Napi::CallbackInfo& info) {
  F32View p = f32_arg(info, 0, "param"), g = f32_arg(info, 1, "grad"), m = f32_arg(info, 2, "m");
  expect_length(info, g, p.length, "grad");
  expect_length(info, m, p.length, "m");
  const Named all[] = {{"param", p}, {"grad", g}, {"m", m}};
  expect_disjoint(info, "momentumStep", all, 3);
  const optim::Scalars s = scalars_arg(info, 3);
  return Napi::Number::New(info.Env(), table(info)->momentum(p.data, g.data, m.data, p.length, s));
}

// rmsStep(param, grad, v, scalars) -> StepResult (AdaGrad and RMSProp)
Napi::Value rms_step(const Napi::CallbackInfo& info) {
  F32View p = f32_arg(info, 0, "param"), g = f32_arg(info, 1, "grad"), v = f32_arg(info, 2, "v");
  expect_length(info, g, p.length, "grad");
  expect_length(info, v, p.length, "v");
  const Named all[] = {{"param", p}, {"grad", g}, {"v", v}};
  expect_disjoint(info, "rmsStep", all, 3);
  const optim::Scalars s = scalars_arg(info, 3);
  return Napi::Number::New(info.Env(), table(info)->rms(p.data, g.data, v.data, p.length, s));
}

// adamStep(param, grad, m, v, scalars) -> StepResult
Napi::Value adam_step(const Napi::CallbackInfo& info) {
  F32View p = f32_arg(info, 0, "param"), g = f32_arg(info, 1, "grad");
  F32View m = f32_arg(info, 2, "m"), v = f32_arg(info, 3, "v");
  expect_length(info, g, p.length, "grad");
  expect_length(info, m, p.length, "m");
  expect_length(info, v, p.length, "v");
  const Named all[] = {{"param", p}, {"grad", g}, {"m", m}, {"v", v}};
  expect_disjoint(info, "adamStep", all, 4);
  const optim::Scalars s = scalars_arg(info, 4);
  return Napi::Number::New(info.Env(),
                           table(info)->adam(p.data, g.data, m.data, v.data, p.length, s));
}

// rmsMomentumStep(param, grad, v, mom, mg | null, scalars) -> StepResult
// (TF.js's RMSProp with a momentum buffer; mg given when centered)
Napi::Value rms_momentum_step(const Napi::CallbackInfo& info) {
  F32View p = f32_arg(info, 0, "param"), g = f32_arg(info, 1, "grad");
  F32View v = f32_arg(info, 2, "v"), mom = f32_arg(info, 3, "mom");
  const bool centered = info.Length() > 4 && !info[4].IsNull() && !info[4].IsUndefined();
  F32View mg = centered ? f32_arg(info, 4, "mg") : F32View{};
  expect_length(info, g, p.length, "grad");
  expect_length(info, v, p.length, "v");
  expect_length(info, mom, p.length, "mom");
  if (centered) expect_length(info, mg, p.length, "mg");
  const Named all[] = {{"param", p}, {"grad", g}, {"v", v}, {"mom", mom}, {"mg", mg}};
  expect_disjoint(info, "rmsMomentumStep", all, centered ? 5 : 4);
  optim::Scalars s = scalars_arg(info, 5);
  // The refusal mask has bits for three arrays only: this kernel always writes.
  s.guard = 0;
  return Napi::Number::New(info.Env(),
                           table(info)->rms_momentum(p.data, g.data, v.data, mom.data,
                                                     centered ? mg.data : nullptr, p.length, s));
}

// sumSquares(x) -> number
Napi::Value sum_squares(const Napi::CallbackInfo& info) {
  F32View x = f32_arg(info, 0, "x");
  return Napi::Number::New(info.Env(), table(info)->sum_squares(x.data, x.length));
}

// memoryAddress(typedArray) -> the address of its first byte, as a number
// (user-space addresses fit in 53 bits on every supported platform). Every
// family's overlap check (lib/backend/memory.ts) asks this for views over two
// different SharedArrayBuffer objects, which may be clones over one memory.
Napi::Value memory_address(const Napi::CallbackInfo& info) {
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void* data = nullptr;
  napi_value buffer;
  if (info.Length() < 1 || !info[0].IsTypedArray() ||
      napi_get_typedarray_info(info.Env(), info[0], &type, &length, &data, &buffer, &offset) !=
          napi_ok) {
    throw Napi::TypeError::New(info.Env(), "memoryAddress: view must be a typed array");
  }
  return Napi::Number::New(info.Env(), static_cast<double>(reinterpret_cast<uintptr_t>(data)));
}

Napi::Array scalar_fields(Napi::Env env) {
  static const char* const kNames[] = {
#define NODEGRAD_OPTIM_NAME(name) #name,
      NODEGRAD_OPTIM_SCALARS(NODEGRAD_OPTIM_NAME)
#undef NODEGRAD_OPTIM_NAME
  };
  Napi::Array out = Napi::Array::New(env, optim::kScalarCount);
  for (uint32_t i = 0; i < optim::kScalarCount; i++) out.Set(i, Napi::String::New(env, kNames[i]));
  return out;
}

}  // namespace

void register_optim(Napi::Env env, Napi::Object exports, const KernelRegistry& reg) {
  export_fn(env, exports, reg, "sgdStep", sgd_step);
  export_fn(env, exports, reg, "momentumStep", momentum_step);
  export_fn(env, exports, reg, "rmsStep", rms_step);
  export_fn(env, exports, reg, "adamStep", adam_step);
  export_fn(env, exports, reg, "rmsMomentumStep", rms_momentum_step);
  export_fn(env, exports, reg, "sumSquares", sum_squares);
  exports.Set("optimScalarFields", scalar_fields(env));
  exports.Set("memoryAddress", Napi::Function::New(env, memory_address, "memoryAddress"));
}

}  // namespace binding
}  // namespace nodegrad
