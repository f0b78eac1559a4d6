// Activation kernels, forward and backward, at a cache-resident and a
// DRAM-sized length. Figure: GB/s of bytes read + written (write-allocate
// traffic not counted, as in the copy probe), and its fraction of the copy
// bandwidth measured for the same footprint.
//   forward: reads x, writes y                 8 B/element
//   backward: reads x (or y) and dy, writes dx 12 B/element
//   prelu: α per feature (rows of 500), its traffic is negligible;
//   preluBackward also writes dα (500 floats).
import { memo, uniform } from '../lib/fill.mjs';
import { NOT_IMPLEMENTED } from '../lib/targets.mjs';

// The family's list, from dist/ (built by `npm install`'s prepare step, and
// by bench/lib/build.mjs when stale); null when dist/ is missing.
const family_ = await import(new URL('../../dist/backend/families/activations.js', import.meta.url).href).catch(() => null);

export const family = 'activations';
export const title = 'Activations';
export const unit = 'GB/s';
export const fractionNote =
  '% = of the copy bandwidth for the same footprint (1e6: the 8 MB copy probe, cache-resident here; 1.6e7: the 128 MB copy probe, DRAM)';
export const perIsa = true;

const SIZES = [
  { label: '1e6', n: 1e6, limit: 'copy-cache' },
  { label: '1.6e7', n: 1.6e7, limit: 'copy-dram' },
];
const FEATURES = 500;

// tfjs's nearest equivalent of each kernel, by kernel name. tfjs has no
// backward kernels in its API: its backward figures run the ops its
// registered gradient runs. tfjs has no GELU or SiLU op: no peer figure.
const TF = {
  relu: (tf, t) => tf.relu(t.x),
  reluBackward: (tf, t) => tf.mul(t.dy, tf.step(t.x)),
  leakyRelu: (tf, t) => tf.leakyRelu(t.x, 0.01),
  leakyReluBackward: (tf, t) => tf.where(tf.greater(t.x, 0), t.dy, tf.mul(t.dy, 0.01)),
  elu: (tf, t) => tf.elu(t.x),
  // tfjs's ELU gradient is its own kernel (EluGrad, from the output y).
  eluBackward: (tf, t) => tf.engine().runKernel('EluGrad', { dy: t.dy, y: t.x }),
  sigmoid: (tf, t) => tf.sigmoid(t.x),
  sigmoidBackward: (tf, t) => tf.mul(t.dy, tf.mul(t.y01, tf.sub(1, t.y01))),
  tanh: (tf, t) => tf.tanh(t.x),
  tanhBackward: (tf, t) => tf.mul(tf.sub(1, tf.square(t.y01)), t.dy),
  prelu: (tf, t) => tf.prelu(t.x2d, t.alpha),
  preluBackward: (tf, t) => {
    const pos = tf.greater(t.x2d, 0);
    const dx = tf.where(pos, t.dy2d, tf.mul(t.dy2d, t.alpha));
    const dalpha = tf.sum(tf.where(pos, tf.zerosLike(t.dy2d), tf.mul(t.dy2d, t.x2d)), 0);
    return [dx, dalpha];
  },
};

// Two cases per entry of the activation family's list (and per GELU form:
// `gelu-tanh`), derived from it: an entry added there is benchmarked. The
// parameter is the entry's default α; a backward that takes y gets outputs
// in (0, 1). Then PReLU's own kernels.
function entryKernels(e) {
  const forms = e.param === 'approximate' ? Object.keys(e.approximate) : [undefined];
  return forms.flatMap((form) => {
    const p = e.param === 'alpha' ? [e.alphaDefault] : form !== undefined ? [form] : [];
    const suffix = form !== undefined && form !== 'none' ? `-${form}` : '';
    const bwd = `${e.name}Backward`;
    const input = e.backwardInput === 'y' ? 'y01' : 'x';
    return [
      { name: `${e.name}${suffix}`, kernel: e.name, bwd: false, ours: (k, b) => k[e.name](b.x, b.y, ...p), tf: suffix ? null : (TF[e.name] ?? null) },
      { name: `${bwd}${suffix}`, kernel: bwd, bwd: true, ours: (k, b) => k[bwd](b[input], b.dy, b.dx, ...p), tf: suffix ? null : (TF[bwd] ?? null) },
    ];
  });
}

const KERNELS = [
  ...(family_?.ACTIVATIONS ?? []).flatMap(entryKernels),
  { name: 'prelu', bwd: false, ours: (k, b) => k.prelu(b.x, b.alpha, b.y), tf: TF.prelu },
  { name: 'preluBackward', bwd: true, ours: (k, b) => k.preluBackward(b.x, b.alpha, b.dy, b.dx, b.dalpha), tf: TF.preluBackward },
];

const QUICK = new Set(['relu', 'reluBackward', 'sigmoid']);

const buffers = memo((n) => ({
  x: uniform(n, 1, -3, 3),
  y01: uniform(n, 2, 0.01, 0.99),
  dy: uniform(n, 3),
  y: new Float32Array(n),
  dx: new Float32Array(n),
  alpha: uniform(FEATURES, 4, 0.1, 0.3),
  dalpha: new Float32Array(FEATURES),
}));

let tensors;
function tfTensors(tf, n) {
  if (tensors?.n !== n) {
    if (tensors) for (const t of Object.values(tensors.t)) t.dispose();
    const b = buffers(n);
    const t = {
      x: tf.tensor1d(b.x),
      y01: tf.tensor1d(b.y01),
      dy: tf.tensor1d(b.dy),
      x2d: tf.tensor2d(b.x, [n / FEATURES, FEATURES]),
      dy2d: tf.tensor2d(b.dy, [n / FEATURES, FEATURES]),
      alpha: tf.tensor1d(b.alpha),
    };
    tensors = { n, t };
  }
  return tensors.t;
}

export function cases() {
  if (!family_) throw new Error('bench/workloads/activations.mjs: dist/ is missing; run `npm run build:ts` first');
  const out = [];
  for (const size of SIZES) {
    for (const kern of KERNELS) {
      out.push({
        id: `activations/${kern.name}/${size.label}`,
        label: `${kern.name} ${size.label}`,
        quick: size.n === 1e6 && QUICK.has(kern.name),
        work: (kern.bwd ? 12 : 8) * size.n,
        limit: size.limit,
        costKey: `activations/${kern.name}`,
        cost: size.n,
        ours(ctx) {
          if (!ctx.has(kern.kernel ?? kern.name)) return { unavailable: NOT_IMPLEMENTED };
          const b = buffers(size.n);
          return { run: () => kern.ours(ctx.kernels, b) };
        },
        tfjs(ctx) {
          if (!kern.tf) return { unavailable: 'tfjs has no such op' };
          const { tf } = ctx;
          const t = tfTensors(tf, size.n);
          return {
            run: () => tf.dispose(tf.tidy(() => kern.tf(tf, t))),
            note: kern.bwd ? 'tfjs has no backward kernel API: the ops of its registered gradient' : undefined,
          };
        },
      });
    }
  }
  return out;
}
