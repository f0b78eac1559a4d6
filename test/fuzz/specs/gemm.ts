// Fuzz spec of the public GEMM. Tolerance as in the GEMM tests: each element
// is a float32 sum of k products, so |C − C_ref| ≤ (k + 2)·u·(|α|·Σ|a||b| +
// |β·c|) (u = 2⁻²⁴: one rounding per addition, plus the α and β products),
// plus (k + 2)·2⁻¹⁴⁹·max(1, |α|) for products in the subnormal range.
import fc from 'fast-check';
import type { KernelSpec } from '../engine.js';
import { absolute, EPS32, type Compare } from '../tolerance.js';
import { dim, f32, f32Array, f32Finite, hyper } from '../values.js';

interface Opts {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

const options = fc.option(
  fc.record(
    {
      transA: fc.boolean(),
      transB: fc.boolean(),
      alpha: hyper(fc.constantFrom(1, -1, 0.5, 2, 0)),
      beta: fc.constantFrom(0, 0, 1, -0.5, 2),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

function bound(args: readonly unknown[]): Compare {
  const [a, b, c0, m, n, k, o = {}] = args as [Float32Array, Float32Array, Float32Array, number, number, number, Opts];
  const alpha = Math.abs(Math.fround(o.alpha ?? 1));
  const beta = Math.fround(o.beta ?? 0);
  return (e, act, idx) => {
    const i = Math.floor(idx / n);
    const j = idx % n;
    let mag = 0;
    for (let p = 0; p < k; p++) {
      const av = o.transA ? a[p * m + i]! : a[i * k + p]!;
      const bv = o.transB ? b[j * k + p]! : b[p * n + j]!;
      mag += Math.abs(av * bv);
    }
    const total = alpha * mag + (beta === 0 ? 0 : Math.abs(beta * c0[idx]!));
    if (total > 1e37) return undefined; // float32 partial sums may overflow where float64 does not
    // A product that lands in float32's subnormal range carries an absolute
    // error up to 2⁻¹⁵⁰ instead of a relative one, and α scales it.
    return absolute(() => (k + 2) * EPS32 * total + (k + 2) * 2 ** -149 * Math.max(1, alpha))(e, act, idx);
  };
}

export const gemmSpecs: Record<string, KernelSpec> = {
  gemm: {
    args: [
      { role: 'in', name: 'a' },
      { role: 'in', name: 'b' },
      { role: 'inout', name: 'c' },
      { role: 'size', name: 'm' },
      { role: 'size', name: 'n' },
      { role: 'size', name: 'k' },
      { role: 'options', name: 'options', prefix: 'options.', fields: { transA: 'bool', transB: 'bool', alpha: 'scalar', beta: 'scalar' } },
    ],
    valid: fc.tuple(dim, dim, dim, options).chain(([m, n, k, o]) =>
      // With β = 0, C is write-only: fill it with anything, NaN included.
      fc
        .tuple(f32Array(m * k, f32Finite), f32Array(k * n, f32Finite), f32Array(m * n, (o?.beta ?? 0) === 0 ? f32 : f32Finite))
        .map(([a, b, c]) => (o === undefined ? [a, b, c, m, n, k] : [a, b, c, m, n, k, o])),
    ),
    compare: (_out, args) => bound(args),
  },
};
