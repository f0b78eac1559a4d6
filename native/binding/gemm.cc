#include "register.h"

namespace nodegrad {
namespace binding {

// Filled in by the gemm work.
void register_gemm(Napi::Env, Napi::Object, Isa) {}

}  // namespace binding
}  // namespace nodegrad
