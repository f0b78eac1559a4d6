// The scalar probe tables (compiled without ISA flags: the compiler may use
// the baseline vector unit, SSE2 on x86-64, which is what scalar-path kernels
// get too) and the timing drivers shared by every path.
#include "probes.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace nodegrad {

namespace {

// 48 chains: a dependent multiply then add has a latency of about 6-8 cycles
// and two multiply and two add pipes, so 48 floats (12 SSE registers) keep
// them busy whether or not the compiler vectorises.
constexpr size_t kScalarChains = 48;

float scalar_fma_loop(size_t iterations, float mul, float add) {
  float acc[kScalarChains];
  for (size_t j = 0; j < kScalarChains; ++j) acc[j] = static_cast<float>(j) * 1e-3f;
  for (size_t i = 0; i < iterations; ++i) {
    for (size_t j = 0; j < kScalarChains; ++j) acc[j] = acc[j] * mul + add;
  }
  float s = 0;
  for (size_t j = 0; j < kScalarChains; ++j) s += acc[j];
  return s;
}

void scalar_copy(const float* src, float* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = src[i] + 0.0f;
}

void scalar_update(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] = x[i] + 0.0f;
}

const ProbeKernels kScalar = {scalar_fma_loop, kScalarChains * 2, scalar_copy, scalar_update};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

const ProbeKernels* probe_kernels_scalar() { return &kScalar; }

double probe_fma_gflops(const ProbeKernels& k, unsigned threads, size_t iterations) {
  if (threads == 0 || iterations == 0) return 0;
  std::vector<float> sink(threads, 0.0f);
  std::atomic<bool> go{false};
  std::atomic<unsigned> ready{0};
  auto body = [&](unsigned t) {
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) {
    }
    // mul just below 1 keeps every chain bounded (it converges to add/(1-mul)).
    sink[t] = k.fma_loop(iterations, 0.999999f, 1e-6f);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(body, t);
  while (ready.load() + 1 < threads) std::this_thread::yield();
  // Total work over wall time from the common release to the last finish:
  // threads that share a core (SMT siblings, an oversubscribed VM) cannot
  // overstate the aggregate as a sum of per-thread rates could.
  Clock::time_point t0 = Clock::now();
  go.store(true, std::memory_order_release);
  body(0);
  for (std::thread& th : pool) th.join();
  double s = seconds_since(t0);
  float keep = 0;
  for (unsigned t = 0; t < threads; ++t) keep += sink[t];
  double flops = static_cast<double>(iterations) * static_cast<double>(k.flops_per_iteration) *
                 static_cast<double>(threads);
  // A NaN would mean a miscompiled loop; testing it also keeps the work alive.
  if (keep != keep) return -1;
  return s > 0 ? flops / s / 1e9 : 0;
}

double probe_copy_gbps(const ProbeKernels& k, size_t n, size_t repeats) {
  if (n == 0 || repeats == 0) return 0;
  std::vector<float> src(n), dst(n);
  for (size_t i = 0; i < n; ++i) src[i] = static_cast<float>(i & 1023);
  k.copy(src.data(), dst.data(), n);  // warm-up: caches and TLB
  Clock::time_point t0 = Clock::now();
  for (size_t r = 0; r < repeats; ++r) k.copy(src.data(), dst.data(), n);
  double s = seconds_since(t0);
  if (dst[n - 1] != src[n - 1]) return -1;
  return s > 0 ? 8.0 * static_cast<double>(n) * static_cast<double>(repeats) / s / 1e9 : 0;
}

double probe_update_gbps(const ProbeKernels& k, size_t n, size_t repeats) {
  if (n == 0 || repeats == 0) return 0;
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = static_cast<float>(i & 1023);
  k.update(x.data(), n);  // warm-up: caches and TLB
  Clock::time_point t0 = Clock::now();
  for (size_t r = 0; r < repeats; ++r) k.update(x.data(), n);
  double s = seconds_since(t0);
  if (x[n - 1] != static_cast<float>((n - 1) & 1023)) return -1;
  return s > 0 ? 8.0 * static_cast<double>(n) * static_cast<double>(repeats) / s / 1e9 : 0;
}

}  // namespace nodegrad
