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

// NEON (Advanced SIMD) is part of the AArch64 baseline.
inline bool cpu_has_neon() { return NODEGRAD_ARM64 != 0; }

}  // namespace platform
}  // namespace nodegrad
