// PReLU: Leaky ReLU with α learned, one per feature (default) or one shared.
// The kernel overwrites dα; the layer adds it into the gradient (layers
// accumulate), through a scratch buffer allocated once at bind time.
import { checkFiniteF32, typeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { BatchBuffer, Layer, registerLayer, type BoundParam, type ParamSpec } from './layer.js';

export interface PReLUOptions {
  /** One α per input feature (true, default) or one shared α. */
  perFeature?: boolean;
  /** Initial α (default 0.25). */
  init?: number;
}

export class PReLU extends Layer {
  readonly className = 'PReLU';
  readonly perFeature: boolean;
  readonly initAlpha: number;
  private alpha!: BoundParam;
  private scratch = new Float32Array(0);
  private readonly yBuf = new BatchBuffer();
  private readonly dxBuf = new BatchBuffer();
  private x: Tensor | undefined;

  constructor(options: PReLUOptions = {}) {
    super();
    if (options === null || typeof options !== 'object') throw typeError('PReLU', 'options', 'an object', options);
    const { perFeature = true, init = 0.25 } = options;
    if (typeof perFeature !== 'boolean') throw typeError('PReLU', 'options.perFeature', 'a boolean', perFeature);
    this.perFeature = perFeature;
    this.initAlpha = checkFiniteF32('PReLU', 'options.init', init);
  }

  expectedInFeatures(): undefined {
    return undefined;
  }

  protected outFeaturesFor(inFeatures: number): number {
    return inFeatures;
  }

  describe(): string {
    return `PReLU(${this.perFeature ? 'per feature' : 'shared'})`;
  }

  config(): Record<string, unknown> {
    return { perFeature: this.perFeature, init: this.initAlpha };
  }

  override paramSpecs(): ParamSpec[] {
    return [{ name: 'weight', shape: [this.perFeature ? this.inF : 1], init: (v) => v.fill(this.initAlpha) }];
  }

  protected override bindParams(params: readonly BoundParam[]): void {
    this.alpha = params[0]!;
    this.scratch = new Float32Array(this.alpha.value.size);
  }

  forward(x: Tensor, _training = true): Tensor {
    const y = this.yBuf.get(x.shape[0]!, x.shape[1]!);
    this.raw.prelu(x.data, this.alpha.value.data, y.data);
    this.x = x;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const x = this.x!;
    const dx = this.dxBuf.get(x.shape[0]!, x.shape[1]!);
    const s = this.scratch;
    this.raw.preluBackward(x.data, this.alpha.value.data, dy.data, dx.data, s);
    const g = this.alpha.grad.data;
    for (let i = 0; i < s.length; i++) g[i]! += s[i]!;
    return dx;
  }
}

registerLayer('PReLU', (c) => new PReLU({ perFeature: c.perFeature as boolean | undefined, init: c.init as number | undefined }));
