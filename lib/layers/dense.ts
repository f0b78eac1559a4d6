// Dense: y = act(x·W + b), W stored [in, out], for any activation of the
// family's list (lib/backend/families/activations.ts). The activation is
// always fused into RawGemm.denseForward's epilogue (applied to each tile
// while it is in L1). Its backward is given the output where it can be:
// entries whose backward takes y (sigmoid, tanh), and relu and leakyRelu
// with α ≥ 0, whose slope depends only on the sign of x and y > 0 ⇔ x > 0.
// Every other activation keeps the pre-activation z, which the epilogue
// stores beside y: ELU's slope α·eˣ derived from y as y + α cancels
// catastrophically where y ≈ −α, and GELU's and SiLU's derivatives are not
// functions of y at all; its backward calls the backward kernel on z. Either
// way the bits are those of denseForward without activation followed by the
// activation kernel (a separate activation layer): the epilogue applies the
// same elementwise kernel to the same float32 values.
import type { RawBackend } from '../backend/index.js';
import { fusedActivationId } from '../backend/families/activations.js';
import { FusedActivation } from '../backend/gemm.js';
import { checkFiniteF32, checkInteger, oneOf, rangeError, typeError } from '../errors.js';
import type { Rng } from '../random.js';
import type { Tensor } from '../tensor.js';
import {
  ACTIVATION_NAMES,
  activationEntryOf,
  activationParam,
  alphaOf,
  bindActivation,
  type ActivationName,
  type ActivationParam,
  type BoundActivation,
  type GeluApproximate,
} from './activation-kernels.js';
import { checkInit, initWeights, type Init } from './init.js';
import { BatchBuffer, Layer, registerLayer, type BoundParam, type ParamSpec } from './layer.js';
import { checkRegularizer, type Regularizer } from './regularizer.js';

/** Any activation of the family's list, by kernel name. */
export type DenseActivation = ActivationName;

export interface DenseOptions {
  /** Activation, by kernel name ('relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', ...); none by default. */
  activation?: DenseActivation | null;
  /** α for the activations that have one: 'leakyRelu' (default 0.01), 'elu' (default 1). */
  alpha?: number;
  /** GELU's form: 'none' (exact erf, the default) or 'tanh'. */
  approximate?: GeluApproximate;
  /** Whether the layer has a bias (default true). */
  bias?: boolean;
  /** Weight initialiser: 'he' for the ReLU family, 'glorot' otherwise by default. */
  init?: Init;
  /** Alias of `init` (Keras's name). */
  kernelInitializer?: Init;
  /** L1/L2 penalty on the weight (not the bias), added to the loss and its gradient (lib/layers/regularizer.ts). */
  kernelRegularizer?: Regularizer;
}

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly activation: DenseActivation | null;
  readonly alpha: number;
  /** GELU's form ('none' for every other activation). */
  readonly approximate: GeluApproximate;
  readonly hasBias: boolean;
  readonly init: Init;
  readonly kernelRegularizer: Regularizer | undefined;
  /**
   * Internal: whether the layer keeps the pre-activation z for its backward
   * (the activation's derivative is not a function of y); the training plan
   * (lib/train/plan-compile.ts) allocates z by it.
   */
  readonly keepsPreActivation: boolean;
  private readonly param: ActivationParam;
  private kernels: BoundActivation | undefined;
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
    const { activation = null, bias = true } = options;
    if (options.init !== undefined && options.kernelInitializer !== undefined) {
      throw rangeError(fn, 'options.kernelInitializer', 'left out when options.init is given (they are the same option)', 'both');
    }
    const init = options.init ?? options.kernelInitializer;
    const initArg = options.init !== undefined ? 'options.init' : 'options.kernelInitializer';
    if (activation !== null && !ACTIVATION_NAMES.includes(activation)) {
      throw rangeError(fn, 'options.activation', `${oneOf(ACTIVATION_NAMES)} or null`, JSON.stringify(activation));
    }
    if (typeof bias !== 'boolean') throw typeError(fn, 'options.bias', 'a boolean', bias);
    if (init !== undefined) checkInit(fn, initArg, init);
    this.kernelRegularizer = checkRegularizer(fn, 'options.kernelRegularizer', options.kernelRegularizer);
    const entry = activation === null ? undefined : activationEntryOf(activation);
    this.param = entry ? activationParam(fn, entry, entry.param === 'alpha' ? 'options.alpha' : 'options.approximate', entry.param === 'alpha' ? options.alpha : options.approximate) : { kind: 'none' };
    // An α given with an activation that has none is unused, but still refused when not a finite number (as before the list).
    if (entry?.param !== 'alpha' && options.alpha !== undefined) checkFiniteF32(fn, 'options.alpha', options.alpha);
    this.alpha = alphaOf(this.param);
    this.approximate = this.param.kind === 'approximate' ? this.param.approximate : 'none';
    this.activation = activation;
    this.hasBias = bias;
    this.init = init ?? entry?.init ?? 'glorot';
    this.keepsPreActivation = !(entry === undefined || entry.backwardInput === 'y' || entry.name === 'relu' || (entry.name === 'leakyRelu' && this.alpha >= 0));
    this.inF = inFeatures;
    this.outF = outFeatures;
  }

  static fromConfig(c: Record<string, unknown>): Dense {
    return new Dense(c.inFeatures as number, c.outFeatures as number, {
      activation: (c.activation ?? null) as DenseActivation | null,
      alpha: c.alpha as number | undefined,
      approximate: c.approximate as GeluApproximate | undefined,
      bias: c.bias as boolean | undefined,
      init: c.init as Init | undefined,
      kernelRegularizer: c.kernelRegularizer as Regularizer | undefined,
    });
  }

  config(): Record<string, unknown> {
    return {
      inFeatures: this.inF,
      outFeatures: this.outF,
      activation: this.activation,
      ...(this.param.kind === 'alpha' ? { alpha: this.alpha } : {}),
      ...(this.param.kind === 'approximate' ? { approximate: this.approximate } : {}),
      bias: this.hasBias,
      init: this.init,
      ...(this.kernelRegularizer ? { kernelRegularizer: { ...this.kernelRegularizer } } : {}),
    };
  }

  expectedInFeatures(): number {
    return this.inF;
  }

  protected outFeaturesFor(): number {
    return this.outF;
  }

  describe(): string {
    const act = this.activation ? `, ${this.activation}${this.approximate !== 'none' ? `(${this.approximate})` : ''}` : '';
    return `Dense(${this.inF}→${this.outF}${act}${this.hasBias ? '' : ', no bias'})`;
  }

  override paramSpecs(): ParamSpec[] {
    const { inF, outF } = this;
    const specs: ParamSpec[] = [
      { name: 'weight', shape: [inF, outF], init: (v, rng) => initWeights(this.init, v, inF, outF, rng), ...(this.kernelRegularizer ? { regularizer: this.kernelRegularizer } : {}) },
    ];
    // PyTorch's nn.Linear draws its bias from U(±1/√fanIn) too; every other scheme starts biases at 0.
    const biasInit = (v: Float32Array, rng: Rng) => (this.init === 'torch' ? initWeights('torch', v, inF, outF, rng) : v.fill(0));
    if (this.hasBias) specs.push({ name: 'bias', shape: [outF], init: biasInit });
    return specs;
  }

  protected override bindParams(params: readonly BoundParam[]): void {
    this.w = params[0]!;
    this.b = params[1];
  }

  override build(inFeatures: number, raw: RawBackend, rng: Rng): void {
    // Resolved first: a backend without the kernels fails before the layer counts as built.
    if (this.activation !== null) this.kernels = bindActivation('Dense', raw, activationEntryOf(this.activation), this.param);
    super.build(inFeatures, raw, rng);
  }

  /** denseForward's epilogue id of this layer's activation (with GELU's form). */
  private act(): FusedActivation {
    return fusedActivationId(this.activation ?? 'none', this.approximate) as FusedActivation;
  }

  forward(x: Tensor, _training = true): Tensor {
    const batch = x.shape[0]!;
    const { raw, inF, outF } = this;
    const y = this.yBuf.get(batch, outF);
    const bias = this.b ? this.b.value.data : null;
    const z = this.keepsPreActivation ? (this.z = this.zBuf.get(batch, outF)).data : null;
    raw.denseForward(x.data, this.w.value.data, bias, y.data, batch, outF, inF, this.act(), this.alpha, z);
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
    if (this.kernels) {
      dz = this.dzBuf.get(batch, outF);
      // Without z: y stands for x (relu, leakyRelu α ≥ 0) or is the kernel's input (sigmoid, tanh).
      this.kernels.backward(this.keepsPreActivation ? this.z!.data : y.data, dy.data, dz.data);
    }
    raw.gemm(x.data, dz.data, this.w.grad.data, inF, outF, batch, true, false, 1, 1);
    if (this.b) raw.columnSums(dz.data, this.b.grad.data, batch, outF, 1);
    return dz;
  }
}

registerLayer('Dense', Dense.fromConfig);
