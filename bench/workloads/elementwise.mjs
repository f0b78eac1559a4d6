// The elementwise family (lib/backend/families/elementwise.ts), one case per
// list entry at a cache-resident length, plus the broadcast forms the tfjs
// backend meets in training (a row vector and a column over a matrix).
// Figure: GB/s of bytes read + written (as the activations family):
//   binary: reads a and b, writes out 12 B/element (a scalar b: 8);
//   compare: 9 B/element; unary: 8; grad: 12; select: 13.
// tfjs's figure is the same kernel run through its engine (runKernel).
import { ELEMENTWISE } from '../../dist/backend/families/elementwise.js';
import { memo, uniform } from '../lib/fill.mjs';
import { NOT_IMPLEMENTED } from '../lib/targets.mjs';

export const family = 'elementwise';
export const title = 'Elementwise (tfjs ops)';
export const unit = 'GB/s';
export const fractionNote = '% = of the copy bandwidth for the same footprint (1e6: the 8 MB copy probe, cache-resident)';
export const perIsa = true;

const N = 1e6;
const ROWS = 1000;
const PARAMS = { step: [0.3], clip: [-0.5, 0.5], leakyReluTf: [0.2] };
const ATTRS = { step: { alpha: 0.3 }, clip: { clipValueMin: -0.5, clipValueMax: 0.5 }, leakyReluTf: { alpha: 0.2 } };
const QUICK = new Set(['add', 'mul', 'div', 'sqrt']);

const buffers = memo((n) => ({
  a: uniform(n, 1, 0.5, 3),
  b: uniform(n, 2, 0.5, 3),
  s: new Float32Array([1.5]),
  row: uniform(n / ROWS, 3, 0.5, 3),
  col: uniform(ROWS, 4, 0.5, 3),
  out: new Float32Array(n),
  bool: new Uint8Array(n).map((_, i) => i & 1),
}));

// [label, bytes per element, our call, tfjs inputs]
function forms(e) {
  const bin = e.kind === 'binary' || e.kind === 'compare';
  if (!bin) return [['', e.kind === 'grad' ? 12 : 8]];
  const w = e.kind === 'binary' ? 12 : 9;
  const f = [['', w]];
  if (e.name === 'add' || e.name === 'mul' || e.name === 'div' || e.name === 'greater') f.push(['scalar', w - 4], ['row', w - 4], ['column', w - 4]);
  return f;
}

let tensors;
function tfTensors(tf) {
  if (!tensors) {
    const b = buffers(N);
    tensors = {
      a: tf.tensor2d(b.a, [ROWS, N / ROWS]),
      b: tf.tensor2d(b.b, [ROWS, N / ROWS]),
      s: tf.scalar(1.5),
      row: tf.tensor1d(b.row),
      col: tf.tensor2d(b.col, [ROWS, 1]),
      bool: tf.tensor2d(b.bool, [ROWS, N / ROWS], 'bool'),
    };
  }
  return tensors;
}

function ourCall(e, form, k, b) {
  const out = e.kind === 'compare' ? new Uint8Array(b.out.buffer, 0, N) : b.out;
  switch (e.kind) {
    case 'binary':
    case 'compare':
      if (form === 'scalar') return () => k[e.name](b.a, b.s, out);
      if (form === 'row') return () => k[e.name](b.a, b.row, out, [ROWS, N / ROWS], [N / ROWS]);
      if (form === 'column') return () => k[e.name](b.a, b.col, out, [ROWS, N / ROWS], [ROWS, 1]);
      return () => k[e.name](b.a, b.b, out);
    case 'grad':
      return () => k[e.name](b.a, b.b, out);
    default:
      return () => k[e.name](b.a, out, ...(PARAMS[e.name] ?? []));
  }
}

function tfInputs(e, form, t) {
  const other = form === 'scalar' ? t.s : form === 'row' ? t.row : form === 'column' ? t.col : t.b;
  if (e.kind === 'binary' || e.kind === 'compare') return e.name === 'preluTf' ? { x: t.a, alpha: other } : { a: t.a, b: other };
  if (e.kind === 'grad') return { y: t.a, dy: t.b };
  return { x: t.a };
}

export function cases() {
  const out = [];
  const entries = [...ELEMENTWISE, { name: 'select', kind: 'select', tfjs: 'Select' }];
  for (const e of entries) {
    for (const [form, bytes] of e.kind === 'select' ? [['', 13]] : forms(e)) {
      const name = form ? `${e.name}-${form}` : e.name;
      out.push({
        id: `elementwise/${name}/1e6`,
        label: `${name} 1e6`,
        quick: !form && QUICK.has(e.name),
        work: bytes * N,
        limit: 'copy-cache',
        costKey: `elementwise/${name}`,
        cost: N,
        ours(ctx) {
          if (!ctx.has(e.name)) return { unavailable: NOT_IMPLEMENTED };
          const b = buffers(N);
          if (e.kind === 'select') return { run: () => ctx.kernels.select(b.bool, b.a, b.b, b.out) };
          return { run: ourCall(e, form, ctx.kernels, b) };
        },
        tfjs(ctx) {
          const { tf } = ctx;
          const t = tfTensors(tf);
          const inputs = e.kind === 'select' ? { condition: t.bool, t: t.a, e: t.b } : tfInputs(e, form, t);
          return { run: () => tf.dispose(tf.engine().runKernel(e.tfjs, inputs, ATTRS[e.name] ?? {})) };
        },
      });
    }
  }
  return out;
}
