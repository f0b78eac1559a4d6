// erfc and the standard normal CDF in float64 for the reference backend (JS
// has no Math.erf). Plain, slow and accurate to about 1e-14 relative, far
// below float32's 6e-8: the Maclaurin series of erf where it converges
// without much cancellation (|t| < 2), the continued fraction of erfc
// (Laplace's) beyond, where it converges fast; tested against independently
// computed values in test/kernels/activations.test.ts.

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** erf(t) by its Maclaurin series, for |t| < 2. */
function erfSeries(t: number): number {
  // Σ (-1)^n t^(2n+1) / (n! (2n+1))
  const t2 = t * t;
  let term = t; // (-1)^n t^(2n+1) / n!
  let sum = t;
  for (let n = 1; n < 200; n++) {
    term *= -t2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** erfc(t) for t >= 2: e^(−t²)/√π · 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + …)))). */
function erfcFraction(t: number): number {
  let f = t;
  for (let k = 300; k >= 1; k--) f = t + k / 2 / f;
  return Math.exp(-t * t) / Math.sqrt(Math.PI) / f;
}

/** The complementary error function in float64. */
export function erfc(t: number): number {
  if (Number.isNaN(t)) return NaN;
  if (t >= 2) return t === Infinity ? 0 : erfcFraction(t);
  if (t <= -2) return 2 - (t === -Infinity ? 0 : erfcFraction(-t));
  return 1 - erfSeries(t);
}

/** Φ(x) = P(Z <= x) for a standard normal Z, as erfc(−x/√2)/2 (no cancellation for x < 0). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}

/** φ(x) = e^(−x²/2)/√(2π). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
