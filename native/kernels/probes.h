// Machine-limit probes for the benchmark: peak FMA throughput and copy
// bandwidth, per SIMD path, so each kernel's figure can be stated as a
// fraction of what the same instruction set can do on this machine.
// Declarations and plain structs only (included by the AVX2 unit).
#pragma once

#include <cstddef>

namespace nodegrad {

struct ProbeKernels {
  // `iterations` rounds over independent multiply-add chains (enough of them
  // to cover the FMA latency on two pipes); returns a value depending on every
  // chain so the work cannot be dropped.
  float (*fma_loop)(size_t iterations, float mul, float add);
  // Floating-point operations per round (a fused multiply-add counts 2).
  size_t flops_per_iteration;
  // dst[i] = src[i] + 0: a streaming read and write, never turned into a
  // library memcpy (which may switch to non-temporal stores that ordinary
  // kernels do not use, and would not measure this path's loads and stores).
  void (*copy)(const float* src, float* dst, size_t n);
  // x[i] = x[i] + 0 in place: a read-modify-write stream with no
  // write-allocate traffic, like an optimizer step updating θ, m and v.
  void (*update)(float* x, size_t n);
};

const ProbeKernels* probe_kernels_scalar();
const ProbeKernels* probe_kernels_avx2();
const ProbeKernels* probe_kernels_neon();
const ProbeKernels* probe_kernels_avx512();

// GFLOP/s of `threads` threads each running fma_loop(iterations), released
// together: total operations over the wall time until the last one finishes.
double probe_fma_gflops(const ProbeKernels& k, unsigned threads, size_t iterations);

// GB/s (1e9 bytes/s) of `repeats` copies of n floats, counting the bytes read
// plus the bytes written (8n per copy); buffers are touched before timing.
double probe_copy_gbps(const ProbeKernels& k, size_t n, size_t repeats);

// GB/s of `repeats` in-place updates of n floats, counting 8n bytes each
// (read + written); the buffer is touched before timing.
double probe_update_gbps(const ProbeKernels& k, size_t n, size_t repeats);

}  // namespace nodegrad
