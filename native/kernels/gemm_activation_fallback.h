#pragma once

#include "gemm.h"

namespace nodegrad {

// act as FusedActivation in lib/backend/gemm.ts (0 none, 1 relu, 2 leakyRelu,
// 3 elu, 4 sigmoid, 5 tanh); null for none or an unknown value.
GemmActivationFn gemm_fallback_activation(int act);

}  // namespace nodegrad
