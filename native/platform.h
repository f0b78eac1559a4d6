// The one place that knows compilers and operating systems. A clang (macOS)
// or MSVC (Windows) port touches this header and nothing else in native/.
#pragma once

#if defined(__x86_64__) || defined(_M_X64)
#define NODEGRAD_X64 1
#else
#define NODEGRAD_X64 0
#endif

#if defined(__aarch64__) || defined(_M_ARM64)
#define NODEGRAD_ARM64 1
#else
#define NODEGRAD_ARM64 0
#endif

#if defined(_MSC_VER) && !defined(__clang__)
#define NODEGRAD_RESTRICT __restrict
#define NODEGRAD_NOINLINE __declspec(noinline)
#else
#define NODEGRAD_RESTRICT __restrict__
#define NODEGRAD_NOINLINE __attribute__((noinline))
#endif

namespace nodegrad {
namespace platform {

// True when the CPU and the OS (saved YMM state) both support AVX2 and FMA3.
inline bool cpu_has_avx2_fma() {
#if NODEGRAD_X64 && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;  // MSVC: use __cpuid/_xgetbv here when that port is made
#endif
}

// True when the CPU has AVX-512F and the OS saves the state it needs: XCR0
// (read with XGETBV, allowed once CPUID reports OSXSAVE) must have bits 1
// (SSE), 2 (AVX upper halves), 5 (opmask registers), 6 (upper halves of
// zmm0-15) and 7 (zmm16-31). A kernel that ran without them would fault or,
// worse, lose register state at a context switch. AVX2+FMA is required too:
// a family without an AVX-512 table falls back to its AVX2 one.
inline bool cpu_has_avx512f() {
#if NODEGRAD_X64 && (defined(__GNUC__) || defined(__clang__))
  if (!cpu_has_avx2_fma() || !__builtin_cpu_supports("avx512f")) return false;
  unsigned eax = 1, ebx = 0, ecx = 0, edx = 0;
  __asm__("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
  if ((ecx & (1u << 27)) == 0) return false;  // OSXSAVE: XGETBV is usable
  unsigned lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  const unsigned need = (1u << 1) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 7);
  return (lo & need) == need;
#else
  return false;  // MSVC: __cpuidex/_xgetbv here when that port is made
#endif
}

// NEON (Advanced SIMD) is part of the AArch64 baseline.
inline bool cpu_has_neon() { return NODEGRAD_ARM64 != 0; }

}  // namespace platform
}  // namespace nodegrad
