#include "register.h"

namespace nodegrad {
namespace binding {

// Filled in by the activations work.
void register_activations(Napi::Env, Napi::Object, Isa) {}

}  // namespace binding
}  // namespace nodegrad
