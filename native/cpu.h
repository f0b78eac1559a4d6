// Instruction-set selection: which SIMD path runs, decided once per process.
#pragma once

#include <string>
#include <vector>

namespace nodegrad {

enum class Isa { scalar = 0, avx2 = 1, neon = 2 };

const char* isa_name(Isa isa);

// Compiled into this binary and supported by this CPU.
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

// Picks a kernel table for an ISA; falls back to scalar where a family has no
// table for that ISA (a null pointer).
template <class Table>
const Table* pick_table(Isa isa, const Table* scalar, const Table* avx2, const Table* neon) {
  const Table* t = isa == Isa::avx2 ? avx2 : isa == Isa::neon ? neon : scalar;
  return t != nullptr ? t : scalar;
}

}  // namespace nodegrad
