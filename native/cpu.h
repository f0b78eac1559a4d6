// Instruction-set selection: which SIMD path runs, decided once per process.
// The kernel tables for a path come from the registry (registry.h).
#pragma once

#include <string>
#include <vector>

namespace nodegrad {

// Values are stable (tests and logs may print them); order is not rank.
enum class Isa { scalar = 0, avx2 = 1, neon = 2, avx512 = 3 };

const char* isa_name(Isa isa);

// Compiled into this binary and supported by this CPU (and, for avx512, by
// the OS: see platform::cpu_has_avx512f).
bool isa_available(Isa isa);

// Every available path, best first; always ends with scalar.
std::vector<Isa> available_isas();

// The path in use: NODEGRAD_SIMD if set, else the best available. Resolved
// once (thread-safe function-local static); `error` is non-empty when
// NODEGRAD_SIMD names an unknown or unavailable path.
struct IsaSelection {
  Isa isa;
  std::string error;
};
const IsaSelection& selected_isa();

}  // namespace nodegrad
