// Loss kernels: gradient (already divided by the count) and the returned
// mean loss, with the tolerances of test/kernels/losses.test.ts. Both sides
// compute in float64 from the float32 inputs and differ only in libm's
// exp/log vs V8's (<= 1 double ulp) and in summation order (SIMD lanes):
// the gradient is within 1 float32 ulp (2 for soft targets, whose row sum
// adds roundings) or 1e-15 absolute (cancellation in p − t); the loss within
// 1e-12 relative (n·2^-53 for every n here).
import { bounded } from './compare.mjs';
import { rng, seedOf, SIZES, uniform } from './inputs.mjs';

const { LOSSES } = await import(new URL('../../../dist/backend/families/losses.js', import.meta.url).href);

const lossTol = (want) => 1e-12 * Math.max(Math.abs(want), 1e-300);
const gradTol = (ulps) => bounded(ulps, () => 1e-15);

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

/** One case per shape and target kind; `inPlace` adds grad = logits. */
function softmaxCases(name, labels) {
  const cases = [];
  const variants = labels ? ['moderate', 'extreme', 'in-place'] : ['one-hot', 'probabilities', 'extreme', 'in-place'];
  for (const [n, classes] of SOFTMAX_SHAPES) {
    for (const variant of variants) {
      const label = `n=${n} classes=${classes} ${variant}`;
      cases.push({
        label,
        args: () => {
          const r = rng(seedOf(`${name}/${label}`));
          const z = logits(r, n * classes, variant === 'extreme');
          const t = labels ? Int32Array.from({ length: n }, () => r.int(classes)) : oneHotOrProbabilities(r, n, classes, variant !== 'probabilities');
          return [z, t, variant === 'in-place' ? z : new Float32Array(n * classes).fill(NaN), n, classes];
        },
        out: { 2: gradTol(variant === 'probabilities' ? 2 : 1) },
        ret: (_, want) => lossTol(want),
      });
    }
  }
  return cases;
}

function elementwiseLoss(name, make) {
  const cases = SIZES.map((n) => ({
    label: `n=${n}`,
    args: () => [...make(rng(seedOf(`${name}/${n}`)), n), new Float32Array(n).fill(NaN)],
    out: { 2: gradTol(1) },
    ret: (_, want) => lossTol(want),
  }));
  cases.push({
    label: 'n=1009 in-place (grad = arg 0)',
    args: () => {
      const [a, b] = make(rng(seedOf(`${name}/inplace`)), 1009);
      return [a, b, a];
    },
    out: { 2: gradTol(1) },
    ret: (_, want) => lossTol(want),
  });
  return cases;
}

// Inputs of an elementwise loss by its list entry: logits span the range
// where exp over/underflows matters (±30), predictions are moderate; value
// targets are moderate too, probability targets in [0, 1] with hard labels.
function elementwiseInputs(e) {
  return (r, n) => {
    const a = e.first === 'logits' ? uniform(r, n, -30, 30) : uniform(r, n, -3, 3);
    if (e.targets !== 'probabilities') return [a, uniform(r, n, -3, 3)];
    const t = uniform(r, n, 0, 1);
    for (let i = 0; i < n; i += 3) t[i] = i % 2; // hard labels too
    return [a, t];
  };
}

/**
 * One check per kernel of the losses list (lib/backend/families/losses.ts,
 * from dist/): elementwise losses over the sizes, row losses over the
 * shapes with float targets, and their labels kernels with class labels.
 */
export const checks = Object.fromEntries(
  LOSSES.flatMap((e) =>
    e.kind === 'rows'
      ? [
          [e.name, { params: [e.first, 'target', 'grad', 'n', 'classes'], cases: () => softmaxCases(e.name, false) }],
          [e.labels, { params: [e.first, 'labels', 'grad', 'n', 'classes'], cases: () => softmaxCases(e.labels, true) }],
        ]
      : [[e.name, { params: [e.first, 'target', 'grad'], cases: () => elementwiseLoss(e.name, elementwiseInputs(e)) }]],
  ),
);
