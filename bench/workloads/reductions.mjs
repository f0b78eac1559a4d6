// The public kernels of the reductions family (dist/backend/families/reductions.js,
// one case per entry) at the shapes of a 784-256-128-10 fit with batch 128
// and one cache-resident size. Figure: GB/s of bytes read + written, and
// its fraction of the copy bandwidth for the same footprint. tfjs's peer is
// its own op on the same data (tf.sum(x, 1), tf.softmax ...).
import { REDUCTIONS } from '../../dist/backend/families/reductions.js';
import { memo, uniform } from '../lib/fill.mjs';
import { NOT_IMPLEMENTED } from '../lib/targets.mjs';

export const family = 'reductions';
export const title = 'Reductions';
export const unit = 'GB/s';
export const fractionNote = '% = of the copy bandwidth for the same footprint (the 8 MB copy probe: every case here is cache-resident)';
export const perIsa = true;

const SHAPES = [
  { label: '128x10', rows: 128, cols: 10 },
  { label: '128x256', rows: 128, cols: 256 },
  { label: '512x2048', rows: 512, cols: 2048 },
];
const QUICK = new Set(['sumRows', 'sumCols', 'softmax']);

// tfjs's op for each kind (transpose: the 2-D tf.transpose).
const TF = {
  sumRows: (tf, x) => tf.sum(x, 1),
  meanRows: (tf, x) => tf.mean(x, 1),
  maxRows: (tf, x) => tf.max(x, 1),
  minRows: (tf, x) => tf.min(x, 1),
  sumCols: (tf, x) => tf.sum(x, 0),
  meanCols: (tf, x) => tf.mean(x, 0),
  maxCols: (tf, x) => tf.max(x, 0),
  minCols: (tf, x) => tf.min(x, 0),
  softmax: (tf, x) => tf.softmax(x),
  logSoftmax: (tf, x) => tf.logSoftmax(x),
  transpose: (tf, x) => tf.transpose(x),
};

const outLength = (kind, r, c) => (kind === 'reduceRows' ? r : kind === 'reduceCols' ? c : r * c);

const buffers = memo((key) => {
  const [r, c] = key.split('x').map(Number);
  return { x: uniform(r * c, 11, -3, 3), y: new Float32Array(r * c) };
});

let tensor;
function tfTensor(tf, shape) {
  if (tensor?.label !== shape.label) {
    tensor?.t.dispose();
    tensor = { label: shape.label, t: tf.tensor2d(buffers(shape.label).x, [shape.rows, shape.cols]) };
  }
  return tensor.t;
}

export function cases() {
  const out = [];
  for (const shape of SHAPES) {
    for (const e of REDUCTIONS.filter((k) => k.public)) {
      const n = shape.rows * shape.cols;
      out.push({
        id: `reductions/${e.name}/${shape.label}`,
        label: `${e.name} ${shape.label}`,
        quick: shape.label === '128x256' && QUICK.has(e.name),
        work: 4 * (n + outLength(e.kind, shape.rows, shape.cols)),
        limit: 'copy-cache',
        costKey: `reductions/${e.name}`,
        cost: n,
        ours(ctx) {
          if (!ctx.has(e.name)) return { unavailable: NOT_IMPLEMENTED };
          const b = buffers(shape.label);
          const y = b.y.subarray(0, outLength(e.kind, shape.rows, shape.cols));
          const k = ctx.kernels;
          return { run: e.kind === 'transpose' ? () => k.transpose(b.x, y, 1, shape.rows, shape.cols) : () => k[e.name](b.x, y, shape.rows, shape.cols) };
        },
        tfjs(ctx) {
          const { tf } = ctx;
          const x = tfTensor(tf, shape);
          return { run: () => tf.dispose(tf.tidy(() => TF[e.name](tf, x))) };
        },
      });
    }
  }
  return out;
}
