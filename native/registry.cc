#include "registry.h"

#include "kernels/activations.h"
#include "kernels/ew.h"
#include "kernels/gemm.h"
#include "kernels/losses.h"
#include "kernels/norm.h"
#include "kernels/optim.h"
#include "kernels/probes.h"
#include "kernels/reduce.h"

namespace nodegrad {

namespace {

// The tables each ISA provides itself, null where a family has none (or the
// build lacks the path); filled by name, so two families' entries cannot be
// swapped silently. Adding an ISA to a family is one line here.
KernelRegistry own_tables(Isa isa) {
  KernelRegistry r{};
  r.isa = isa;
  switch (isa) {
    case Isa::avx512:
      // Families without an AVX-512 table stay null: build() gives them AVX2's.
      r.activations = activation_kernels_avx512();
      r.activation_math = activation_math_avx512();
      r.gemm = gemm_kernels_avx512();
      r.losses = loss_kernels_avx512();
      r.probes = probe_kernels_avx512();
      r.ew = ew_kernels_avx512();
      r.reduce = reduce_kernels_avx512();
      r.norm = norm_kernels_avx512();
      r.optim = optim::optim_kernels_avx512();
      break;
    case Isa::avx2:
      r.activations = activation_kernels_avx2();
      r.activation_math = activation_math_avx2();
      r.gemm = gemm_kernels_avx2();
      r.optim = optim::optim_kernels_avx2();
      r.losses = loss_kernels_avx2();
      r.probes = probe_kernels_avx2();
      r.ew = ew_kernels_avx2();
      r.reduce = reduce_kernels_avx2();
      r.norm = norm_kernels_avx2();
      break;
    case Isa::neon:
      r.activations = activation_kernels_neon();
      r.activation_math = activation_math_neon();
      r.gemm = gemm_kernels_neon();
      r.optim = optim::optim_kernels_neon();
      r.losses = loss_kernels_neon();
      r.probes = probe_kernels_neon();
      r.ew = ew_kernels_neon();
      r.reduce = reduce_kernels_neon();
      r.norm = norm_kernels_neon();
      break;
    case Isa::scalar:
    default:
      r.isa = Isa::scalar;
      r.activations = activation_kernels_scalar();
      r.gemm = gemm_kernels_scalar();
      r.optim = optim::optim_kernels_scalar();
      r.losses = loss_kernels_scalar();
      r.probes = probe_kernels_scalar();
      r.ew = ew_kernels_scalar();
      r.reduce = reduce_kernels_scalar();
      r.norm = norm_kernels_scalar();
      break;
  }
  return r;
}

// Where a family's table for an ISA is missing, the one it falls back to.
Isa fallback(Isa isa) { return isa == Isa::avx512 ? Isa::avx2 : Isa::scalar; }

template <class T>
const T* or_else(const T* own, const T* lower) {
  return own != nullptr ? own : lower;
}

KernelRegistry build(Isa isa) {
  KernelRegistry r = own_tables(isa);
  r.isa = isa;
  if (isa == Isa::scalar) return r;
  const KernelRegistry lower = build(fallback(isa));
  r.activations = or_else(r.activations, lower.activations);
  // The math table belongs with the activation table it was taken from.
  if (r.activations == lower.activations) r.activation_math = lower.activation_math;
  r.gemm = or_else(r.gemm, lower.gemm);
  r.optim = or_else(r.optim, lower.optim);
  r.losses = or_else(r.losses, lower.losses);
  r.probes = or_else(r.probes, lower.probes);
  r.ew = or_else(r.ew, lower.ew);
  r.reduce = or_else(r.reduce, lower.reduce);
  r.norm = or_else(r.norm, lower.norm);
  return r;
}

}  // namespace

const KernelRegistry& kernel_registry(Isa isa) {
  static const KernelRegistry all[] = {build(Isa::scalar), build(Isa::avx2), build(Isa::neon),
                                       build(Isa::avx512)};
  const int i = static_cast<int>(isa);
  return all[i >= 0 && i < 4 ? i : 0];
}

const KernelRegistry& selected_registry() { return kernel_registry(selected_isa().isa); }

}  // namespace nodegrad
