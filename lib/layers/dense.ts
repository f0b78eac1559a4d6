// Dense: y = act(x·W + b), W stored [in, out]. The activation is fused into
// RawGemm.denseForward's epilogue where its derivative can be read from the
// output (relu, sigmoid, tanh, leakyRelu with α ≥ 0: y > 0 ⇔ x > 0). ELU
// (and a leakyRelu with α < 0) keeps the pre-activation z instead: deriving
// ELU's slope α·eˣ from y as y + α cancels catastrophically where y ≈ −α, so
// the layer runs denseForward without activation, then the elu kernel, and
// its backward calls eluBackward on z — the same bits as a separate ELU layer.
import { ELU_ALPHA, LEAKY_RELU_ALPHA } from '../backend/activations.js';
import { FusedActivation } from '../backend/gemm.js';
import { checkFiniteF32, checkInteger, rangeError, typeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Rng } from '../random.js';
import { checkInit, initWeights, type Init } from './init.js';
import { BatchBuffer, Layer, registerLayer, type BoundParam, type ParamSpec } from './layer.js';

export type DenseActivation = 'relu' | 'leakyRelu' | 'elu' | 'sigmoid' | 'tanh';
const ACTIVATIONS: readonly DenseActivation[] = ['relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh'];

export interface DenseOptions {
  /** Fused activation, by kernel name; none by default. */
  activation?: DenseActivation | null;
  /** α for 'leakyRelu' (default 0.01) or 'elu' (default 1). */
  alpha?: number;
  /** Whether the layer has a bias (default true). */
  bias?: boolean;
  /** Weight initialiser: 'he' for the ReLU family, 'glorot' otherwise by default. */
  init?: Init;
}

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly activation: DenseActivation | null;
  readonly alpha: number;
  readonly hasBias: boolean;
  readonly init: Init;
  private readonly fused: boolean;
  private w!: BoundParam;
  private b: BoundParam | undefined;
  private readonly yBuf = new BatchBuffer();
  private readonly zBuf = new BatchBuffer();
  private readonly dzBuf = new BatchBuffer();
  private readonly dxBuf = new BatchBuffer();
  private x: Tensor | undefined;
  private y: Tensor | undefined;
  private z: Tensor | undefined;

  constructor(inFeatures: number, outFeatures: number, options: DenseOptions = {}) {
    super();
    const fn = 'Dense';
    checkInteger(fn, 'inFeatures', inFeatures, 1);
    checkInteger(fn, 'outFeatures', outFeatures, 1);
    if (options === null || typeof options !== 'object') throw typeError(fn, 'options', 'an object', options);
    const { activation = null, bias = true, init } = options;
    if (activation !== null && !ACTIVATIONS.includes(activation)) {
      throw rangeError(fn, 'options.activation', `one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')} or null`, JSON.stringify(activation));
    }
    if (typeof bias !== 'boolean') throw typeError(fn, 'options.bias', 'a boolean', bias);
    if (init !== undefined) checkInit(fn, 'options.init', init);
    const defaultAlpha = activation === 'elu' ? ELU_ALPHA : activation === 'leakyRelu' ? LEAKY_RELU_ALPHA : 0;
    this.alpha = checkFiniteF32(fn, 'options.alpha', options.alpha ?? defaultAlpha);
    this.activation = activation;
    this.hasBias = bias;
    this.init = init ?? (activation === 'relu' || activation === 'leakyRelu' || activation === 'elu' ? 'he' : 'glorot');
    this.fused = activation !== 'elu' && !(activation === 'leakyRelu' && this.alpha < 0);
    this.inF = inFeatures;
    this.outF = outFeatures;
  }

  static fromConfig(c: Record<string, unknown>): Dense {
    return new Dense(c.inFeatures as number, c.outFeatures as number, {
      activation: (c.activation ?? null) as DenseActivation | null,
      alpha: c.alpha as number | undefined,
      bias: c.bias as boolean | undefined,
      init: c.init as Init | undefined,
    });
  }

  config(): Record<string, unknown> {
    return {
      inFeatures: this.inF,
      outFeatures: this.outF,
      activation: this.activation,
      ...(this.activation === 'leakyRelu' || this.activation === 'elu' ? { alpha: this.alpha } : {}),
      bias: this.hasBias,
      init: this.init,
    };
  }

  expectedInFeatures(): number {
    return this.inF;
  }

  protected outFeaturesFor(): number {
    return this.outF;
  }

  describe(): string {
    return `Dense(${this.inF}→${this.outF}${this.activation ? `, ${this.activation}` : ''}${this.hasBias ? '' : ', no bias'})`;
  }

  override paramSpecs(): ParamSpec[] {
    const { inF, outF } = this;
    const specs: ParamSpec[] = [{ name: 'weight', shape: [inF, outF], init: (v, rng) => initWeights(this.init, v, inF, outF, rng) }];
    // PyTorch's nn.Linear draws its bias from U(±1/√fanIn) too; every other scheme starts biases at 0.
    const biasInit = (v: Float32Array, rng: Rng) => (this.init === 'torch' ? initWeights('torch', v, inF, outF, rng) : v.fill(0));
    if (this.hasBias) specs.push({ name: 'bias', shape: [outF], init: biasInit });
    return specs;
  }

  protected override bindParams(params: readonly BoundParam[]): void {
    this.w = params[0]!;
    this.b = params[1];
  }

  private act(): FusedActivation {
    return this.activation === null ? FusedActivation.none : FusedActivation[this.activation];
  }

  forward(x: Tensor, _training = true): Tensor {
    const batch = x.shape[0]!;
    const { raw, inF, outF } = this;
    const y = this.yBuf.get(batch, outF);
    const bias = this.b ? this.b.value.data : null;
    if (this.fused) {
      raw.denseForward(x.data, this.w.value.data, bias, y.data, batch, outF, inF, this.act(), this.alpha);
    } else {
      const z = (this.z = this.zBuf.get(batch, outF));
      raw.denseForward(x.data, this.w.value.data, bias, z.data, batch, outF, inF, FusedActivation.none, 0);
      if (this.activation === 'elu') raw.elu(z.data, y.data, this.alpha);
      else raw.leakyRelu(z.data, y.data, this.alpha);
    }
    this.x = x;
    this.y = y;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const dz = this.paramGrads(dy);
    const batch = dy.shape[0]!;
    const dx = this.dxBuf.get(batch, this.inF);
    this.raw.gemm(dz.data, this.w.value.data, dx.data, batch, this.inF, this.outF, false, true, 1, 0);
    return dx;
  }

  // The first layer's dX (often the widest GEMM of the step) is skipped.
  override backwardParams(dy: Tensor): void {
    this.paramGrads(dy);
  }

  // dW += Xᵀ·dZ, db += Σ_rows dZ (beta = 1: accumulate); returns dZ.
  private paramGrads(dy: Tensor): Tensor {
    const x = this.x!;
    const y = this.y!;
    const batch = x.shape[0]!;
    const { raw, inF, outF } = this;
    let dz = dy;
    if (this.activation !== null) {
      dz = this.dzBuf.get(batch, outF);
      switch (this.activation) {
        case 'relu':
          raw.reluBackward(y.data, dy.data, dz.data);
          break;
        case 'leakyRelu':
          raw.leakyReluBackward(this.fused ? y.data : this.z!.data, dy.data, dz.data, this.alpha);
          break;
        case 'elu':
          raw.eluBackward(this.z!.data, dy.data, dz.data, this.alpha);
          break;
        case 'sigmoid':
          raw.sigmoidBackward(y.data, dy.data, dz.data);
          break;
        case 'tanh':
          raw.tanhBackward(y.data, dy.data, dz.data);
          break;
      }
    }
    raw.gemm(x.data, dz.data, this.w.grad.data, inF, outF, batch, true, false, 1, 1);
    if (this.b) raw.columnSums(dz.data, this.b.grad.data, batch, outF, 1);
    return dz;
  }
}

registerLayer('Dense', Dense.fromConfig);
