// Tolerances of the elementwise family (lib/backend/families/elementwise.ts)
// against its reference twin, in one place for the vitest suite
// (test/kernels/elementwise.test.ts), the fuzz specs and the tfjs suite.
// Plain JavaScript so a plain node script (the arm64 checks) can import it.
//
// Allowed float32 ulps between the native kernel and the reference (tfjs's
// formula in float64, rounded once), per path. Every kernel not listed is
// bitwise (0 ulp, NaN where the reference is NaN, the sign of zero kept):
// its native form is one IEEE float32 operation, whose result equals the
// float64 one rounded once, or the float64 operations themselves.
//   scalar: the C library's exp/log in double, one rounding, as V8's Math.exp
//     and Math.log: measured 0 over 2^21 inputs (every 4096th bit pattern of
//     both signs and 2^20 uniform in [-30, 30]); 1 allowed, because two libm's
//     may round a float64 result differently near a float32 rounding boundary.
//   simd: exp is the activation family's polynomial (1 ulp measured there);
//     log measured 1 (the atanh series, ew_body.inc); softplus 3 (log1p of a
//     1-ulp exp, then + max(x, 0)): measured over the same 2^21 inputs on
//     avx512 and avx2.
export const ULP = Object.freeze({
  exp: { scalar: 1, simd: 1 },
  log: { scalar: 1, simd: 1 },
  softplus: { scalar: 1, simd: 3 },
});

/** Allowed ulps of `name` on `path` ('scalar' | 'simd' | 'reference'). */
export function ulpBound(name, path) {
  if (path === 'reference') return 0;
  const t = ULP[name];
  return t ? t[path] : 0;
}
