// Models that cover every layer and activation nodegrad has, filled with
// seeded weights, and the float64 oracle the exported predictions are held
// against (./f64-oracle.ts: written from the formulas, not lib/).
import { BatchNorm1d, Dense, Dropout, ELU, LayerNorm, LeakyReLU, PReLU, ReLU, Sequential, Sigmoid, Tanh, Tensor } from '../../lib/index.js';
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
    name: 'Dense relu/sigmoid/tanh/linear, PReLU per feature, LeakyReLU(0.2), Dropout, no-bias Dense',
    make: () =>
      new Sequential([
        new Dense(FEATURES, 8, { activation: 'relu' }),
        new Dropout(0.25),
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

/**
 * F32_FORWARD_TOL bounds the float32 error of these models without their
 * norm layers. A norm layer divides the error its input carries by σ
 * (√(running_var + ε), or the standard deviation of the batch column or of
 * the row) and multiplies it by |weight|; its own rounding is a few ulps of
 * values ≤ √features, inside that bound's slack. So the outputs are within
 * F32_FORWARD_TOL · A of the float64 oracle. A is measured by
 * `amplification` from the oracle on each test's own inputs: for each row,
 * the product over the norm layers of max(1, max|w| / σ), σ that row's own
 * (LayerNorm) or the smallest of the layer's features (BatchNorm1d: running
 * statistics are per feature; batch statistics couple the rows); then the
 * largest over the rows. Inference treats rows independently except for
 * batch statistics, which is why a row's error depends on its own chain
 * only. A norm layer before any rounding, on the exact inputs, counts 1.
 * It is a worst case (largest |w| times smallest σ): up to ~30 here, while the
 * differences measured are below 2e-6. A ≤ 50 is required, so no tolerance
 * here exceeds 1e-3; the conventions (ε, momentum, affine, which buffer goes
 * where) are checked exactly besides.
 */
export const MAX_AMPLIFICATION = 50;

/** The A above for `model` on input x. */
export function amplification(model: Sequential, x: Tensor): number {
  const rows = x.shape[0]!;
  const perRow = new Float64Array(rows).fill(1);
  let exact = true; // no rounding yet: Dropout is the identity at inference
  f64Forward(model, x.data, rows, (i, h, f) => {
    const layer = model.layers[i]!;
    const wasExact = exact;
    if (!(layer instanceof Dropout)) exact = false;
    if (wasExact || (!(layer instanceof BatchNorm1d) && !(layer instanceof LayerNorm))) return;
    const w = layer.parameters()[0]?.value.data;
    const maxW = w ? Math.max(...Array.from(w, Math.abs)) : 1;
    if (layer instanceof BatchNorm1d) {
      let minSigma = Infinity;
      if (layer.runningStats) {
        for (const v of layer.runningStats.variance) minSigma = Math.min(minSigma, Math.sqrt(v + layer.eps));
      } else {
        for (let j = 0; j < f; j++) {
          let m = 0;
          for (let r = 0; r < rows; r++) m += h[r * f + j]! / rows;
          let v = 0;
          for (let r = 0; r < rows; r++) v += (h[r * f + j]! - m) ** 2 / rows;
          minSigma = Math.min(minSigma, Math.sqrt(v + layer.eps));
        }
      }
      for (let r = 0; r < rows; r++) perRow[r]! *= Math.max(1, maxW / minSigma);
    } else {
      for (let r = 0; r < rows; r++) {
        const row = h.subarray(r * f, (r + 1) * f);
        const m = row.reduce((a, v) => a + v, 0) / f;
        const sigma = Math.sqrt(row.reduce((a, v) => a + (v - m) ** 2, 0) / f + (layer as LayerNorm).eps);
        perRow[r]! *= Math.max(1, maxW / sigma);
      }
    }
  });
  return Math.max(...perRow);
}
