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
        h = c.activation ? activate(c.activation as string, z, (c.alpha as number) ?? 0, kinks) : z;
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
      default:
        throw new Error(`f64Forward: no float64 twin for ${layer.className}`);
    }
  }
  return { y: h, kinks };
}

function activate(name: string, z: Float64Array, alpha: number, kinks: boolean[]): Float64Array {
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
    default:
      throw new Error(`unknown activation ${name}`);
  }
}

export function sameKinks(a: boolean[], b: boolean[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
