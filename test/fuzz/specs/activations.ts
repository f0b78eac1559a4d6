// Fuzz specs of the activation kernels. Tolerances are the SIMD-path ones of
// test/kernels/activations.test.ts (native against the float64 formula the
// reference rounds once; reasons there): bitwise for the ReLU family and
// PReLU (one comparison, at most one product); ulps for the exp-based
// kernels; PReLU's dα is summed in double in row order (bitwise) except a
// shared α on SIMD, which sums per lane: 1 ulp + n·2⁻⁵²·Σ|terms|.
import fc from 'fast-check';
import type { KernelSpec } from '../engine.js';
import { absolute, bitwise, ulpDistance, ulps, type Compare } from '../tolerance.js';
import { f32, f32Array, hyper, length } from '../values.js';
import * as erf from '../../../lib/backend/reference/erf.js';
import { backwardSlack, forwardSlack, TOLERANCES } from '../../shared/activation-tolerances.mjs';

const alphaValue = hyper(fc.float({ min: -2, max: 2, noNaN: true }));

// ELU's backward also gets (|α|+1)·|dy|·2⁻¹⁴⁹ absolute: eˣ is subnormal for
// x < −87. Known divergence, not pinned: where α·eˣ underflows to 0 in float32
// (x ≲ −87 with a tiny α) and dy is ±Inf, native gives 0·Inf = NaN while the
// float64 reference gives ±Inf.
function eluBackwardTol(args: readonly unknown[]): Compare {
  const [x, dy, , alpha = 1] = args as [Float32Array, Float32Array, Float32Array, number?];
  const within = ulps(3);
  return (e, a, i) => {
    const bad = within(e, a, i);
    if (!bad) return undefined;
    const g = dy[i]!;
    if (!Number.isFinite(g) && Math.abs(Math.fround(alpha) * Math.exp(x[i]!)) < 2 ** -149) return Number.isNaN(a[i]!) ? undefined : bad;
    if (!Number.isFinite(e[i]!) || !Number.isFinite(a[i]!)) return bad;
    return Math.abs(e[i]! - a[i]!) <= (Math.abs(Math.fround(alpha)) + 1) * Math.abs(g) * 2 ** -149 ? undefined : bad;
  };
}

function unary(compare: Compare, withAlpha: boolean): KernelSpec {
  return {
    args: [{ role: 'in', name: 'x' }, { role: 'out', name: 'y', mayAlias: ['x'] }, ...(withAlpha ? [{ role: 'scalar', name: 'alpha', optional: true } as const] : [])],
    valid: length.chain((n) =>
      withAlpha
        ? fc.tuple(f32Array(n), f32Array(n), fc.option(alphaValue, { nil: undefined })).map(([x, y, a]) => (a === undefined ? [x, y] : [x, y, a]))
        : fc.tuple(f32Array(n), f32Array(n)),
    ),
    compare: () => compare,
  };
}

/** Backward kernels taking x (or y, the forward output, whose range `input` draws from). */
function backward(first: 'x' | 'y', compare: Compare, withAlpha: boolean, input = f32): KernelSpec {
  return {
    args: [
      { role: 'in', name: first },
      { role: 'in', name: 'dy' },
      { role: 'out', name: 'dx', mayAlias: [first, 'dy'] },
      ...(withAlpha ? [{ role: 'scalar', name: 'alpha', optional: true } as const] : []),
    ],
    valid: length.chain((n) =>
      withAlpha
        ? fc
            .tuple(f32Array(n, input), f32Array(n), f32Array(n), fc.option(alphaValue, { nil: undefined }))
            .map(([x, dy, dx, a]) => (a === undefined ? [x, dy, dx] : [x, dy, dx, a]))
        : fc.tuple(f32Array(n, input), f32Array(n), f32Array(n)),
    ),
    compare: () => compare,
  };
}

// The derivative-from-output kernels are only meaningful for outputs in the
// function's range; outside it the products can overflow in float32 where
// float64 does not, which is not a kernel property worth pinning.
const sigmoidOut = fc.oneof(fc.float({ min: 0, max: 1, noNaN: true }), fc.constantFrom(NaN, 0.5, 1e-45));
const tanhOut = fc.oneof(fc.float({ min: -1, max: 1, noNaN: true }), fc.constantFrom(NaN, -0, 1e-45));

const preluShape = fc.record({ rows: fc.integer({ min: 0, max: 9 }), features: fc.oneof(fc.constantFrom(1, 7, 8, 9, 16, 17), fc.integer({ min: 1, max: 20 })) });

/** dα_j = Σ_{x≤0} x·dy over rows, in double. */
function dalphaBound(args: readonly unknown[]): Compare {
  const [x, alpha, dy] = args as Float32Array[];
  if (alpha!.length !== 1) return bitwise;
  const n = x!.length;
  let mag = 0;
  for (let i = 0; i < n; i++) if (!(x![i]! > 0)) mag += Math.abs(x![i]! * dy![i]!);
  return (e, a, j) => absolute(() => 2 ** -23 * Math.abs(e[j]!) + n * 2 ** -52 * mag)(e, a, j);
}

// GELU and SiLU: the shared tolerances (test/shared/activation-tolerances.mjs,
// reasons there), SIMD path; GELU's `approximate` as a choice argument.
const approximate = fc.option(fc.constantFrom('none', 'tanh'), { nil: undefined });
// Within n ulps on the ordered float line (where +Inf is the float after
// FLT_MAX: a product at the overflow boundary may round either way), or
// within the slack. Known divergence, not pinned (as for ELU above): with
// dy = ±Inf where the derivative underflows to 0 in float32 (GELU' at
// x ≲ −13), native gives Inf·0 = NaN while the float64 reference gives ±Inf.
const within =
  (n: number, slack: (i: number) => number, dy?: Float32Array): Compare =>
  (e, a, i) => {
    const ev = e[i]!;
    const av = a[i]!;
    if (Number.isNaN(ev) || Number.isNaN(av)) {
      if (Number.isNaN(ev) && Number.isNaN(av)) return undefined;
      if (dy && !Number.isFinite(dy[i]!) && Number.isNaN(av) && !Number.isFinite(ev)) return undefined;
      return `element ${i}: expected ${ev}, got ${av} (NaN)`;
    }
    if (ulpDistance(ev, av) <= n || Math.abs(av - ev) <= slack(i)) return undefined;
    return `element ${i}: expected ${ev}, got ${av} (${ulpDistance(ev, av)} ulp > ${n}, |diff| > ${slack(i)})`;
  };
function forwardSpec(name: 'gelu' | 'silu', withChoice: boolean): KernelSpec {
  return {
    args: [
      { role: 'in', name: 'x' },
      { role: 'out', name: 'y', mayAlias: ['x'] },
      ...(withChoice ? [{ role: 'choice', name: 'approximate', values: ['none', 'tanh'], optional: true } as const] : []),
    ],
    valid: length.chain((n) =>
      withChoice ? fc.tuple(f32Array(n), f32Array(n), approximate).map(([x, y, a]) => (a === undefined ? [x, y] : [x, y, a])) : fc.tuple(f32Array(n), f32Array(n)),
    ),
    compare: (_out, args) => {
      const [x, , a] = args as [Float32Array, Float32Array, string?];
      const tol = TOLERANCES[name === 'gelu' && a === 'tanh' ? 'geluTanh' : name];
      return within(tol.simd, (i) => forwardSlack(x[i]!));
    },
  };
}
function backwardSpec(name: 'geluBackward' | 'siluBackward', withChoice: boolean): KernelSpec {
  return {
    args: [
      { role: 'in', name: 'x' },
      { role: 'in', name: 'dy' },
      { role: 'out', name: 'dx', mayAlias: ['x', 'dy'] },
      ...(withChoice ? [{ role: 'choice', name: 'approximate', values: ['none', 'tanh'], optional: true } as const] : []),
    ],
    valid: length.chain((n) =>
      withChoice
        ? fc.tuple(f32Array(n), f32Array(n), f32Array(n), approximate).map(([x, dy, dx, a]) => (a === undefined ? [x, dy, dx] : [x, dy, dx, a]))
        : fc.tuple(f32Array(n), f32Array(n), f32Array(n)),
    ),
    compare: (_out, args) => {
      const [x, dy, , a] = args as [Float32Array, Float32Array, Float32Array, string?];
      const key = name === 'geluBackward' && a === 'tanh' ? 'geluTanhBackward' : name;
      return within(TOLERANCES[key].simd, (i) => backwardSlack(key, x[i]!, dy[i]!, erf), dy);
    },
  };
}

export const activationSpecs: Record<string, KernelSpec> = {
  gelu: forwardSpec('gelu', true),
  geluBackward: backwardSpec('geluBackward', true),
  silu: forwardSpec('silu', false),
  siluBackward: backwardSpec('siluBackward', false),
  relu: unary(bitwise, false),
  leakyRelu: unary(bitwise, true),
  elu: unary(ulps(2), true),
  sigmoid: unary(ulps(3), false),
  tanh: unary(ulps(2), false),
  reluBackward: backward('x', bitwise, false),
  leakyReluBackward: backward('x', bitwise, true),
  eluBackward: { ...backward('x', bitwise, true), compare: (_out, args) => eluBackwardTol(args) },
  sigmoidBackward: backward('y', ulps(2), false, sigmoidOut),
  tanhBackward: backward('y', ulps(3), false, tanhOut),
  prelu: {
    args: [{ role: 'in', name: 'x' }, { role: 'in', name: 'alpha', lengthFree: true }, { role: 'out', name: 'y', mayAlias: ['x'] }],
    valid: preluShape.chain(({ rows, features }) => fc.tuple(f32Array(rows * features), f32Array(features), f32Array(rows * features))),
    compare: () => bitwise,
  },
  preluBackward: {
    args: [
      { role: 'in', name: 'x' },
      { role: 'in', name: 'alpha', lengthFree: true },
      { role: 'in', name: 'dy' },
      { role: 'out', name: 'dx', mayAlias: ['x', 'dy'] },
      { role: 'out', name: 'dalpha' },
    ],
    valid: preluShape.chain(({ rows, features }) =>
      fc.tuple(f32Array(rows * features), f32Array(features), f32Array(rows * features), f32Array(rows * features), f32Array(features)),
    ),
    compare: (out, args) => (out === 'dalpha' ? dalphaBound(args) : bitwise),
  },
};
