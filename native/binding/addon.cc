// Module entry point. Context-aware (N-API): every worker thread that loads
// the addon gets its own exports; process-wide state (the thread pool, the
// chosen ISA) lives in native/ statics.
#include <napi.h>

#include "../cpu.h"
#include "../registry.h"
#include "register.h"

namespace nodegrad {
namespace binding {

static Napi::Object init(Napi::Env env, Napi::Object exports) {
  const IsaSelection& sel = selected_isa();
  if (!sel.error.empty()) throw Napi::Error::New(env, sel.error);

  exports.Set("isa", Napi::String::New(env, isa_name(sel.isa)));
  Napi::Array avail = Napi::Array::New(env);
  uint32_t i = 0;
  for (Isa isa : available_isas()) avail.Set(i++, Napi::String::New(env, isa_name(isa)));
  exports.Set("isaAvailable", avail);

  const KernelRegistry& reg = kernel_registry(sel.isa);
  register_activations(env, exports, reg);
  register_gemm(env, exports, reg);
  register_optim(env, exports, reg);
  register_losses(env, exports, reg);
  register_probes(env, exports, reg);
  register_ew(env, exports, reg);
  register_reduce(env, exports, reg);
  register_norm(env, exports, reg);
  register_plan(env, exports, reg);
  return exports;
}

}  // namespace binding
}  // namespace nodegrad

static Napi::Object InitNodegrad(Napi::Env env, Napi::Object exports) {
  return nodegrad::binding::init(env, exports);
}

NODE_API_MODULE(nodegrad, InitNodegrad)
