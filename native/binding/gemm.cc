// N-API layer of the GEMM family: gemm, denseForward, columnSums (the
// positional arguments of RawGemm in lib/backend/gemm.ts) and the process-wide
// thread count (setThreads, getThreads).
#include "../kernels/gemm.h"

#include <string>

#include "../kernels/activations.h"
#include "../threadpool.h"
#include "args.h"
#include "register.h"

namespace nodegrad {
namespace binding {

namespace {

// The GEMM table of the registry each function carries (register.h).
const GemmKernels* g_table(const CallInfo& info) { return tables(info).gemm; }

// denseForward's activation: the activation family's kernel of the same
// registry, so a fused layer gives exactly the bits of gemm + bias then the
// activation. The ids come from NODEGRAD_FUSED_ACTIVATIONS
// (activations_list.h), shared with FUSED_ACTIVATIONS in
// lib/backend/families/activations.ts.
constexpr int kFusedCount = 0
#define NODEGRAD_X(id, field, js, kind) +1
    NODEGRAD_FUSED_ACTIVATIONS(NODEGRAD_X)
#undef NODEGRAD_X
    ;

GemmEpilogue epilogue(const KernelRegistry& reg, const float* bias, int act, float alpha) {
  const ActivationKernels* t = reg.activations;
  GemmEpilogue e{bias, nullptr, nullptr, alpha};
#define NODEGRAD_EPI_none(field)
#define NODEGRAD_EPI_unary(field) e.act = t->field;
#define NODEGRAD_EPI_unary_alpha(field) e.act_alpha = t->field;
#define NODEGRAD_X(id, field, js, kind) \
  case id:                              \
    NODEGRAD_EPI_##kind(field) break;
  switch (act) {
    NODEGRAD_FUSED_ACTIVATIONS(NODEGRAD_X)
    default:
      break;
  }
#undef NODEGRAD_X
  return e;
}

// x·y as an element count, or a RangeError when it cannot be one.
size_t product(const CallInfo& info, size_t x, size_t y, const char* what) {
  if (y != 0 && x > SIZE_MAX / y) {
    throw Napi::RangeError::New(info.Env(), std::string(what) + " is too large");
  }
  return x * y;
}

Napi::Value gemm_fn(const CallInfo& info) {
  F32View a = f32_arg(info, 0, "a"), b = f32_arg(info, 1, "b"), c = f32_arg(info, 2, "c");
  size_t m = size_arg(info, 3, "m"), n = size_arg(info, 4, "n"), k = size_arg(info, 5, "k");
  expect_length(info, a, product(info, m, k, "m*k"), "a");
  expect_length(info, b, product(info, k, n, "k*n"), "b");
  expect_length(info, c, product(info, m, n, "m*n"), "c");
  bool ta = bool_arg(info, 6), tb = bool_arg(info, 7);
  float alpha = f32_scalar_arg(info, 8, "alpha"), beta = f32_scalar_arg(info, 9, "beta");
  gemm(g_table(info), a.data, b.data, c.data, m, n, k, ta, tb, alpha, beta);
  return info.Env().Undefined();
}

Napi::Value dense_forward_fn(const CallInfo& info) {
  F32View x = f32_arg(info, 0, "x"), w = f32_arg(info, 1, "w");
  F32View bias{nullptr, 0};
  const bool has_bias = !info[2].IsNull() && !info[2].IsUndefined();
  if (has_bias) bias = f32_arg(info, 2, "bias");
  F32View y = f32_arg(info, 3, "y");
  size_t m = size_arg(info, 4, "m"), n = size_arg(info, 5, "n"), k = size_arg(info, 6, "k");
  expect_length(info, x, product(info, m, k, "m*k"), "x");
  expect_length(info, w, product(info, k, n, "k*n"), "w");
  expect_length(info, y, product(info, m, n, "m*n"), "y");
  if (has_bias) expect_length(info, bias, n, "bias");
  double act = number_arg(info, 7, "act");
  if (!(act >= 0 && act < kFusedCount) || act != static_cast<double>(static_cast<int>(act))) {
    throw Napi::RangeError::New(
        info.Env(), "act must be a FusedActivation (0.." + std::to_string(kFusedCount - 1) + ")");
  }
  GemmEpilogue epi = epilogue(tables(info), has_bias ? bias.data : nullptr, static_cast<int>(act),
                              f32_scalar_arg(info, 8, "alpha"));
  // Optional z (m×n): the pre-activation, stored by the epilogue.
  if (!info[9].IsNull() && !info[9].IsUndefined()) {
    F32View z = f32_arg(info, 9, "z");
    expect_length(info, z, m * n, "z");
    epi.pre = z.data;
  }
  dense_forward(g_table(info), x.data, w.data, y.data, m, n, k, epi);
  return info.Env().Undefined();
}

Napi::Value column_sums_fn(const CallInfo& info) {
  F32View a = f32_arg(info, 0, "a"), out = f32_arg(info, 1, "out");
  size_t m = size_arg(info, 2, "m"), n = size_arg(info, 3, "n");
  expect_length(info, a, product(info, m, n, "m*n"), "a");
  expect_length(info, out, n, "out");
  column_sums(g_table(info), a.data, out.data, m, n, f32_scalar_arg(info, 4, "beta"));
  return info.Env().Undefined();
}

// The blocking this process's GEMM uses and the caches it was derived from:
// tests take their tile-boundary sizes from it, the bench reports it.
Napi::Value gemm_blocking_fn(const CallInfo& info) {
  Napi::Env env = info.Env();
  const GemmKernels* kt = g_table(info);
  const GemmBlocking& bl = kt->blocking;
  const GemmCaches& cs = gemm_caches();
  Napi::Object o = Napi::Object::New(env);
  o.Set("mr", static_cast<double>(bl.mr));
  o.Set("nr", static_cast<double>(bl.nr));
  o.Set("mc", static_cast<double>(bl.mc));
  o.Set("kc", static_cast<double>(bl.kc));
  o.Set("nc", static_cast<double>(bl.nc));
  o.Set("gemvMaxRows", static_cast<double>(kt->gemv_n != nullptr ? kGemvMaxRows : 0));
  Napi::Object c = Napi::Object::New(env);
  c.Set("l1d", static_cast<double>(cs.l1d));
  c.Set("l1dWays", static_cast<double>(cs.l1d_ways));
  c.Set("l2", static_cast<double>(cs.l2));
  c.Set("l3", static_cast<double>(cs.l3));
  c.Set("detected", cs.detected);
  o.Set("caches", c);
  return o;
}

Napi::Value set_threads_fn(const CallInfo& info) {
  double v = number_arg(info, 0, "n");
  if (!(v >= 1 && v <= 1024) || v != static_cast<double>(static_cast<size_t>(v))) {
    throw Napi::RangeError::New(info.Env(), "n must be an integer from 1 to 1024");
  }
  threadpool::set_threads(static_cast<size_t>(v));
  return info.Env().Undefined();
}

Napi::Value get_threads_fn(const CallInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(threadpool::get_threads()));
}

}  // namespace

void register_gemm(Napi::Env env, Napi::Object exports, const KernelRegistry& reg) {
  export_fn<gemm_fn>(env, exports, reg, "gemm");
  export_fn<dense_forward_fn>(env, exports, reg, "denseForward");
  export_fn<column_sums_fn>(env, exports, reg, "columnSums");
  export_fn<gemm_blocking_fn>(env, exports, reg, "gemmBlocking");
  export_fn<set_threads_fn>(env, exports, reg, "setThreads");
  export_fn<get_threads_fn>(env, exports, reg, "getThreads");
}

}  // namespace binding
}  // namespace nodegrad
