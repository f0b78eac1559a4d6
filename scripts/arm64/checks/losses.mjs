// Loss kernels: gradient (already divided by the count) and the returned
// mean loss. Both sides compute in float64 from the float32 inputs; they
// differ only in libm's exp/log vs V8's and in summation order (SIMD
// lanes), i.e. a few float64 roundings: the gradient is within 1 float32
// ulp plus a float64-sized bound for cancellation in p·Σt − t, the loss
// within (terms + 16) float64 roundings of the sum of |terms| / count.
import { bounded } from './compare.mjs';
import { rng, seedOf, SIZES, uniform } from './inputs.mjs';

const D = 2 ** -53;
const lossBound = (terms, mag) => (terms + 16) * D * mag;

const SOFTMAX_SHAPES = [
  [0, 3],
  [1, 1],
  [1, 10],
  [7, 3],
  [8, 10],
  [17, 4],
  [33, 17],
  [64, 10],
  [3, 1000],
];

// Logits: moderate, or with large magnitudes that overflow a naive exp.
const logits = (r, n, extreme) => uniform(r, n, extreme ? -100 : -4, extreme ? 100 : 4);

function oneHotOrProbabilities(r, rows, classes, oneHot) {
  const t = new Float32Array(rows * classes);
  for (let i = 0; i < rows; i++) {
    if (oneHot) {
      t[i * classes + r.int(classes)] = 1;
      continue;
    }
    let s = 0;
    for (let j = 0; j < classes; j++) s += t[i * classes + j] = r.uniform();
    for (let j = 0; j < classes; j++) t[i * classes + j] /= s;
  }
  return t;
}

/** Per-row magnitude of the loss terms: Σ|t|·(|lse| + |z|) with |lse| <= max|z| + log(classes). */
function softmaxMag(z, t, n, classes, label) {
  let mag = 0;
  for (let i = 0; i < n; i++) {
    let zmax = 0;
    for (let j = 0; j < classes; j++) zmax = Math.max(zmax, Math.abs(z[i * classes + j]));
    const tsum = label ? 1 : t.subarray(i * classes, (i + 1) * classes).reduce((a, b) => a + Math.abs(b), 0);
    mag += tsum * (2 * zmax + Math.log(classes) + 1);
  }
  return n === 0 ? 0 : mag / n;
}

// p·Σt − t in float64: its error is a few float64 ulps of p and t (<= 1 + Σt).
const gradTol = (n) => bounded(1, () => (n === 0 ? 0 : (16 * D * 2) / n));

function softmaxCases(name, labels) {
  const cases = [];
  for (const [n, classes] of SOFTMAX_SHAPES) {
    for (const variant of labels ? ['moderate', 'extreme'] : ['one-hot', 'probabilities', 'extreme']) {
      const label = `n=${n} classes=${classes} ${variant}`;
      cases.push({
        label,
        args: () => {
          const r = rng(seedOf(`${name}/${label}`));
          const z = logits(r, n * classes, variant === 'extreme');
          const t = labels ? Int32Array.from({ length: n }, () => r.int(classes)) : oneHotOrProbabilities(r, n, classes, variant !== 'probabilities');
          return [z, t, new Float32Array(n * classes).fill(NaN), n, classes];
        },
        out: { 2: gradTol(n) },
        ret: ([z, t]) => lossBound(n * classes, softmaxMag(z, t, n, classes, labels)),
      });
    }
  }
  return cases;
}

function elementwiseLoss(name, make, mag) {
  return SIZES.map((n) => ({
    label: `n=${n}`,
    args: () => {
      const r = rng(seedOf(`${name}/${n}`));
      return [...make(r, n), new Float32Array(n).fill(NaN)];
    },
    out: { 2: bounded(1, () => (n === 0 ? 0 : (16 * D * 4) / n)) },
    ret: ([a, b]) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += mag(a[i], b[i]);
      return lossBound(n, n === 0 ? 0 : s / n);
    },
  }));
}

export const checks = {
  mse: {
    params: ['pred', 'target', 'grad'],
    cases: () => elementwiseLoss('mse', (r, n) => [uniform(r, n, -3, 3), uniform(r, n, -3, 3)], (p, t) => (p - t) ** 2),
  },
  softmaxCrossEntropy: { params: ['logits', 'target', 'grad', 'n', 'classes'], cases: () => softmaxCases('softmaxCrossEntropy', false) },
  softmaxCrossEntropyLabels: { params: ['logits', 'labels', 'grad', 'n', 'classes'], cases: () => softmaxCases('softmaxCrossEntropyLabels', true) },
  binaryCrossEntropy: {
    params: ['logits', 'target', 'grad'],
    cases: () =>
      elementwiseLoss(
        'binaryCrossEntropy',
        (r, n) => {
          const t = uniform(r, n, 0, 1);
          for (let i = 0; i < n; i += 3) t[i] = i % 2; // hard labels too
          return [uniform(r, n, -30, 30), t];
        },
        (z, t) => Math.max(z, 0) + Math.abs(z * t) + 1,
      ),
  },
};
