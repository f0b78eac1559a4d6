// Each kernel family registers its functions on the addon's exports. One
// file per family in this folder; addon.cc calls them all.
#pragma once

#include <napi.h>

#include "../cpu.h"

namespace nodegrad {
namespace binding {

void register_activations(Napi::Env env, Napi::Object exports, Isa isa);
void register_gemm(Napi::Env env, Napi::Object exports, Isa isa);
void register_optim(Napi::Env env, Napi::Object exports, Isa isa);
void register_losses(Napi::Env env, Napi::Object exports, Isa isa);
void register_probes(Napi::Env env, Napi::Object exports, Isa isa);
void register_plan(Napi::Env env, Napi::Object exports);

}  // namespace binding
}  // namespace nodegrad
