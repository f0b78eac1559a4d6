#include "register.h"

namespace nodegrad {
namespace binding {

// Filled in by the optim work.
void register_optim(Napi::Env, Napi::Object, Isa) {}

}  // namespace binding
}  // namespace nodegrad
