// LayerNorm(features, { eps = 1e-5, elementwiseAffine = true }) with
// PyTorch's semantics: each row is normalised over its features with the
// biased variance, then scaled by `weight` (init 1) and shifted by `bias`
// (init 0) per feature. The same in training and evaluation.
// Statistics are summed in float64 in a fixed order (the same bits on every
// backend and thread count). With x̂ = (x − mean)·rstd and dx̂ = dy·w over the
// n features of a row: dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)).
import { checkFiniteF32, checkInteger, rangeError, typeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { BatchBuffer, Layer, registerLayer, type BoundParam, type ParamSpec } from './layer.js';

export interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
}

export class LayerNorm extends Layer {
  readonly className = 'LayerNorm';
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  private w: BoundParam | undefined;
  private b: BoundParam | undefined;
  private readonly yBuf = new BatchBuffer();
  private readonly dxBuf = new BatchBuffer();
  private readonly xhatBuf = new BatchBuffer();
  private rstd = new Float64Array(0);
  private xhat: Tensor | undefined;

  constructor(features: number, options: LayerNormOptions = {}) {
    super();
    const fn = 'LayerNorm';
    checkInteger(fn, 'features', features, 1);
    if (options === null || typeof options !== 'object') throw typeError(fn, 'options', 'an object', options);
    const { eps = 1e-5, elementwiseAffine = true } = options;
    checkFiniteF32(fn, 'options.eps', eps);
    if (!(eps > 0)) throw rangeError(fn, 'options.eps', 'a number > 0', eps);
    if (typeof elementwiseAffine !== 'boolean') throw typeError(fn, 'options.elementwiseAffine', 'a boolean', elementwiseAffine);
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    this.inF = features;
    this.outF = features;
  }

  expectedInFeatures(): number {
    return this.inF;
  }

  protected outFeaturesFor(inFeatures: number): number {
    return inFeatures;
  }

  describe(): string {
    return `LayerNorm(${this.inF}${this.elementwiseAffine ? '' : ', no affine'})`;
  }

  config(): Record<string, unknown> {
    return { features: this.inF, eps: this.eps, elementwiseAffine: this.elementwiseAffine };
  }

  override paramSpecs(): ParamSpec[] {
    if (!this.elementwiseAffine) return [];
    return [
      { name: 'weight', shape: [this.inF], init: (v) => v.fill(1) },
      { name: 'bias', shape: [this.inF], init: (v) => v.fill(0) },
    ];
  }

  protected override bindParams(params: readonly BoundParam[]): void {
    this.w = params[0];
    this.b = params[1];
  }

  forward(x: Tensor, _training = true): Tensor {
    const rows = x.shape[0]!;
    const f = this.inF;
    const y = this.yBuf.get(rows, f);
    const xhat = this.xhatBuf.get(rows, f);
    if (this.rstd.length < rows) this.rstd = new Float64Array(rows);
    const xs = x.data;
    const w = this.w?.value.data;
    const b = this.b?.value.data;
    for (let r = 0; r < rows; r++) {
      const o = r * f;
      let s = 0;
      for (let j = 0; j < f; j++) s += xs[o + j]!;
      const mean = s / f;
      let v = 0;
      for (let j = 0; j < f; j++) v += (xs[o + j]! - mean) ** 2;
      const rstd = 1 / Math.sqrt(v / f + this.eps);
      this.rstd[r] = rstd;
      for (let j = 0; j < f; j++) {
        const h = (xs[o + j]! - mean) * rstd;
        xhat.data[o + j] = h;
        y.data[o + j] = w ? h * w[j]! + b![j]! : h;
      }
    }
    this.xhat = xhat;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const xhat = this.xhat!;
    const rows = xhat.shape[0]!;
    const f = this.inF;
    const dx = this.dxBuf.get(rows, f);
    const w = this.w?.value.data;
    const dw = this.w?.grad.data;
    const db = this.b?.grad.data;
    const d = dy.data;
    const h = xhat.data;
    if (dw && db) {
      // Parameter gradients: sums over rows, feature by feature, in float64.
      for (let j = 0; j < f; j++) {
        let sw = 0;
        let sb = 0;
        for (let r = 0; r < rows; r++) {
          sw += d[r * f + j]! * h[r * f + j]!;
          sb += d[r * f + j]!;
        }
        dw[j]! += sw;
        db[j]! += sb;
      }
    }
    for (let r = 0; r < rows; r++) {
      const o = r * f;
      let s1 = 0;
      let s2 = 0;
      for (let j = 0; j < f; j++) {
        const g = w ? d[o + j]! * w[j]! : d[o + j]!;
        s1 += g;
        s2 += g * h[o + j]!;
      }
      const m1 = s1 / f;
      const m2 = s2 / f;
      const rstd = this.rstd[r]!;
      for (let j = 0; j < f; j++) {
        const g = w ? d[o + j]! * w[j]! : d[o + j]!;
        dx.data[o + j] = rstd * (g - m1 - h[o + j]! * m2);
      }
    }
    return dx;
  }
}

registerLayer('LayerNorm', (c) => new LayerNorm(c.features as number, { eps: c.eps as number | undefined, elementwiseAffine: c.elementwiseAffine as boolean | undefined }));
