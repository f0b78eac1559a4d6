// Machine limits, measured by the native probes on this process's SIMD path:
//   fma-1, fma-N   peak FMA GFLOP/s on 1 and on N threads (12 independent ymm
//                  FMA chains on AVX2; see native/kernels/probes*.cc)
//   copy-l2        copy of 256 KiB (L2-resident), GB/s read + written
//   copy-cache     copy of 1e6 floats (4 MB: the footprint of the 1e6 kernels)
//   copy-dram      copy of 1.6e7 floats (64 MB, beyond any cache)
//   update-cache   in-place x[i] = x[i] + 0 over 2e6 floats (8 MB)
//   update-dram    the same over 3.2e7 floats (128 MB)
//   update-16m     the same over 2^22 floats (16 MiB: Dense(2048, 2048)'s weights)
// A copy to a separate output pays write-allocate traffic (the line is read
// before it is written: 12 bytes move per 8 counted); an in-place update does
// not. Kernels with a separate output (activations) compare with the copy,
// kernels updating their arrays in place (optimizer steps) with the update.
// Each is sampled like a figure, at the start and at the end of each native
// process; the limit a fraction is taken of is the best sample, since
// interference only ever lowers a limit.
import { summarize } from '../lib/stats.mjs';

export function limitSpecs(threads) {
  return [
    { key: 'fma-1', label: 'peak FMA, 1 thread', unit: 'GFLOP/s', kind: 'fma', threads: 1 },
    { key: 'fma-N', label: `peak FMA, ${threads} threads`, unit: 'GFLOP/s', kind: 'fma', threads },
    { key: 'copy-l2', label: 'copy, 256 KiB footprint (L2)', unit: 'GB/s', kind: 'copy', n: 65536 / 2 },
    { key: 'copy-cache', label: 'copy, 8 MB footprint (1e6 floats)', unit: 'GB/s', kind: 'copy', n: 1e6 },
    { key: 'copy-dram', label: 'copy, 128 MB footprint (1.6e7 floats)', unit: 'GB/s', kind: 'copy', n: 1.6e7 },
    { key: 'update-cache', label: 'in-place update, 8 MB (2e6 floats)', unit: 'GB/s', kind: 'update', n: 2e6 },
    { key: 'update-dram', label: 'in-place update, 128 MB (3.2e7 floats)', unit: 'GB/s', kind: 'update', n: 3.2e7 },
    // The footprint of Dense(2048, 2048)'s weights, for the batch-1 GEMV case.
    { key: 'update-16m', label: 'in-place update, 16 MiB (2^22 floats)', unit: 'GB/s', kind: 'update', n: 4194304 },
  ];
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

/** Calls probe(size) with a size that makes one call last about `seconds`. */
function calibrate(probe, start, seconds) {
  let size = start;
  for (;;) {
    const t = now();
    probe(size);
    const dt = now() - t;
    if (dt >= seconds / 4 || size > 1e12) return Math.max(1, Math.round((size * seconds) / Math.max(dt, 1e-6)));
    size *= 8;
  }
}

/**
 * Samples every limit `samples` times; pass the result of an earlier call as
 * `prev` to add to its samples (the child measures at its start and again at
 * its end, so a burst of interference from other processes at one moment does
 * not lower a limit).
 */
export function measureLimits(addon, { threads, quick, samples, prev }) {
  if (typeof addon?.probeFmaGflops !== 'function') return { error: 'this build has no probes' };
  const seconds = quick ? 0.03 : 0.08;
  const out = {};
  for (const spec of limitSpecs(threads)) {
    let probe;
    if (spec.kind === 'fma') {
      const iters = calibrate((i) => addon.probeFmaGflops(spec.threads, i), 1e4, seconds);
      probe = () => addon.probeFmaGflops(spec.threads, iters);
    } else {
      const fn = spec.kind === 'copy' ? addon.probeCopyGbps : addon.probeUpdateGbps;
      if (typeof fn !== 'function') continue;
      const reps = calibrate((r) => fn(spec.n, r), 1, seconds);
      probe = () => fn(spec.n, reps);
    }
    const xs = [...(prev?.[spec.key]?.values ?? [])];
    for (let i = 0; i < samples; i++) xs.push(probe());
    out[spec.key] = { ...spec, ...summarize(xs), best: Math.max(...xs), values: xs };
  }
  return out;
}
