// Loss kernels (value and gradient in one pass), one case per kernel of the
// losses family's list (lib/backend/families/losses.ts, from dist/): an entry
// added there is benchmarked. Figure: GB/s of bytes read + written
// (write-allocate traffic not counted, as in the copy probe), and its
// fraction of the copy bandwidth for the same footprint.
//   elementwise: reads the predictions and targets, writes grad  12 B/element
//   rows (classes = 10): reads logits and targets, writes grad    12 B/element
//   rows with labels: reads logits and one int32 per row,
//     writes grad                                                8 B/element + 4 B/row
// These kernels are not on a training step's critical path (one call per
// batch on the output width); the figure is for regressions.
import { memo, uniform } from '../lib/fill.mjs';
import { NOT_IMPLEMENTED } from '../lib/targets.mjs';

// From dist/ (built by `npm install`'s prepare step, and by
// bench/lib/build.mjs when stale); null when dist/ is missing.
const family_ = await import(new URL('../../dist/backend/families/losses.js', import.meta.url).href).catch(() => null);

export const family = 'losses';
export const title = 'Losses';
export const unit = 'GB/s';
export const fractionNote = '% = of the copy bandwidth for the same footprint (1e6: the 8 MB copy probe, cache-resident here)';
export const perIsa = true;

const N = 1e6;
const CLASSES = 10;
const ROWS = N / CLASSES;

const buffers = memo((n) => {
  const labels = Int32Array.from({ length: ROWS }, (_, i) => (i * 7) % CLASSES);
  const onehot = new Float32Array(n);
  labels.forEach((c, r) => (onehot[r * CLASSES + c] = 1));
  return { z: uniform(n, 31, -4, 4), t: uniform(n, 32, 0, 1), labels, onehot, grad: new Float32Array(n) };
});

/** The kernels of one list entry: its own, and its labels kernel for a 'rows' loss (checked form: Int32Array targets). */
function entryCases(e) {
  if (e.kind === 'elementwise') return [{ name: e.name, kernel: e.name, bytes: 12 * N, call: (k, b) => k[e.name](b.z, b.t, b.grad) }];
  return [
    { name: e.name, kernel: e.name, bytes: 12 * N, call: (k, b) => k[e.name](b.z, b.onehot, b.grad, ROWS, CLASSES) },
    { name: e.labels, kernel: e.name, bytes: 8 * N + 4 * ROWS, call: (k, b) => k[e.name](b.z, b.labels, b.grad, ROWS, CLASSES) },
  ];
}

export function cases() {
  if (!family_) throw new Error('bench/workloads/losses.mjs: dist/ is missing; run `npm run build:ts` first');
  return family_.LOSSES.flatMap(entryCases).map((c) => ({
    id: `losses/${c.name}/1e6`,
    label: `${c.name} 1e6`,
    quick: false,
    work: c.bytes,
    limit: 'copy-cache',
    costKey: `losses/${c.name}`,
    cost: N,
    ours(ctx) {
      if (typeof ctx.kernels[c.kernel] !== 'function') return { unavailable: NOT_IMPLEMENTED };
      const b = buffers(N);
      return { run: () => c.call(ctx.kernels, b) };
    },
  }));
}
