#include "register.h"

namespace nodegrad {
namespace binding {

// Filled in by the losses work.
void register_losses(Napi::Env, Napi::Object, Isa) {}

}  // namespace binding
}  // namespace nodegrad
