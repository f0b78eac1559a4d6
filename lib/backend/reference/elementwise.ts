// Reference elementwise kernels: each element is tfjs-backend-cpu's formula
// evaluated in float64 from the float32 inputs and rounded once to float32
// on store (the typed array does that). One formula per entry of the
// family's list (families/elementwise.ts); the kernels, and the broadcast
// loop nest (the twin of native/kernels/ew_broadcast.cc), are generated here.
import type { RawElementwise } from '../elementwise.js';
import { ELEMENTWISE, type BinaryName, type CompareName, type GradName, type UnaryName, type UnaryParamName } from '../families/elementwise.js';

// tfjs's Softplus thresholds (log of float32's epsilon, plus 2).
const SOFTPLUS_THRESHOLD = Math.log(1.1920928955078125e-7) + 2.0;

export const BINARY: { readonly [K in BinaryName]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
  squaredDifference: (a, b) => {
    const d = a - b;
    return d * d;
  },
  preluTf: (x, alpha) => (x < 0 ? alpha * x : x),
};

export const COMPARE: { readonly [K in CompareName]: (a: number, b: number) => boolean } = {
  greater: (a, b) => a > b,
  greaterEqual: (a, b) => a >= b,
  less: (a, b) => a < b,
  lessEqual: (a, b) => a <= b,
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
};

export const UNARY: { readonly [K in UnaryName]: (x: number) => number } = {
  neg: (x) => x * -1,
  abs: Math.abs,
  square: (x) => x * x,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  exp: Math.exp,
  log: Math.log,
  softplus: (x) => {
    const e = Math.exp(x);
    return x < SOFTPLUS_THRESHOLD ? e : x > -SOFTPLUS_THRESHOLD ? x : Math.log(1.0 + e);
  },
  relu6: (x) => Math.min(Math.max(0, x), 6),
};

export const UNARY_PARAM: { readonly [K in UnaryParamName]: (x: number, p0: number, p1: number) => number } = {
  step: (x, alpha) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : alpha),
  clip: (x, lo, hi) => (x > hi ? hi : x < lo ? lo : x),
  leakyReluTf: (x, alpha) => (x < 0 ? alpha * x : x),
};

export const GRAD: { readonly [K in GradName]: (input: number, dy: number) => number } = {
  eluGradY: (y, dy) => (y >= 0 ? dy : dy * (y + 1)),
};

type Out = Float32Array | Uint8Array;

/** Calls f(i, ia, ib) for each output element i with its operands' indices. */
function forEach(na: number, nb: number, n: number, plan: Float64Array | undefined, f: (i: number, ia: number, ib: number) => void): void {
  if (!plan) {
    const sa = na === n ? 1 : 0;
    const sb = nb === n ? 1 : 0;
    for (let i = 0; i < n; i++) f(i, i * sa, i * sb);
    return;
  }
  const r = plan[0]!;
  const idx = new Array<number>(r).fill(0);
  for (let i = 0; i < n; i++) {
    let ia = 0;
    let ib = 0;
    for (let k = 0; k < r; k++) {
      ia += idx[k]! * plan[1 + r + k]!;
      ib += idx[k]! * plan[1 + 2 * r + k]!;
    }
    f(i, ia, ib);
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k]! < plan[1 + k]!) break;
      idx[k] = 0;
    }
  }
}

type AnyKernel = (...args: unknown[]) => void;

function build(): RawElementwise {
  const out: Record<string, AnyKernel> = {};
  for (const e of ELEMENTWISE) {
    switch (e.kind) {
      case 'binary': {
        const op = BINARY[e.name];
        out[e.name] = (a, b, o, plan) => {
          const [x, y, z] = [a as Float32Array, b as Float32Array, o as Out];
          forEach(x.length, y.length, z.length, plan as Float64Array | undefined, (i, ia, ib) => {
            z[i] = op(x[ia]!, y[ib]!);
          });
        };
        break;
      }
      case 'compare': {
        const op = COMPARE[e.name];
        out[e.name] = (a, b, o, plan) => {
          const [x, y, z] = [a as Float32Array, b as Float32Array, o as Out];
          forEach(x.length, y.length, z.length, plan as Float64Array | undefined, (i, ia, ib) => {
            z[i] = op(x[ia]!, y[ib]!) ? 1 : 0;
          });
        };
        break;
      }
      case 'unary': {
        const op = UNARY[e.name];
        out[e.name] = (x, y) => {
          const [u, v] = [x as Float32Array, y as Float32Array];
          for (let i = 0; i < u.length; i++) v[i] = op(u[i]!);
        };
        break;
      }
      case 'unary_param': {
        const op = UNARY_PARAM[e.name];
        out[e.name] = (x, y, p0, p1) => {
          const [u, v] = [x as Float32Array, y as Float32Array];
          for (let i = 0; i < u.length; i++) v[i] = op(u[i]!, p0 as number, (p1 as number | undefined) ?? 0);
        };
        break;
      }
      case 'grad': {
        const op = GRAD[e.name];
        out[e.name] = (input, dy, dx) => {
          const [u, g, d] = [input as Float32Array, dy as Float32Array, dx as Float32Array];
          for (let i = 0; i < u.length; i++) d[i] = op(u[i]!, g[i]!);
        };
        break;
      }
    }
  }
  return {
    ...(out as unknown as Omit<RawElementwise, 'select'>),
    select(c, t, e, o) {
      for (let i = 0; i < c.length; i++) o[i] = c[i] === 1 ? t[i]! : e[i]!;
    },
  } as RawElementwise;
}

export const referenceElementwise: RawElementwise = build();
