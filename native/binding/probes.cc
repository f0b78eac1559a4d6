// Machine-limit probes for bench/ (not part of the kernel API): synchronous,
// they block the calling thread for as long as they measure.
//   probeFmaGflops(threads, iterations) -> GFLOP/s summed over threads
//   probeCopyGbps(n, repeats)           -> GB/s read + written, n floats
//   probeUpdateGbps(n, repeats)         -> the same for an in-place update
// Both measure the SIMD path this process selected (NODEGRAD_SIMD).
#include "../kernels/probes.h"

#include <string>

#include "args.h"
#include "register.h"

namespace nodegrad {
namespace binding {

namespace {

size_t bounded(const CallInfo& info, size_t index, const char* name, size_t lo, size_t hi) {
  size_t v = size_arg(info, index, name);
  if (v < lo || v > hi) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be in [" +
                                                std::to_string(lo) + ", " + std::to_string(hi) +
                                                "], got " + std::to_string(v));
  }
  return v;
}

const ProbeKernels& table(const CallInfo& info) { return *tables(info).probes; }

Napi::Value fma_gflops(const CallInfo& info) {
  size_t threads = bounded(info, 0, "threads", 1, 1024);
  size_t iterations = bounded(info, 1, "iterations", 1, size_t(1) << 40);
  double r = probe_fma_gflops(table(info), static_cast<unsigned>(threads), iterations);
  return Napi::Number::New(info.Env(), r);
}

Napi::Value copy_gbps(const CallInfo& info) {
  // 1 << 28 floats (1 GiB per buffer) is far beyond any cache.
  size_t n = bounded(info, 0, "n", 1, size_t(1) << 28);
  size_t repeats = bounded(info, 1, "repeats", 1, size_t(1) << 20);
  return Napi::Number::New(info.Env(), probe_copy_gbps(table(info), n, repeats));
}

Napi::Value update_gbps(const CallInfo& info) {
  size_t n = bounded(info, 0, "n", 1, size_t(1) << 28);
  size_t repeats = bounded(info, 1, "repeats", 1, size_t(1) << 20);
  return Napi::Number::New(info.Env(), probe_update_gbps(table(info), n, repeats));
}

}  // namespace

void register_probes(Napi::Env env, Napi::Object exports, const KernelRegistry& reg) {
  export_fn<fma_gflops>(env, exports, reg, "probeFmaGflops");
  export_fn<copy_gbps>(env, exports, reg, "probeCopyGbps");
  export_fn<update_gbps>(env, exports, reg, "probeUpdateGbps");
}

}  // namespace binding
}  // namespace nodegrad
