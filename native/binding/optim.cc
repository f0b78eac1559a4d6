// N-API layer of the optimizer kernels. Positional arguments match RawOptim
// in lib/backend/optim.ts; TypeScript has validated lengths, aliasing and
// hyper-parameters, this re-checks only lengths (memory safety).
#include "../kernels/optim.h"

#include "args.h"
#include "register.h"

namespace nodegrad {
namespace binding {
namespace {

// The optimizer table of the registry each function carries (register.h).
const optim::OptimKernels* table(const Napi::CallbackInfo& info) { return tables(info).optim; }

// Reads the three trailing Common scalars starting at `at`.
optim::Common common_args(const Napi::CallbackInfo& info, size_t at) {
  return {f32_scalar_arg(info, at, "scale"), f32_scalar_arg(info, at + 1, "weightDecay"),
          f32_scalar_arg(info, at + 2, "decay")};
}

// sgdStep(param, grad, lr, scale, wd, decay)
Napi::Value sgd_step(const Napi::CallbackInfo& info) {
  F32View p = f32_arg(info, 0, "param"), g = f32_arg(info, 1, "grad");
  expect_length(info, g, p.length, "grad");
  optim::SgdArgs a{common_args(info, 3), f32_scalar_arg(info, 2, "lr")};
  table(info)->sgd(p.data, g.data, p.length, a);
  return info.Env().Undefined();
}

// momentumStep(param, grad, m, beta, a, p, q, nesterov, scale, wd, decay)
Napi::Value momentum_step(const Napi::CallbackInfo& info) {
  F32View p = f32_arg(info, 0, "param"), g = f32_arg(info, 1, "grad"), m = f32_arg(info, 2, "m");
  expect_length(info, g, p.length, "grad");
  expect_length(info, m, p.length, "m");
  optim::MomentumArgs a{common_args(info, 8),         f32_scalar_arg(info, 3, "beta"),
                        f32_scalar_arg(info, 4, "a"), f32_scalar_arg(info, 5, "p"),
                        f32_scalar_arg(info, 6, "q"), bool_arg(info, 7) ? 1 : 0};
  table(info)->momentum(p.data, g.data, m.data, p.length, a);
  return info.Env().Undefined();
}

// rmsStep(param, grad, v, lr, b, c2, eps, epsOutside, scale, wd, decay)
Napi::Value rms_step(const Napi::CallbackInfo& info) {
  F32View p = f32_arg(info, 0, "param"), g = f32_arg(info, 1, "grad"), v = f32_arg(info, 2, "v");
  expect_length(info, g, p.length, "grad");
  expect_length(info, v, p.length, "v");
  optim::RmsArgs a{common_args(info, 8),           f32_scalar_arg(info, 3, "lr"),
                   f32_scalar_arg(info, 4, "b"),   f32_scalar_arg(info, 5, "c2"),
                   f32_scalar_arg(info, 6, "eps"), bool_arg(info, 7) ? 1 : 0};
  table(info)->rms(p.data, g.data, v.data, p.length, a);
  return info.Env().Undefined();
}

// adamStep(param, grad, m, v, alpha, k, beta1, c1, beta2, c2, eps, scale, wd, decay)
Napi::Value adam_step(const Napi::CallbackInfo& info) {
  F32View p = f32_arg(info, 0, "param"), g = f32_arg(info, 1, "grad");
  F32View m = f32_arg(info, 2, "m"), v = f32_arg(info, 3, "v");
  expect_length(info, g, p.length, "grad");
  expect_length(info, m, p.length, "m");
  expect_length(info, v, p.length, "v");
  optim::AdamArgs a{common_args(info, 11),         f32_scalar_arg(info, 4, "alpha"),
                    f32_scalar_arg(info, 5, "k"),  f32_scalar_arg(info, 6, "beta1"),
                    f32_scalar_arg(info, 7, "c1"), f32_scalar_arg(info, 8, "beta2"),
                    f32_scalar_arg(info, 9, "c2"), f32_scalar_arg(info, 10, "eps")};
  table(info)->adam(p.data, g.data, m.data, v.data, p.length, a);
  return info.Env().Undefined();
}

// sumSquares(x) -> number
Napi::Value sum_squares(const Napi::CallbackInfo& info) {
  F32View x = f32_arg(info, 0, "x");
  return Napi::Number::New(info.Env(), table(info)->sum_squares(x.data, x.length));
}

}  // namespace

void register_optim(Napi::Env env, Napi::Object exports, const KernelRegistry& reg) {
  export_fn(env, exports, reg, "sgdStep", sgd_step);
  export_fn(env, exports, reg, "momentumStep", momentum_step);
  export_fn(env, exports, reg, "rmsStep", rms_step);
  export_fn(env, exports, reg, "adamStep", adam_step);
  export_fn(env, exports, reg, "sumSquares", sum_squares);
}

}  // namespace binding
}  // namespace nodegrad
