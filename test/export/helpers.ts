// Models that cover every layer and activation nodegrad has, filled with
// seeded weights, and the float64 oracle the exported predictions are held
// against (./f64-oracle.ts: written from the formulas, not lib/).
import { Dense, ELU, LeakyReLU, PReLU, ReLU, Sequential, Sigmoid, Tanh, Tensor } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';
import { f64Forward } from './f64-oracle.js';

export const FEATURES = 5;

/**
 * Worst-case float32 error of these forward passes against float64: each
 * Dense sums ≤ 9 terms (8 inputs + bias) with Σ|terms| ≤ 14 (|x| ≤ 4,
 * |w| ≤ 0.5, activations 1-Lipschitz), so ≤ 9·2⁻²⁴·14 ≈ 7.5e-6 per layer,
 * over ≤ 3 such layers plus a few ulps per activation (exp/tanh in each
 * runtime): 2e-5 bounds every runtime compared here (nodegrad, tfjs, ONNX
 * Runtime, PyTorch).
 */
export const F32_FORWARD_TOL = 2e-5;

export interface Case {
  name: string;
  make: () => Sequential;
}

/** Every layer tfjs can represent: all of nodegrad's, ELU with alpha 1 only. */
export const TFJS_CASES: Case[] = [
  {
    name: 'Dense relu/sigmoid/tanh/linear, PReLU per feature, LeakyReLU(0.2), no-bias Dense',
    make: () =>
      new Sequential([
        new Dense(FEATURES, 8, { activation: 'relu' }),
        new PReLU(),
        new Dense(8, 6, { activation: 'sigmoid' }),
        new LeakyReLU(0.2),
        new Dense(6, 4, { activation: 'tanh' }),
        new Dense(4, 3, { bias: false }),
      ]),
  },
  {
    name: 'Dense leakyRelu(0.05)/elu, ELU(1), shared PReLU, LeakyReLU() default, Sigmoid, Tanh, ReLU layers',
    make: () =>
      new Sequential([
        new Dense(FEATURES, 7, { activation: 'leakyRelu', alpha: 0.05 }),
        new ELU(),
        new Dense(7, 6, { activation: 'elu' }),
        new PReLU({ perFeature: false }),
        new LeakyReLU(),
        new Sigmoid(),
        new Dense(6, 4),
        new Tanh(),
        new ReLU(),
        new Dense(4, 2),
      ]),
  },
];

/** ONNX keeps any ELU alpha, and a leakyRelu with a negative slope (nodegrad's unfused path). */
export const ONNX_CASES: Case[] = [
  ...TFJS_CASES,
  {
    name: 'ELU(0.5), Dense elu alpha 0.7, Dense leakyRelu alpha -0.1',
    make: () =>
      new Sequential([
        new Dense(FEATURES, 8, { activation: 'elu', alpha: 0.7 }),
        new ELU(0.5),
        new Dense(8, 5, { activation: 'leakyRelu', alpha: -0.1 }),
        new Dense(5, 3),
      ]),
  },
];

/** Weights uniform in [-0.5, 0.5), PReLU slopes in [0, 0.5) (distinct per feature, so a mix-up shows). */
export function fillWeights(model: Sequential, seed: number): Sequential {
  const rng = new Rng(seed);
  for (const p of model.parameters()) {
    const isAlpha = model.layers[Number(p.name.split('.')[0])] instanceof PReLU;
    const d = p.value.data;
    for (let i = 0; i < d.length; i++) d[i] = isAlpha ? 0.5 * rng.uniform() : rng.uniform() - 0.5;
  }
  return model;
}

export function input(rows: number, seed: number, features = FEATURES): Tensor {
  return Tensor.randn([rows, features], { seed });
}

export function f64Predict(model: Sequential, x: Tensor): Float64Array {
  return f64Forward(model, x.data, x.shape[0]!);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    // NaN must not pass as "no difference".
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Largest difference seen per format, printed once per file (the report quotes them). */
export class Largest {
  private readonly m = new Map<string, number>();
  note(key: string, d: number): void {
    this.m.set(key, Math.max(this.m.get(key) ?? 0, d));
  }
  print(title: string): void {
    const lines = [...this.m].map(([k, v]) => `  ${k}: ${v.toExponential(2)}`);
    console.log(`${title}\n${lines.join('\n')}`);
  }
}
