#include <cstdio>

#include "../platform.h"
#include "harness.h"

namespace nodegrad {
namespace selftest {

std::vector<Case>& registry() {
  static std::vector<Case> cases;
  return cases;
}

static int g_failures = 0;

void check(bool ok, const char* file, int line, const std::string& what) {
  if (ok) return;
  ++g_failures;
  if (g_failures <= 50) std::fprintf(stderr, "  FAIL %s:%d: %s\n", file, line, what.c_str());
}

int failures_so_far() { return g_failures; }

}  // namespace selftest
}  // namespace nodegrad

int main() {
  using namespace nodegrad::selftest;
  int passed = 0, failed = 0;
  std::printf("ISAs available:");
  for (nodegrad::Isa isa : nodegrad::available_isas()) std::printf(" %s", nodegrad::isa_name(isa));
  std::printf("\n");
  // Never skip silently: on an x86-64 CPU without AVX-512F (or without OS
  // support for its state) the avx512 cases do not run, and say so.
  if (NODEGRAD_X64 && !nodegrad::isa_available(nodegrad::Isa::avx512)) {
    std::printf("avx512: skipped: this CPU lacks avx512f\n");
  }
  for (const Case& c : registry()) {
    int before = failures_so_far();
    c.fn();
    bool ok = failures_so_far() == before;
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", c.name);
    (ok ? passed : failed)++;
  }
  std::printf("selftest: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
