// Fuzz specs of the activation kernels, two per entry of the family's list
// (derived: an entry added there gets its specs from its ENTRY_CHECKS row in
// test/shared/activation-tolerances.mjs), plus PReLU's. Tolerances are the SIMD-path ones of
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
import { backwardSlack, ENTRY_CHECKS, forwardSlack, sharedKey, TOLERANCES, type UlpTolerance } from '../../shared/activation-tolerances.mjs';
import { ACTIVATIONS, type ActivationEntry } from '../../../lib/backend/families/activations.js';

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

// Every entry's tolerances: ENTRY_CHECKS and TOLERANCES in
// test/shared/activation-tolerances.mjs (reasons there), SIMD path; GELU's
// `approximate` as a choice argument. Backward kernels that take y draw it
// from the forward's range (ENTRY_CHECKS' `output`): outside it the products
// can overflow in float32 where float64 does not, not a kernel property
// worth pinning.
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
/** An entry's tolerance as a Compare on the SIMD path (fuzz runs the best path against the reference). */
function entryCompare(tol: UlpTolerance | 'shared' | 'eluBackward', name: string, backwardKernel: boolean, args: readonly unknown[], form: string | undefined): Compare {
  if (tol === 'eluBackward') return eluBackwardTol(args);
  if (tol === 'shared') {
    const key = sharedKey(name, form, backwardKernel) as keyof typeof TOLERANCES;
    if (!backwardKernel) {
      const [x] = args as [Float32Array];
      return within(TOLERANCES[key].simd, (i) => forwardSlack(x[i]!));
    }
    const [x, dy] = args as [Float32Array, Float32Array];
    return within(TOLERANCES[key].simd, (i) => backwardSlack(key, x[i]!, dy[i]!, erf), dy);
  }
  return tol.simd === 0 ? bitwise : ulps(tol.simd);
}

/** The trailing parameter of an entry's kernels: α, GELU's form, or none. */
function paramArg(e: ActivationEntry): { arg: KernelSpec['args'][number]; value: fc.Arbitrary<unknown> } | undefined {
  if (e.param === 'alpha') return { arg: { role: 'scalar', name: 'alpha', optional: true }, value: alphaValue };
  if (e.param === 'approximate') return { arg: { role: 'choice', name: 'approximate', values: Object.keys(e.approximate), optional: true }, value: fc.constantFrom(...Object.keys(e.approximate)) };
  return undefined;
}

/** Arrays for the spec's arrays, then the optional parameter (absent or drawn). */
function withParam(arrays: fc.Arbitrary<unknown[]>, p: ReturnType<typeof paramArg>): fc.Arbitrary<unknown[]> {
  if (!p) return arrays;
  return fc.tuple(arrays, fc.option(p.value, { nil: undefined })).map(([a, v]) => (v === undefined ? a : [...a, v]));
}

// The forward's output range, for a backward that takes y.
const outputRange = ([lo, hi]: readonly [number, number]): fc.Arbitrary<number> =>
  fc.oneof(fc.float({ min: Math.fround(lo), max: Math.fround(hi), noNaN: true }), fc.constantFrom(NaN, (lo + hi) / 2, lo < 0 ? -0 : 0.5, 1e-45));

/** The two specs of one entry of the activation list, from its parameter kind, backward input and checks. */
function entrySpecs(e: ActivationEntry): Array<[string, KernelSpec]> {
  const checks = ENTRY_CHECKS[e.name];
  if (!checks) throw new Error(`test/shared/activation-tolerances.mjs: ENTRY_CHECKS has no entry for ${e.name}`);
  const p = paramArg(e);
  const form = (args: readonly unknown[], at: number): string | undefined => (e.param === 'approximate' ? ((args[at] as string | undefined) ?? 'none') : undefined);
  const first = e.backwardInput;
  const input = first === 'y' && checks.output ? outputRange(checks.output) : f32;
  const fwd: KernelSpec = {
    args: [{ role: 'in', name: 'x' }, { role: 'out', name: 'y', mayAlias: ['x'] }, ...(p ? [p.arg] : [])],
    valid: length.chain((n) => withParam(fc.tuple(f32Array(n), f32Array(n)), p)),
    compare: (_out, args) => entryCompare(checks.forward, e.name, false, args, form(args, 2)),
  };
  const bwd: KernelSpec = {
    args: [{ role: 'in', name: first }, { role: 'in', name: 'dy' }, { role: 'out', name: 'dx', mayAlias: [first, 'dy'] }, ...(p ? [p.arg] : [])],
    valid: length.chain((n) => withParam(fc.tuple(f32Array(n, input), f32Array(n), f32Array(n)), p)),
    compare: (_out, args) => entryCompare(checks.backward, e.name, true, args, form(args, 3)),
  };
  return [
    [e.name, fwd],
    [`${e.name}Backward`, bwd],
  ];
}

/** Every entry of the activation list (two specs each), then PReLU's own kernels. */
export const activationSpecs: Record<string, KernelSpec> = {
  ...Object.fromEntries(ACTIVATIONS.flatMap(entrySpecs)),
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
