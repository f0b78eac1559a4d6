// Instruction-set selection: which SIMD path runs, decided once per process.
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

// Picks a kernel table for an ISA; falls back to scalar where a family has no
// table for that ISA (a null pointer). avx512 takes the avx2 table (a family
// with an AVX-512 table of its own picks it before calling this).
template <class Table>
const Table* pick_table(Isa isa, const Table* scalar, const Table* avx2, const Table* neon) {
  const Table* t =
      isa == Isa::avx2 || isa == Isa::avx512 ? avx2 : isa == Isa::neon ? neon : scalar;
  return t != nullptr ? t : scalar;
}

}  // namespace nodegrad
