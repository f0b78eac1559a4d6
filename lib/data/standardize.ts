// Standardize: the preprocessing a model trained on raw tabular data needs,
// as the model's first layer, so it is saved in model.json and applied by
// predict/evaluate on raw rows. y[i,j] = (x[i,j] − mean[j]) / std[j].
// It also carries the data's schema, which belongs with the model for the
// same reason: the feature (column) names the model expects and the label
// each output class stands for. It has no trainable parameters.
import { rangeError, typeError } from '../errors.js';
import { BatchBuffer, Layer, registerLayer } from '../layers/layer.js';
import type { Tensor } from '../tensor.js';

export interface StandardizeOptions {
  /** Per-feature mean subtracted from the input. */
  mean: ArrayLike<number>;
  /** Per-feature deviation the centred input is divided by (> 0; use 1 for a constant column). */
  std: ArrayLike<number>;
  /** The input columns' names (e.g. a CSV header), one per feature. */
  featureNames?: readonly string[];
  /** The label each output class stands for: classLabels[k] is class k's label. */
  classLabels?: readonly string[];
}

const FN = 'Standardize';

function finiteArray(arg: string, v: unknown): Float32Array {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') throw typeError(FN, arg, 'an array of finite numbers', v);
  const a = v as ArrayLike<unknown>;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) throw typeError(FN, `${arg}[${i}]`, 'a finite float32 number', x);
    out[i] = x;
  }
  return out;
}

function stringArray(arg: string, v: unknown, length?: number): string[] {
  if (!Array.isArray(v)) throw typeError(FN, arg, 'an array of strings', v);
  v.forEach((s, i) => {
    if (typeof s !== 'string') throw typeError(FN, `${arg}[${i}]`, 'a string', s);
  });
  if (length !== undefined && v.length !== length) throw rangeError(FN, arg, `of length ${length} (one per feature)`, `length ${v.length}`);
  const seen = new Set<string>();
  for (const s of v as string[]) {
    if (seen.has(s)) throw rangeError(FN, arg, 'free of duplicates', JSON.stringify(s) + ' twice');
    seen.add(s);
  }
  return [...(v as string[])];
}

export class Standardize extends Layer {
  readonly className = 'Standardize';
  readonly mean: Float32Array;
  readonly std: Float32Array;
  readonly featureNames: readonly string[] | undefined;
  readonly classLabels: readonly string[] | undefined;
  private readonly yBuf = new BatchBuffer();
  private readonly dxBuf = new BatchBuffer();

  constructor(options: StandardizeOptions) {
    super();
    if (options === null || typeof options !== 'object') throw typeError(FN, 'options', 'an object { mean, std }', options);
    const mean = finiteArray('options.mean', options.mean);
    const std = finiteArray('options.std', options.std);
    if (mean.length === 0) throw rangeError(FN, 'options.mean', 'non-empty', 'length 0');
    if (std.length !== mean.length) throw rangeError(FN, 'options.std', `of length ${mean.length} like options.mean`, `length ${std.length}`);
    std.forEach((s, i) => {
      if (!(s > 0)) throw rangeError(FN, `options.std[${i}]`, 'a number > 0', s);
    });
    this.featureNames = options.featureNames === undefined ? undefined : Object.freeze(stringArray('options.featureNames', options.featureNames, mean.length));
    this.classLabels = options.classLabels === undefined ? undefined : Object.freeze(stringArray('options.classLabels', options.classLabels));
    this.mean = mean;
    this.std = std;
    // Known before build (a Sequential reads it to check the next layer).
    this.outF = mean.length;
  }

  /** The per-column mean and (population) deviation of x [rows, features]; a constant column gets std 1 (only centred). */
  static fit(x: Float32Array, rows: number, features: number, extra: Omit<StandardizeOptions, 'mean' | 'std'> = {}): Standardize {
    if (!(x instanceof Float32Array)) throw typeError(`${FN}.fit`, 'x', 'a Float32Array', x);
    if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(features) || features < 1 || x.length !== rows * features) {
      throw rangeError(`${FN}.fit`, 'x', `of length rows × features with rows, features >= 1`, `length ${x.length} for ${rows} × ${features}`);
    }
    const mean = new Float64Array(features);
    const std = new Float64Array(features);
    for (let j = 0; j < features; j++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += x[i * features + j]!;
      const m = s / rows;
      let v = 0;
      for (let i = 0; i < rows; i++) v += (x[i * features + j]! - m) ** 2;
      mean[j] = m;
      // A deviation that rounds to 0 in float32 (a constant column) would divide by 0.
      const sd = Math.sqrt(v / rows);
      std[j] = Math.fround(sd) > 0 ? sd : 1;
    }
    return new Standardize({ mean, std, ...extra });
  }

  expectedInFeatures(): number {
    return this.mean.length;
  }

  protected outFeaturesFor(inFeatures: number): number {
    return inFeatures;
  }

  describe(): string {
    return `Standardize(${this.mean.length})`;
  }

  config(): Record<string, unknown> {
    return {
      mean: Array.from(this.mean),
      std: Array.from(this.std),
      ...(this.featureNames ? { featureNames: [...this.featureNames] } : {}),
      ...(this.classLabels ? { classLabels: [...this.classLabels] } : {}),
    };
  }

  forward(x: Tensor, _training = true): Tensor {
    const rows = x.shape[0]!;
    const f = this.mean.length;
    const y = this.yBuf.get(rows, f);
    const { mean, std } = this;
    const xd = x.data;
    const yd = y.data;
    // One rounding per element: the difference and quotient are exact doubles of float32 inputs.
    for (let i = 0; i < rows; i++) for (let j = 0; j < f; j++) yd[i * f + j] = (xd[i * f + j]! - mean[j]!) / std[j]!;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const rows = dy.shape[0]!;
    const f = this.mean.length;
    const dx = this.dxBuf.get(rows, f);
    for (let i = 0; i < rows; i++) for (let j = 0; j < f; j++) dx.data[i * f + j] = dy.data[i * f + j]! / this.std[j]!;
    return dx;
  }

  /** No parameters: as the first layer it has nothing to compute when dL/dx is not needed. */
  override backwardParams(_dy: Tensor): void {}
}

registerLayer('Standardize', (config) => new Standardize(config as unknown as StandardizeOptions));
