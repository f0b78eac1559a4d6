#include "../cpu.h"

#include "harness.h"

using namespace nodegrad;

NODEGRAD_TEST(cpu_scalar_always_available) {
  auto isas = available_isas();
  NODEGRAD_CHECK(!isas.empty() && isas.back() == Isa::scalar, "scalar is the last available ISA");
  NODEGRAD_CHECK(isa_available(Isa::scalar), "scalar available");
}
