// The one ISA registry: every kernel family's table for one SIMD path, so a
// binding (or the native plan, or a self-test) asks once and receives all of
// them the same way. Declarations only; the family headers define the tables.
#pragma once

#include "cpu.h"

namespace nodegrad {

struct ActivationKernels;
struct ActivationMath;
struct GemmKernels;
struct LossKernels;
struct ProbeKernels;
struct EwKernels;
struct ReduceKernels;
struct NormKernels;
namespace optim {
struct OptimKernels;
}

// Each pointer is non-null except activation_math (null on scalar, which
// uses the C library). A family that has no table for `isa` gets the next
// one down its fallback chain: avx512 -> avx2 -> scalar, neon -> scalar.
struct KernelRegistry {
  Isa isa;
  const ActivationKernels* activations;
  const ActivationMath* activation_math;
  const GemmKernels* gemm;
  const optim::OptimKernels* optim;
  const LossKernels* losses;
  const ProbeKernels* probes;
  const EwKernels* ew;
  const ReduceKernels* reduce;
  const NormKernels* norm;
};

// The tables for `isa`, built once per process (thread-safe static) and never
// modified: the reference stays valid for the life of the process, so
// bindings can hand its address to N-API as callback data.
const KernelRegistry& kernel_registry(Isa isa);

// kernel_registry(selected_isa().isa).
const KernelRegistry& selected_registry();

}  // namespace nodegrad
