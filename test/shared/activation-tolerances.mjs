// Tolerances of the activation kernels whose derivative crosses zero (GELU,
// SiLU), in one place for the vitest suite (test/kernels/activations.test.ts),
// the fuzz specs (test/fuzz/specs/activations.ts) and the arm64 checks
// (scripts/arm64/checks/activations.mjs). Plain JavaScript so the arm64
// checker (a plain node script under qemu) can import it.
//
// Each kernel: allowed float32 ulps from the float64 formula rounded once,
// per path (scalar: the C library in double, one rounding: 1; simd: the
// polynomial math of native/kernels/activations_body.inc, measured by the
// self-test's dense sweeps, +1 headroom), and, for the backward kernels, a
// second acceptance: |got − want| ≤ termsUlps·ulp(Σ|terms|) + |dy|·scale·SUBNORMAL,
// because a relative bound means nothing where the terms cancel.
//   gelu: Φ measured 6 ulp, gelu 6: 7.  gelu (tanh): σ of a double 2u, then x·: 3 → 4.
//   silu: σ ≤ 2, then x·: 3 → 4.
//   geluBackward: Φ + x·φ, measured 3.5 ulps of the terms: 5.
//   geluBackward (tanh): σ·(1 + x·(1 − σ)·(2u)'), measured 5.1: 6.
//   siluBackward: σ·(1 + x·(1 − σ)), measured 3.1: 4.
// SUBNORMAL: where a result is subnormal, Φ, φ and σ underflow gradually and
// are good to a few 2^-149 in absolute terms; the kernels multiply them by x
// (and backward by x·(2u)'): 4·2^-149 per unit of that factor.
export const SUBNORMAL = 4 * 2 ** -149;

export const TOLERANCES = Object.freeze({
  gelu: { scalar: 1, simd: 7 },
  geluTanh: { scalar: 1, simd: 4 },
  silu: { scalar: 1, simd: 4 },
  geluBackward: { scalar: 1, simd: 6, termsUlps: 5 },
  geluTanhBackward: { scalar: 1, simd: 6, termsUlps: 6 },
  siluBackward: { scalar: 1, simd: 5, termsUlps: 4 },
});

const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const K0 = 2 * Math.sqrt(2 / Math.PI);
const twoU = (x) => K0 * (x + 0.044715 * x * x * x);
const twoUPrime = (x) => K0 * (1 + 3 * 0.044715 * x * x);
const clamp30 = (x) => Math.min(30, Math.max(-30, x));

/**
 * For a backward kernel: { sum: Σ|terms| at (x, dy), scale: the factor of
 * SUBNORMAL per |dy| } at x; `erf` supplies normalCdf/normalPdf (float64).
 */
export function backwardTerms(name, x, dy, erf) {
  const g = Math.abs(dy);
  switch (name) {
    case 'geluBackward':
      return { sum: g * (erf.normalCdf(x) + Math.abs(x * erf.normalPdf(x))), scale: 2 + Math.abs(x) };
    case 'geluTanhBackward': {
      const c = clamp30(x);
      return {
        sum: g * sigmoid(twoU(c)) * (1 + Math.abs(c * sigmoid(-twoU(c)) * twoUPrime(c))),
        scale: 2 + Math.abs(c) * twoUPrime(c),
      };
    }
    case 'siluBackward':
      return { sum: g * sigmoid(x) * (1 + Math.abs(x * sigmoid(-x))), scale: 2 + Math.abs(x) };
    default:
      throw new Error(`no terms for ${name}`);
  }
}

/** One float32 ulp at |v| (the subnormal spacing below 2^-126). */
export function ulpAt(v) {
  const a = Math.abs(v);
  if (!(a >= 2 ** -126)) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** The absolute slack a backward kernel gets beyond its ulps (see above). */
export function backwardSlack(name, x, dy, erf) {
  const t = backwardTerms(name, x, dy, erf);
  return TOLERANCES[name].termsUlps * ulpAt(t.sum) + Math.abs(dy) * t.scale * SUBNORMAL;
}

/** The absolute slack a forward kernel gets beyond its ulps: subnormal results. */
export function forwardSlack(x) {
  return Math.abs(x) * SUBNORMAL;
}

/**
 * Per entry of the activation family's list (lib/backend/families/activations.ts),
 * what the fuzz specs (test/fuzz/specs/activations.ts) and the arm64 checks
 * (scripts/arm64/checks/activations.mjs) derive their cases from, so that an
 * entry added to the list gets both (they fail on an entry missing here):
 *   forward / backward  a kind of tolerance:
 *     { scalar, simd }  float32 ulps per path (0: bitwise)
 *     'shared'          TOLERANCES above, by the kernel's key ('gelu', 'geluTanhBackward'…),
 *                       with forwardSlack / backwardSlack
 *     'eluBackward'     the ELU backward's bound (ulps + a subnormal slack, see the specs)
 *   alphas      α values the arm64 checks run an 'alpha' entry's kernels with
 *   output      for an entry whose backward takes y: the forward's range [lo, hi]
 *               (outside it float32 products can overflow where float64 does not)
 * Reasons: the ReLU family is one comparison and at most one product: bitwise.
 * The scalar path uses libm in double: 1 ulp where another libm rounds the
 * float64 value differently. SIMD: the polynomial exp's measured error plus
 * the float32 roundings around it: elu 2, sigmoid 3, tanh 2; sigmoid's
 * backward dy·y·(1−y) rounds three float32 operations (2), tanh's
 * dy·((1−y)(1+y)) four (3); scalar computes those in double like the reference.
 */
export const ENTRY_CHECKS = Object.freeze({
  relu: { forward: { scalar: 0, simd: 0 }, backward: { scalar: 0, simd: 0 } },
  leakyRelu: { forward: { scalar: 0, simd: 0 }, backward: { scalar: 0, simd: 0 }, alphas: [0.01, 0.3, -2] },
  elu: { forward: { scalar: 1, simd: 2 }, backward: 'eluBackward', alphas: [1, 0.7] },
  sigmoid: { forward: { scalar: 1, simd: 3 }, backward: { scalar: 0, simd: 2 }, output: [0, 1] },
  tanh: { forward: { scalar: 1, simd: 2 }, backward: { scalar: 0, simd: 3 }, output: [-1, 1] },
  gelu: { forward: 'shared', backward: 'shared' },
  silu: { forward: 'shared', backward: 'shared' },
});

/** TOLERANCES' key of an entry's kernel: `gelu` + form (`geluTanh`) + `Backward`. */
export function sharedKey(name, form, backward) {
  const base = form && form !== 'none' ? `${name}${form[0].toUpperCase()}${form.slice(1)}` : name;
  return backward ? `${base}Backward` : base;
}
