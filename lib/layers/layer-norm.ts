// LayerNorm(features, { eps = 1e-5, elementwiseAffine = true }) with
// PyTorch's semantics: each row is normalised over its features with the
// biased variance, then scaled by `weight` (init 1) and shifted by `bias`
// (init 0) per feature. The same in training and evaluation.
// The math runs in the normalisation family's kernels (layerNormForward,
// layerNormBackward: native/kernels/norm_body.inc and its reference twin):
// statistics in float64 in a fixed order (16 virtual lanes per row), the
// same bits on every backend, SIMD path and thread count. With x̂ = (x − mean)·rstd and dx̂ = dy·w over the
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
    this.raw.layerNormForward(x.data, this.w?.value.data ?? null, this.b?.value.data ?? null, y.data, xhat.data, this.rstd, rows, f, this.eps);
    this.xhat = xhat;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const xhat = this.xhat!;
    const rows = xhat.shape[0]!;
    const dx = this.dxBuf.get(rows, this.inF);
    this.raw.layerNormBackward(dy.data, xhat.data, this.rstd, this.w?.value.data ?? null, dx.data, this.w?.grad.data ?? null, this.b?.grad.data ?? null, rows, this.inF);
    return dx;
  }
}

registerLayer('LayerNorm', (c) => new LayerNorm(c.features as number, { eps: c.eps as number | undefined, elementwiseAffine: c.elementwiseAffine as boolean | undefined }));
