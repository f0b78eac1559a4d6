// Fuzz specs of the loss kernels. Tolerances from test/kernels/losses.test.ts,
// where each backend is held to a float64 oracle; native against the
// reference is twice that: MSE's gradient is one rounding of the same
// float64 expression (bitwise); BCE and softmax gradients are within 1 ulp
// + 1e-15 of the oracle (exp and a division in double, then p − t cancels),
// soft targets 2 ulp; the returned mean loss is a float64 sum whose order
// differs by path, relative 1e-12 of the oracle.
import fc from 'fast-check';
import type { KernelSpec } from '../engine.js';
import { LOSSES, type LossName } from '../../../lib/backend/families/losses.js';
import { bitwise, type Compare } from '../tolerance.js';
import { dim, f32Array, length } from '../values.js';

// Moderate logits: the loss kernels' own tests use |z| ≲ 12; larger values
// only test exp overflow handling, which the edge list below covers.
const logit = fc.oneof({ weight: 8, arbitrary: fc.float({ min: -12, max: 12, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, -0, 30, -30, 80, -80) });
const prob = fc.oneof({ weight: 4, arbitrary: fc.float({ min: 0, max: 1, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 0.5) });

function ulpsAbs(ulps: number, abs: number): Compare {
  return (e, a, i) => {
    const ev = e[i]!;
    const av = a[i]!;
    if (Number.isNaN(ev) && Number.isNaN(av)) return undefined;
    return Math.abs(av - ev) <= ulps * 2 ** -23 * Math.abs(ev) + abs ? undefined : `element ${i}: expected ${ev}, got ${av}`;
  };
}

function lossValue(e: number, a: number): string | undefined {
  if (Number.isNaN(e) && Number.isNaN(a)) return undefined;
  return Math.abs(a - e) <= 2e-12 * Math.max(Math.abs(e), 1e-300) ? undefined : `loss ${a}, reference ${e}`;
}

function elementwise(first: string, targets: fc.Arbitrary<number>, grad: Compare): KernelSpec {
  return {
    args: [{ role: 'in', name: first }, { role: 'in', name: 'target' }, { role: 'out', name: 'grad', mayAlias: [first] }],
    valid: length.chain((n) => fc.tuple(f32Array(n, logit), f32Array(n, targets), f32Array(n))),
    compare: () => grad,
    compareResult: lossValue,
  };
}

/** Row losses: logits [n, classes] against class labels, one-hot rows or soft probabilities. */
function rows(first: string, grad: Compare): KernelSpec {
  return {
    args: [
      { role: 'in', name: first },
      { role: 'in', name: 'target', alsoAccepts: 'Int32Array' },
      { role: 'out', name: 'grad', mayAlias: [first] },
      { role: 'size', name: 'n' },
      { role: 'size', name: 'classes' },
    ],
    valid: fc.tuple(dim, fc.oneof(fc.constantFrom(1, 2, 9, 10, 63, 64, 65), fc.integer({ min: 1, max: 24 })), fc.constantFrom('labels', 'onehot', 'soft')).chain(([n, classes, kind]) =>
      fc.tuple(f32Array(n * classes, logit), fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n }), f32Array(n * classes, prob), f32Array(n * classes)).map(([z, labels, soft, g]) => {
        let target: Float32Array | Int32Array = Int32Array.from(labels);
        if (kind === 'onehot') {
          const t = new Float32Array(n * classes);
          labels.forEach((c, r) => (t[r * classes + c] = 1));
          target = t;
        } else if (kind === 'soft') target = soft;
        return [z, target, g, n, classes];
      }),
    ),
    compare: () => grad,
    compareResult: lossValue,
  };
}

// Each loss's gradient tolerance (reasons at the top of this file). Typed by
// the list: a new loss does not compile until it has one here.
const GRAD: Record<LossName, Compare> = {
  mse: bitwise,
  binaryCrossEntropy: ulpsAbs(2, 2e-15),
  softmaxCrossEntropy: ulpsAbs(4, 2e-15),
};

/** One spec per entry of the losses list (lib/backend/families/losses.ts), its shape from the entry's kind. */
export const lossSpecs: Record<string, KernelSpec> = Object.fromEntries(
  LOSSES.map((e) => [e.name, e.kind === 'rows' ? rows(e.first, GRAD[e.name]) : elementwise(e.first, e.targets === 'probabilities' ? prob : logit, GRAD[e.name])]),
);
