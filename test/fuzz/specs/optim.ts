// Fuzz specs of the optimizer step kernels. Tolerance as in
// test/kernels/optim.test.ts: each backend within K·2⁻²⁴·M of the float64
// oracle (M: the magnitude of the terms of that element's update, from
// test/helpers/optim-oracle.ts; K = 16 there), so native within 2K·2⁻²⁴·M of
// the reference. sumOfSquares: a float64 sum whose order may differ by path,
// within n·2⁻⁵²·Σx².
// Magnitudes below 2⁻¹⁰⁰ (other than 0) are not generated: a float32
// intermediate that lands in the subnormal range (g·gradScale, wd·θ, (1−β)·g
// with factors down to 1e-3) has an absolute error of 2⁻¹⁵⁰, not a relative
// one, and the update amplifies it by up to lr/ε (1e9 here), far beyond the
// oracle's relative bound; test/kernels/optim.test.ts does not cover them either.
import fc from 'fast-check';
import { oracleStep, type Hyper, type Kind } from '../../helpers/optim-oracle.js';
import type { FieldKind, KernelSpec } from '../engine.js';
import type { Compare } from '../tolerance.js';
import { f32Array, f32Finite, length } from '../values.js';

const K = 16;
const U = 2 ** -24;

const extras = {
  weightDecay: fc.constantFrom(0, 0, 0.01),
  decoupledWeightDecay: fc.constantFrom(0, 0, 0.1),
  gradScale: fc.constantFrom(1, 1, 0.5, 0),
};
// 1e39 is finite in float64 but not in float32: it must be refused like Infinity.
const lr = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(0, 1e-3, 0.01, 0.1, 1, 10) }, { weight: 1, arbitrary: fc.constant(1e39) });
const beta = fc.constantFrom(0, 0.5, 0.9, 0.99, 0.999);
const eps = fc.constantFrom(1e-8, 1e-7, 1e-3);
const EXTRA_FIELDS: Record<string, FieldKind> = { weightDecay: 'scalar', decoupledWeightDecay: 'scalar', gradScale: 'scalar' };

interface Shape {
  kind: Kind;
  state: Array<'m' | 'v'>;
  options: fc.Arbitrary<Hyper>;
  fields: Record<string, FieldKind>;
  required: string[];
}

const shapes: Record<string, Shape> = {
  sgdStep: { kind: 'sgd', state: [], options: fc.record({ lr, ...extras }, { requiredKeys: ['lr'] }), fields: { lr: 'scalar', ...EXTRA_FIELDS }, required: ['lr'] },
  momentumStep: {
    kind: 'momentum',
    state: ['m'],
    options: fc.record({ lr, beta, variant: fc.constantFrom('ema', 'classic', 'nesterov', 'keras', 'keras-nesterov', 'tfjs-nesterov'), ...extras }, { requiredKeys: ['lr'] }) as fc.Arbitrary<Hyper>,
    fields: { lr: 'scalar', beta: 'scalar', variant: 'choice', ...EXTRA_FIELDS },
    required: ['lr'],
  },
  adagradStep: {
    kind: 'adagrad',
    state: ['v'],
    options: fc.record({ lr, eps, epsPlacement: fc.constantFrom('inside', 'outside'), ...extras }, { requiredKeys: ['lr'] }) as fc.Arbitrary<Hyper>,
    fields: { lr: 'scalar', eps: 'scalar', epsPlacement: 'choice', ...EXTRA_FIELDS },
    required: ['lr'],
  },
  rmspropStep: {
    kind: 'rmsprop',
    state: ['v'],
    options: fc.record({ lr, beta, eps, epsPlacement: fc.constantFrom('inside', 'outside'), ...extras }, { requiredKeys: ['lr'] }) as fc.Arbitrary<Hyper>,
    fields: { lr: 'scalar', beta: 'scalar', eps: 'scalar', epsPlacement: 'choice', ...EXTRA_FIELDS },
    required: ['lr'],
  },
  adamStep: {
    kind: 'adam',
    state: ['m', 'v'],
    options: fc.record({ lr, beta1: beta, beta2: beta, eps, step: fc.constantFrom(1, 2, 3, 10, 1000), epsHat: fc.boolean(), ...extras }, { requiredKeys: ['lr', 'step'] }),
    fields: { lr: 'scalar', beta1: 'scalar', beta2: 'scalar', eps: 'scalar', step: 'posInt', ...EXTRA_FIELDS },
    required: ['lr', 'step'],
  },
};

/**
 * The magnitude of v's update terms, |b·v| + c·(|s·g| + |wd·θ|)². The oracle's
 * Mv is v itself, which misses the cancellation in g = s·g₀ + wd·θ (weight
 * decay against the gradient): native rounds s·g₀ and wd·θ in float32 first.
 */
function magnitudeV(kind: Kind, h: Hyper, th: number, g0: number, v: number): number {
  const f = Math.fround;
  const b = kind === 'adagrad' ? 1 : kind === 'adam' ? f(h.beta2 ?? 0.999) : f(h.beta ?? 0.9);
  const c = kind === 'adagrad' ? 1 : 1 - b;
  const mg = Math.abs(f(h.gradScale ?? 1) * g0) + Math.abs(f(h.weightDecay ?? 0) * th);
  return Math.abs(b * v) + c * mg * mg;
}

function stepSpec(name: string, s: Shape): KernelSpec {
  const normal = f32Finite.filter((x) => x === 0 || Math.abs(x) >= 2 ** -100);
  const nonNegative = normal.map(Math.abs);
  return {
    args: [
      { role: 'inout', name: 'param' },
      { role: 'in', name: 'grad' },
      ...s.state.map((n) => ({ role: 'inout' as const, name: n })),
      { role: 'options', name: 'options', prefix: '', fields: s.fields, required: s.required },
    ],
    valid: fc.tuple(length, s.options).chain(([n, o]) =>
      fc
        .tuple(f32Array(n, normal), f32Array(n, normal), f32Array(n, normal), f32Array(n, nonNegative))
        .map(([p, g, m, v]) => [p, g, ...s.state.map((k) => (k === 'm' ? m : v)), o]),
    ),
    compare: (out, args) => {
      const o = args[args.length - 1] as Hyper;
      const [p, g] = args as Float32Array[];
      const m = s.state.includes('m') ? (args[2] as Float32Array) : undefined;
      const v = s.state.includes('v') ? (args[2 + s.state.indexOf('v')] as Float32Array) : undefined;
      const cmp: Compare = (e, a, i) => {
        const ev = e[i]!;
        const av = a[i]!;
        if ((Number.isNaN(ev) && Number.isNaN(av)) || ev === av) return undefined;
        const r = oracleStep(s.kind, o, p![i]!, g![i]!, m?.[i] ?? 0, v?.[i] ?? 0);
        const M = out === 'param' ? r.Mth : out === 'm' ? r.Mm : magnitudeV(s.kind, o, p![i]!, g![i]!, v?.[i] ?? 0);
        const tol = 2 * K * U * M + 1.2e-38;
        return Math.abs(av - ev) <= tol ? undefined : `${name} ${out}[${i}]: expected ${ev}, got ${av} (|diff| ${Math.abs(av - ev)} > ${tol})`;
      };
      return cmp;
    },
  };
}

export const optimSpecs: Record<string, KernelSpec> = {
  ...Object.fromEntries(Object.entries(shapes).map(([name, s]) => [name, stepSpec(name, s)])),
  sumOfSquares: {
    args: [{ role: 'in', name: 'x', lengthFree: true }],
    valid: length.chain((n) => fc.tuple(f32Array(n, f32Finite))),
    compare: () => () => undefined,
    compareResult: (e, a, args) => {
      const x = args[0] as Float32Array;
      return Math.abs(a - e) <= x.length * 2 ** -52 * e ? undefined : `sum ${a}, reference ${e}`;
    },
  },
};
