// Each kernel family registers its functions on the addon's exports. One
// file per family in this folder; addon.cc calls them all with the registry
// of the ISA chosen at load time. Every function receives that registry the
// same way: as its N-API callback data (read back with `tables(info)`), so
// there is no mutable global and no per-call pick.
#pragma once

#include <napi.h>

#include "../registry.h"
#include "args.h"

namespace nodegrad {
namespace binding {

// The registry a function was registered with (its callback data).
template <class Info>
const KernelRegistry& tables(const Info& info) {
  return *static_cast<const KernelRegistry*>(info.Data());
}

// exports[name] = fn, carrying `reg` (process-lifetime storage) as its data.
// A CallInfo function (args.h: one napi_get_cb_info, no heap) is a plain
// napi_callback; a Napi::CallbackInfo one goes through node-addon-api.
template <BindingFn F>
void export_fn(Napi::Env env, Napi::Object exports, const KernelRegistry& reg, const char* name) {
  napi_value fn;
  napi_status s = napi_create_function(env, name, NAPI_AUTO_LENGTH, callback<F>,
                                       const_cast<KernelRegistry*>(&reg), &fn);
  NAPI_THROW_IF_FAILED_VOID(env, s);
  exports.Set(name, Napi::Value(env, fn));
}

inline void export_fn(Napi::Env env, Napi::Object exports, const KernelRegistry& reg,
                      const char* name, Napi::Value (*fn)(const Napi::CallbackInfo&)) {
  exports.Set(name, Napi::Function::New(env, fn, name, const_cast<KernelRegistry*>(&reg)));
}

void register_activations(Napi::Env env, Napi::Object exports, const KernelRegistry& reg);
void register_gemm(Napi::Env env, Napi::Object exports, const KernelRegistry& reg);
void register_optim(Napi::Env env, Napi::Object exports, const KernelRegistry& reg);
void register_losses(Napi::Env env, Napi::Object exports, const KernelRegistry& reg);
void register_probes(Napi::Env env, Napi::Object exports, const KernelRegistry& reg);
void register_ew(Napi::Env env, Napi::Object exports, const KernelRegistry& reg);
void register_reduce(Napi::Env env, Napi::Object exports, const KernelRegistry& reg);
void register_norm(Napi::Env env, Napi::Object exports, const KernelRegistry& reg);
void register_plan(Napi::Env env, Napi::Object exports, const KernelRegistry& reg);

}  // namespace binding
}  // namespace nodegrad
