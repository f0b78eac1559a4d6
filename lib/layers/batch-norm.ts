// BatchNorm1d(features, { eps = 1e-5, momentum = 0.1, affine = true,
// trackRunningStats = true }) with PyTorch's semantics:
// - training: each feature is normalised with its batch mean and biased
//   variance; running_mean ← (1 − momentum)·running_mean + momentum·mean and
//   running_var likewise with the unbiased variance; num_batches_tracked += 1;
// - evaluation: the running statistics (the batch's when trackRunningStats is false);
// - affine: then scaled by `weight` (init 1) and shifted by `bias` (init 0).
// The math runs in the normalisation family's kernels (batchNormTrain,
// batchNormEval, batchNormBackward: native/kernels/norm_body.inc and its
// reference twin): statistics in float64 in a fixed order (row by row), so
// results are the same bits on every backend, SIMD path and thread count. With
// x̂ = (x − mean)·rstd and dx̂ = dy·w over the n rows of a feature (training):
// dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)); in evaluation dx = dx̂·rstd.
// The buffers are saved with PyTorch's names; num_batches_tracked is stored
// as a float32 (exact to 2^24 batches).
import { checkFiniteF32, checkInteger, rangeError, typeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { BatchBuffer, Layer, registerLayer, type BoundParam, type BufferSpec, type ParamSpec } from './layer.js';

export interface BatchNorm1dOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

export class BatchNorm1d extends Layer {
  readonly className = 'BatchNorm1d';
  readonly eps: number;
  readonly momentum: number;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  private w: BoundParam | undefined;
  private b: BoundParam | undefined;
  private runningMean: Tensor | undefined;
  private runningVar: Tensor | undefined;
  private tracked: Tensor | undefined;
  private readonly yBuf = new BatchBuffer();
  private readonly dxBuf = new BatchBuffer();
  private readonly xhatBuf = new BatchBuffer();
  /** 1/sqrt(var + eps) per feature, from the last forward (float64, for the backward). */
  private rstd = new Float64Array(0);
  private xhat: Tensor | undefined;
  /** Whether the last forward used batch statistics (its backward differs). */
  private batchStats = true;

  constructor(features: number, options: BatchNorm1dOptions = {}) {
    super();
    const fn = 'BatchNorm1d';
    checkInteger(fn, 'features', features, 1);
    if (options === null || typeof options !== 'object') throw typeError(fn, 'options', 'an object', options);
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = options;
    checkFiniteF32(fn, 'options.eps', eps);
    if (!(eps > 0)) throw rangeError(fn, 'options.eps', 'a number > 0', eps);
    checkFiniteF32(fn, 'options.momentum', momentum);
    if (!(momentum >= 0 && momentum <= 1)) throw rangeError(fn, 'options.momentum', 'a number in [0, 1]', momentum);
    if (typeof affine !== 'boolean') throw typeError(fn, 'options.affine', 'a boolean', affine);
    if (typeof trackRunningStats !== 'boolean') throw typeError(fn, 'options.trackRunningStats', 'a boolean', trackRunningStats);
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
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
    return `BatchNorm1d(${this.inF})`;
  }

  config(): Record<string, unknown> {
    return { features: this.inF, eps: this.eps, momentum: this.momentum, affine: this.affine, trackRunningStats: this.trackRunningStats };
  }

  override paramSpecs(): ParamSpec[] {
    if (!this.affine) return [];
    return [
      { name: 'weight', shape: [this.inF], init: (v) => v.fill(1) },
      { name: 'bias', shape: [this.inF], init: (v) => v.fill(0) },
    ];
  }

  protected override bindParams(params: readonly BoundParam[]): void {
    this.w = params[0];
    this.b = params[1];
  }

  override bufferSpecs(): BufferSpec[] {
    if (!this.trackRunningStats) return [];
    return [
      { name: 'running_mean', shape: [this.inF], init: (v) => v.fill(0) },
      { name: 'running_var', shape: [this.inF], init: (v) => v.fill(1) },
      { name: 'num_batches_tracked', shape: [], init: (v) => v.fill(0) },
    ];
  }

  protected override bindBuffers(buffers: readonly Tensor[]): void {
    [this.runningMean, this.runningVar, this.tracked] = buffers;
  }

  /** The running statistics (undefined without trackRunningStats), for inspection. */
  get runningStats(): { mean: Float32Array; variance: Float32Array; batches: number } | undefined {
    if (!this.runningMean) return undefined;
    return { mean: this.runningMean.data, variance: this.runningVar!.data, batches: this.tracked!.data[0]! };
  }

  forward(x: Tensor, training = true): Tensor {
    const rows = x.shape[0]!;
    const f = this.inF;
    this.batchStats = training || !this.trackRunningStats;
    if (this.batchStats && rows < 2 && training) {
      // PyTorch refuses too: the unbiased variance of one value is undefined.
      throw rangeError('BatchNorm1d.forward', 'x', 'a batch of at least 2 rows while training', `${rows} row${rows === 1 ? '' : 's'}`);
    }
    if (this.rstd.length < f) this.rstd = new Float64Array(f);
    const y = this.yBuf.get(rows, f);
    const xhat = this.xhatBuf.get(rows, f);
    const w = this.w?.value.data ?? null;
    const b = this.b?.value.data ?? null;
    if (this.batchStats) {
      // Running statistics move only while training (the kernel updates them when given).
      const track = training && this.runningMean !== undefined;
      const rm = track ? this.runningMean!.data : null;
      const rv = track ? this.runningVar!.data : null;
      this.raw.batchNormTrain(x.data, w, b, y.data, xhat.data, this.rstd, rows, f, this.eps, this.momentum, rm, rv);
      if (track) this.tracked!.data[0]! += 1;
    } else {
      this.raw.batchNormEval(x.data, w, b, y.data, xhat.data, this.rstd, rows, f, this.eps, this.runningMean!.data, this.runningVar!.data);
    }
    this.xhat = xhat;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const xhat = this.xhat!;
    const rows = xhat.shape[0]!;
    const dx = this.dxBuf.get(rows, this.inF);
    this.raw.batchNormBackward(dy.data, xhat.data, this.rstd, this.w?.value.data ?? null, dx.data, this.w?.grad.data ?? null, this.b?.grad.data ?? null, rows, this.inF, this.batchStats);
    return dx;
  }
}

registerLayer('BatchNorm1d', (c) =>
  new BatchNorm1d(c.features as number, {
    eps: c.eps as number | undefined,
    momentum: c.momentum as number | undefined,
    affine: c.affine as boolean | undefined,
    trackRunningStats: c.trackRunningStats as boolean | undefined,
  }),
);
