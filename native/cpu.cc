#include "cpu.h"

#include <cstdlib>
#include <cstring>

#include "platform.h"

namespace nodegrad {

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx2:
      return "avx2";
    case Isa::avx512:
      return "avx512";
    case Isa::neon:
      return "neon";
    case Isa::scalar:
    default:
      return "scalar";
  }
}

bool isa_available(Isa isa) {
  switch (isa) {
    case Isa::scalar:
      return true;
    case Isa::avx2:
      return NODEGRAD_X64 && platform::cpu_has_avx2_fma();
    case Isa::avx512:
      return NODEGRAD_X64 && platform::cpu_has_avx512f();
    case Isa::neon:
      return platform::cpu_has_neon();
  }
  return false;
}

std::vector<Isa> available_isas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::avx512, Isa::avx2, Isa::neon}) {
    if (isa_available(isa)) out.push_back(isa);
  }
  out.push_back(Isa::scalar);
  return out;
}

static IsaSelection resolve() {
  const std::vector<Isa> avail = available_isas();
  const char* env = std::getenv("NODEGRAD_SIMD");
  if (env == nullptr || *env == '\0') return {avail.front(), ""};
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::neon}) {
    if (std::strcmp(env, isa_name(isa)) != 0) continue;
    if (isa_available(isa)) return {isa, ""};
    std::string have;
    for (Isa a : avail) have += std::string(have.empty() ? "" : ", ") + isa_name(a);
    return {avail.front(), std::string("NODEGRAD_SIMD=") + env +
                               " is not supported by this CPU or build (available: " + have + ")"};
  }
  return {avail.front(), std::string("NODEGRAD_SIMD=") + env +
                             " is not a SIMD path; expected one of scalar, avx2, avx512, neon"};
}

const IsaSelection& selected_isa() {
  static const IsaSelection selection = resolve();
  return selection;
}

}  // namespace nodegrad
