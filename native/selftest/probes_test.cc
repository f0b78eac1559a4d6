#include "../kernels/probes.h"

#include <cmath>
#include <string>
#include <vector>

#include "../registry.h"
#include "harness.h"

using namespace nodegrad;

namespace {

const ProbeKernels* table(Isa isa) { return kernel_registry(isa).probes; }

}  // namespace

NODEGRAD_TEST(probes_copy_copies_every_length) {
  for (Isa isa : available_isas()) {
    const ProbeKernels* k = table(isa);
    NODEGRAD_CHECK(k != nullptr, std::string("probe table for ") + isa_name(isa));
    if (k == nullptr) continue;
    for (size_t n :
         {size_t(0), size_t(1), size_t(7), size_t(31), size_t(32), size_t(33), size_t(1000)}) {
      std::vector<float> src(n + 1), dst(n + 1, -7.0f);
      for (size_t i = 0; i < n; ++i) src[i] = 1.5f * static_cast<float>(i) - 3.0f;
      k->copy(n ? src.data() : nullptr, n ? dst.data() : nullptr, n);
      bool ok = true;
      for (size_t i = 0; i < n; ++i) ok = ok && dst[i] == src[i];
      NODEGRAD_CHECK(ok, std::string(isa_name(isa)) + " copy n=" + std::to_string(n));
      NODEGRAD_CHECK(dst[n] == -7.0f, std::string(isa_name(isa)) + " copy wrote past n");
      k->update(n ? src.data() : nullptr, n);
      ok = true;
      for (size_t i = 0; i < n; ++i) ok = ok && src[i] == 1.5f * static_cast<float>(i) - 3.0f;
      NODEGRAD_CHECK(ok,
                     std::string(isa_name(isa)) + " update keeps values n=" + std::to_string(n));
    }
  }
}

NODEGRAD_TEST(probes_fma_loop_matches_the_recurrence) {
  // Every chain c <- c*m + a; with m = 1 and a = 1 each chain gains exactly
  // `iterations`, so the returned sum is sum(c0) + chains*iterations, and
  // flops_per_iteration = 2 * chains * lanes.
  for (Isa isa : available_isas()) {
    const ProbeKernels* k = table(isa);
    if (k == nullptr) continue;
    float zero_iter = k->fma_loop(0, 1.0f, 1.0f);
    float ten_iter = k->fma_loop(10, 1.0f, 1.0f);
    double lanes_times_chains = static_cast<double>(k->flops_per_iteration) / 2;
    NODEGRAD_CHECK(std::fabs((ten_iter - zero_iter) - 10 * lanes_times_chains) < 1e-2,
                   std::string(isa_name(isa)) + " fma_loop counts its flops");
  }
}

NODEGRAD_TEST(probes_measure_positive_rates) {
  for (Isa isa : available_isas()) {
    const ProbeKernels* k = table(isa);
    if (k == nullptr) continue;
    double g1 = probe_fma_gflops(*k, 1, 10000);
    double g2 = probe_fma_gflops(*k, 2, 10000);
    double bw = probe_copy_gbps(*k, 4096, 4);
    double up = probe_update_gbps(*k, 4096, 4);
    NODEGRAD_CHECK(up > 0 && std::isfinite(up), std::string(isa_name(isa)) + " update GB/s");
    NODEGRAD_CHECK(g1 > 0 && std::isfinite(g1), std::string(isa_name(isa)) + " 1-thread GFLOP/s");
    NODEGRAD_CHECK(g2 > 0 && std::isfinite(g2), std::string(isa_name(isa)) + " 2-thread GFLOP/s");
    NODEGRAD_CHECK(bw > 0 && std::isfinite(bw), std::string(isa_name(isa)) + " copy GB/s");
    NODEGRAD_CHECK(probe_fma_gflops(*k, 0, 10) == 0 && probe_copy_gbps(*k, 0, 1) == 0 &&
                       probe_update_gbps(*k, 0, 1) == 0,
                   "zero threads or length give 0");
  }
}
