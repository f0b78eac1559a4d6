// Reference activations: each element computed in float64 from the float32
// inputs and rounded once to float32 on store (the Float32Array does that).
// Backward kernels select (x > 0 ? dy : α·dy) and never multiply by a mask.
// One formula pair per entry of the family's list (families/activations.ts);
// the kernels are generated from it.
import type { RawActivations } from '../activations.js';
import { ACTIVATIONS, type ActivationName } from '../families/activations.js';
import { normalCdf, normalPdf } from './erf.js';

/**
 * Per element: forward(x, p) and backward(input, dy, p), where input is x or
 * the forward output y (the entry's backwardInput) and p is α, or GELU's
 * form (0 none, 1 tanh).
 */
interface Formula {
  forward(x: number, p: number): number;
  backward(input: number, dy: number, p: number): number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
// GELU's tanh form: 2u = 2·√(2/π)·(x + 0.044715·x³); (1 + tanh u)/2 = σ(2u),
// the same function without the cancellation of 1 + tanh(u) for x < 0.
const K0 = 2 * Math.sqrt(2 / Math.PI);
const twoU = (x: number): number => K0 * (x + 0.044715 * x * x * x);
const twoUPrime = (x: number): number => K0 * (1 + 3 * 0.044715 * x * x);

export const FORMULAS: { readonly [K in ActivationName]: Formula } = {
  relu: {
    // `x > 0 ? x : 0` alone would turn NaN into 0; NaN must propagate (v !== v),
    // and -0 must become +0 (it fails x > 0 and is not NaN, so it gets 0).
    forward: (v) => (v > 0 ? v : v !== v ? v : 0),
    backward: (v, g) => (v > 0 ? g : 0),
  },
  leakyRelu: { forward: (v, a) => (v > 0 ? v : a * v), backward: (v, g, a) => (v > 0 ? g : a * g) },
  elu: { forward: (v, a) => (v > 0 ? v : a * Math.expm1(v)), backward: (v, g, a) => (v > 0 ? g : a * Math.exp(v) * g) },
  sigmoid: { forward: sigmoid, backward: (s, g) => g * s * (1 - s) },
  tanh: { forward: Math.tanh, backward: (t, g) => g * ((1 - t) * (1 + t)) },
  gelu: {
    // x·Φ(x); derivative Φ(x) + x·φ(x).
    forward: (v, tanh) => (tanh ? v * sigmoid(twoU(v)) : v * normalCdf(v)),
    backward: (v, g, tanh) => {
      if (!tanh) return g * (normalCdf(v) + v * normalPdf(v));
      // d/dx x·σ(2u) = σ·(1 + x·(1 − σ)·(2u)'), 1 − σ(t) = σ(−t). Beyond
      // |x| = 30 it is exactly 0 or 1 (σ(2u) is 0 or 1 in float64: |2u| > 1900
      // and x·(1 − σ)·(2u)' vanishes): clamping x there, as the native
      // kernels do, keeps x³ from overflowing into inf·0.
      const c = Math.min(30, Math.max(-30, v));
      const t = twoU(c);
      return g * (sigmoid(t) * (1 + c * sigmoid(-t) * twoUPrime(c)));
    },
  },
  silu: {
    // x·σ(x); derivative σ·(1 + x·(1 − σ)).
    forward: (v) => v * sigmoid(v),
    backward: (v, g) => g * (sigmoid(v) * (1 + v * sigmoid(-v))),
  },
};

type AnyKernel = (...args: unknown[]) => void;

function generated(): Record<string, AnyKernel> {
  const out: Record<string, AnyKernel> = {};
  for (const e of ACTIVATIONS) {
    const f = FORMULAS[e.name];
    out[e.name] = (x, y, p) => {
      const xs = x as Float32Array;
      const ys = y as Float32Array;
      const q = (p as number | undefined) ?? 0;
      for (let i = 0; i < xs.length; i++) ys[i] = f.forward(xs[i]!, q);
    };
    out[`${e.name}Backward`] = (a, dy, dx, p) => {
      const as = a as Float32Array;
      const gs = dy as Float32Array;
      const ds = dx as Float32Array;
      const q = (p as number | undefined) ?? 0;
      for (let i = 0; i < as.length; i++) ds[i] = f.backward(as[i]!, gs[i]!, q);
    };
  }
  return out;
}

export const referenceActivations: RawActivations = {
  ...(generated() as unknown as Omit<RawActivations, 'prelu' | 'preluBackward'>),
  prelu(x, alpha, y) {
    const f = alpha.length;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      y[i] = v > 0 ? v : alpha[i % f]! * v;
    }
  },
  preluBackward(x, alpha, dy, dx, dalpha) {
    const f = alpha.length;
    const acc = new Float64Array(f);
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      const g = dy[i]!;
      const j = i % f;
      if (v > 0) {
        dx[i] = g;
      } else {
        acc[j]! += v * g;
        dx[i] = alpha[j]! * g;
      }
    }
    for (let j = 0; j < f; j++) dalpha[j] = acc[j]!;
  },
};
