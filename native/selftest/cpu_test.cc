#include "../cpu.h"

#include <string>

#include "../registry.h"
#include "harness.h"

using namespace nodegrad;

NODEGRAD_TEST(cpu_scalar_always_available) {
  auto isas = available_isas();
  NODEGRAD_CHECK(!isas.empty() && isas.back() == Isa::scalar, "scalar is the last available ISA");
  NODEGRAD_CHECK(isa_available(Isa::scalar), "scalar available");
}

// Every available ISA gets a full set of tables (a family without its own
// table for the ISA falls back, never to null), and the fallback order holds:
// an AVX-512 machine must also run the AVX2 tables it falls back to.
NODEGRAD_TEST(cpu_registry_complete_for_every_available_isa) {
  for (Isa isa : available_isas()) {
    const KernelRegistry& r = kernel_registry(isa);
    const std::string n = isa_name(isa);
    NODEGRAD_CHECK(r.isa == isa, n + ": registry records its ISA");
    NODEGRAD_CHECK(r.activations && r.gemm && r.optim && r.losses && r.probes,
                   n + ": every family has a table");
    NODEGRAD_CHECK((isa == Isa::scalar) == (r.activation_math == nullptr),
                   n + ": vectorised math exactly on SIMD paths");
    NODEGRAD_CHECK(&kernel_registry(isa) == &r, n + ": one registry per ISA, built once");
  }
  if (isa_available(Isa::avx512)) {
    NODEGRAD_CHECK(isa_available(Isa::avx2), "avx512 implies avx2 (its fallback)");
    NODEGRAD_CHECK(available_isas().front() == Isa::avx512, "avx512 ranks first");
  }
}
