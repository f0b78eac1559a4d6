// Normalisation-family kernels (BatchNorm1d, LayerNorm, Dropout: forward and
// backward), one case per entry of the family's list
// (lib/backend/families/norm.ts, from dist/): an entry added there is
// benchmarked. Shape: 4096 rows x 256 features (the hidden width of
// bench:layers' model), affine, running statistics tracked. Figure: GB/s of
// the bytes each kernel must move at least once (read + written; its second
// and third passes over x or dy are not counted, so the fraction of copy
// bandwidth also shows what those passes cost):
//   batchNormTrain / batchNormEval / layerNormForward: x in, y and xhat out   12 B/element
//   batchNormBackward / layerNormBackward: dy and xhat in, dx out           12 B/element
//   dropoutForward: x in, y and mask out                                    12 B/element
//   dropoutBackward: dy and mask in, dx out                                 12 B/element
// These are internal kernels (the layers call them), reached as ctx.raw.
import { memo, uniform } from '../lib/fill.mjs';
import { NOT_IMPLEMENTED } from '../lib/targets.mjs';

const family_ = await import(new URL('../../dist/backend/families/norm.js', import.meta.url).href).catch(() => null);

export const family = 'norm';
export const title = 'Normalisation and dropout';
export const unit = 'GB/s';
export const fractionNote = '% = of the copy bandwidth for the same footprint (12 MB: the 8 MB copy probe)';
export const perIsa = true;

const ROWS = 4096;
const F = 256;
const N = ROWS * F;

const buffers = memo((n) => ({
  x: uniform(n, 41, -3, 5),
  dy: uniform(n, 42, -1, 1),
  y: new Float32Array(n),
  xhat: uniform(n, 43, -2, 2),
  dx: new Float32Array(n),
  mask: new Float32Array(n),
  w: uniform(F, 44, 0.5, 1.5),
  b: uniform(F, 45, -1, 1),
  dw: new Float32Array(F),
  db: new Float32Array(F),
  rm: uniform(F, 46, -0.5, 0.5),
  rv: uniform(F, 47, 0.5, 1.5),
  rstd: Float64Array.from(uniform(Math.max(ROWS, F), 48, 0.5, 2)),
  state: Uint32Array.of(1, 2, 3, 4),
}));

const CALLS = {
  batchNormTrain: (k, b) => k.batchNormTrain(b.x, b.w, b.b, b.y, b.xhat, b.rstd, ROWS, F, 1e-5, 0.1, b.rm, b.rv),
  batchNormEval: (k, b) => k.batchNormEval(b.x, b.w, b.b, b.y, b.xhat, b.rstd, ROWS, F, 1e-5, b.rm, b.rv),
  batchNormBackward: (k, b) => k.batchNormBackward(b.dy, b.xhat, b.rstd, b.w, b.dx, b.dw, b.db, ROWS, F, true),
  layerNormForward: (k, b) => k.layerNormForward(b.x, b.w, b.b, b.y, b.xhat, b.rstd, ROWS, F, 1e-5),
  layerNormBackward: (k, b) => k.layerNormBackward(b.dy, b.xhat, b.rstd, b.w, b.dx, b.dw, b.db, ROWS, F),
  dropoutForward: (k, b) => k.dropoutForward(b.x, b.y, b.mask, 0.3, Math.fround(1 / 0.7), b.state),
  dropoutBackward: (k, b) => k.dropoutBackward(b.dy, b.mask, b.dx),
};

export function cases() {
  if (!family_) throw new Error('bench/workloads/norm.mjs: dist/ is missing; run `npm run build:ts` first');
  return family_.NORM_KERNELS.map((e) => ({
    id: `norm/${e.name}/4096x256`,
    label: `${e.name} 4096x256`,
    quick: false,
    work: 12 * N,
    limit: 'copy-cache',
    costKey: `norm/${e.name}`,
    cost: N,
    peers: false,
    ours(ctx) {
      if (typeof ctx.raw[e.name] !== 'function' || !CALLS[e.name]) return { unavailable: NOT_IMPLEMENTED };
      const b = buffers(N);
      return { run: () => CALLS[e.name](ctx.raw, b) };
    },
  }));
}
