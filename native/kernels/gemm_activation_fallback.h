#pragma once

#include "gemm.h"

namespace nodegrad {

// act as FusedActivation in lib/backend/gemm.ts (0 none, 1 relu, 2 leakyRelu,
// 3 elu, 4 sigmoid, 5 tanh); none or an unknown value: no activation.
GemmEpilogue gemm_fallback_epilogue(const float* bias, int act, float alpha);

}  // namespace nodegrad
