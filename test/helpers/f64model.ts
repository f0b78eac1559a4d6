// A float64 re-implementation of a Sequential's forward pass, written from
// the formulas (not from lib/), for finite-difference gradient checks. It
// reads the architecture from the model's layers and takes the parameters
// as one Float64Array laid out like the model's arena.
import type { Sequential } from '../../lib/index.js';

export interface F64Result {
  y: Float64Array;
  /** Sign pattern (pre-activation > 0) of every ReLU-family element: a change means a kink was crossed. */
  kinks: boolean[];
}

export function f64Forward(model: Sequential, theta: Float64Array, x: Float64Array, batch: number): F64Result {
  let h = x;
  let features = model.inputFeatures;
  let offset = 0;
  const kinks: boolean[] = [];
  const take = (n: number): Float64Array => {
    const v = theta.subarray(offset, offset + n);
    offset += n;
    return v;
  };
  for (const layer of model.layers) {
    const c = layer.config();
    switch (layer.className) {
      case 'Dense': {
        const inF = c.inFeatures as number;
        const outF = c.outFeatures as number;
        const w = take(inF * outF);
        const b = c.bias ? take(outF) : undefined;
        const z = new Float64Array(batch * outF);
        for (let i = 0; i < batch; i++) {
          for (let j = 0; j < outF; j++) {
            let s = b ? b[j]! : 0;
            for (let p = 0; p < inF; p++) s += h[i * inF + p]! * w[p * outF + j]!;
            z[i * outF + j] = s;
          }
        }
        h = c.activation ? activate(c.activation as string, z, (c.alpha as number) ?? 0, kinks, c.approximate as string | undefined) : z;
        features = outF;
        break;
      }
      case 'PReLU': {
        const a = take(c.perFeature ? features : 1);
        h = h.map((v, i) => {
          kinks.push(v > 0);
          return v > 0 ? v : a[a.length === 1 ? 0 : i % features]! * v;
        });
        break;
      }
      case 'ReLU':
        h = activate('relu', h, 0, kinks);
        break;
      case 'LeakyReLU':
        h = activate('leakyRelu', h, c.alpha as number, kinks);
        break;
      case 'ELU':
        h = activate('elu', h, c.alpha as number, kinks);
        break;
      case 'Sigmoid':
        h = activate('sigmoid', h, 0, kinks);
        break;
      case 'Tanh':
        h = activate('tanh', h, 0, kinks);
        break;
      case 'GELU':
        h = activate('gelu', h, 0, kinks, c.approximate as string);
        break;
      case 'SiLU':
        h = activate('silu', h, 0, kinks);
        break;
      default:
        throw new Error(`f64Forward: no float64 twin for ${layer.className}`);
    }
  }
  return { y: h, kinks };
}

/** erf by its Maclaurin series (|x| < 6: terms peak near e^{x²}, so about 1e-12 absolute left in float64), ±1 beyond. */
function erf(x: number): number {
  if (Math.abs(x) >= 6) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function activate(name: string, z: Float64Array, alpha: number, kinks: boolean[], approximate = 'none'): Float64Array {
  switch (name) {
    case 'relu':
      return z.map((v) => (kinks.push(v > 0), Math.max(v, 0)));
    case 'leakyRelu':
      return z.map((v) => (kinks.push(v > 0), v > 0 ? v : alpha * v));
    case 'elu':
      return z.map((v) => (kinks.push(v > 0), v > 0 ? v : alpha * (Math.exp(v) - 1)));
    case 'sigmoid':
      return z.map((v) => 1 / (1 + Math.exp(-v)));
    case 'tanh':
      return z.map((v) => Math.tanh(v));
    case 'gelu':
      // x·Φ(x), Φ(x) = (1 + erf(x/√2))/2; or the tanh form 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
      return approximate === 'tanh'
        ? z.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))))
        : z.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
    case 'silu':
      return z.map((v) => v / (1 + Math.exp(-v)));
    default:
      throw new Error(`unknown activation ${name}`);
  }
}

export function sameKinks(a: boolean[], b: boolean[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
