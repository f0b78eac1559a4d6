// Elementwise activation layers. Each keeps what its backward kernel needs:
// the input x (ReLU, Leaky ReLU, ELU: the slope depends on x) or the output y
// (sigmoid, tanh: the derivative is a function of y).
import { ELU_ALPHA, LEAKY_RELU_ALPHA } from '../backend/activations.js';
import { GELU_APPROXIMATE, type GeluApproximate } from '../backend/families/activations.js';
import { checkFiniteF32, typeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { BatchBuffer, Layer, registerLayer } from './layer.js';

/** The shared part: feature-preserving, no parameters, reused buffers. */
export abstract class Elementwise extends Layer {
  protected readonly yBuf = new BatchBuffer();
  protected readonly dxBuf = new BatchBuffer();
  protected x: Tensor | undefined;
  protected y: Tensor | undefined;

  expectedInFeatures(): undefined {
    return undefined;
  }

  protected outFeaturesFor(inFeatures: number): number {
    return inFeatures;
  }

  describe(): string {
    return `${this.className}()`;
  }

  config(): Record<string, unknown> {
    return {};
  }

  protected abstract apply(x: Float32Array, y: Float32Array): void;
  /** `saved` is x or y as the subclass chose in `fromOutput`. */
  protected abstract derive(saved: Float32Array, dy: Float32Array, dx: Float32Array): void;
  protected fromOutput = false;

  forward(x: Tensor, _training = true): Tensor {
    const y = this.yBuf.get(x.shape[0]!, x.shape[1]!);
    this.apply(x.data, y.data);
    this.x = x;
    this.y = y;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const x = this.x!;
    const dx = this.dxBuf.get(x.shape[0]!, x.shape[1]!);
    this.derive(this.fromOutput ? this.y!.data : x.data, dy.data, dx.data);
    return dx;
  }
}

function alphaOption(fn: string, alpha: unknown, fallback: number): number {
  if (alpha === undefined) return Math.fround(fallback);
  if (typeof alpha !== 'number') throw typeError(fn, 'alpha', 'a finite number', alpha);
  return checkFiniteF32(fn, 'alpha', alpha);
}

export class ReLU extends Elementwise {
  readonly className = 'ReLU';
  protected apply(x: Float32Array, y: Float32Array): void {
    this.raw.relu(x, y);
  }
  protected derive(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
    this.raw.reluBackward(x, dy, dx);
  }
}

/** An elementwise layer with a fixed α (Leaky ReLU's slope, ELU's scale). */
abstract class WithAlpha extends Elementwise {
  readonly alpha: number;
  constructor(fn: string, alpha: number | undefined, fallback: number) {
    super();
    this.alpha = alphaOption(fn, alpha, fallback);
  }
  override describe(): string {
    return `${this.className}(${this.alpha})`;
  }
  override config(): Record<string, unknown> {
    return { alpha: this.alpha };
  }
}

export class LeakyReLU extends WithAlpha {
  readonly className = 'LeakyReLU';
  constructor(alpha?: number) {
    super('LeakyReLU', alpha, LEAKY_RELU_ALPHA);
  }
  protected apply(x: Float32Array, y: Float32Array): void {
    this.raw.leakyRelu(x, y, this.alpha);
  }
  protected derive(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
    this.raw.leakyReluBackward(x, dy, dx, this.alpha);
  }
}

export class ELU extends WithAlpha {
  readonly className = 'ELU';
  constructor(alpha?: number) {
    super('ELU', alpha, ELU_ALPHA);
  }
  protected apply(x: Float32Array, y: Float32Array): void {
    this.raw.elu(x, y, this.alpha);
  }
  protected derive(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
    this.raw.eluBackward(x, dy, dx, this.alpha);
  }
}

export class Sigmoid extends Elementwise {
  readonly className = 'Sigmoid';
  protected override fromOutput = true;
  protected apply(x: Float32Array, y: Float32Array): void {
    this.raw.sigmoid(x, y);
  }
  protected derive(y: Float32Array, dy: Float32Array, dx: Float32Array): void {
    this.raw.sigmoidBackward(y, dy, dx);
  }
}

export class Tanh extends Elementwise {
  readonly className = 'Tanh';
  protected override fromOutput = true;
  protected apply(x: Float32Array, y: Float32Array): void {
    this.raw.tanh(x, y);
  }
  protected derive(y: Float32Array, dy: Float32Array, dx: Float32Array): void {
    this.raw.tanhBackward(y, dy, dx);
  }
}

/** x·Φ(x) (PyTorch's GELU); `approximate: 'tanh'` for its tanh form. */
export class GELU extends Elementwise {
  readonly className = 'GELU';
  readonly approximate: GeluApproximate;
  private readonly form: number;
  constructor(options: { approximate?: GeluApproximate } = {}) {
    super();
    const approximate = options?.approximate ?? 'none';
    this.form = GELU_APPROXIMATE.indexOf(approximate);
    if (this.form < 0) throw typeError('GELU', 'options.approximate', GELU_APPROXIMATE.map((v) => `'${v}'`).join(' or '), approximate);
    this.approximate = approximate;
  }
  override describe(): string {
    return this.approximate === 'none' ? 'GELU()' : `GELU(${this.approximate})`;
  }
  override config(): Record<string, unknown> {
    return { approximate: this.approximate };
  }
  protected apply(x: Float32Array, y: Float32Array): void {
    this.raw.gelu(x, y, this.form);
  }
  protected derive(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
    this.raw.geluBackward(x, dy, dx, this.form);
  }
}

/** x·σ(x), also called swish. */
export class SiLU extends Elementwise {
  readonly className = 'SiLU';
  protected apply(x: Float32Array, y: Float32Array): void {
    this.raw.silu(x, y);
  }
  protected derive(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
    this.raw.siluBackward(x, dy, dx);
  }
}

registerLayer('ReLU', () => new ReLU());
registerLayer('LeakyReLU', (c) => new LeakyReLU(c.alpha as number | undefined));
registerLayer('ELU', (c) => new ELU(c.alpha as number | undefined));
registerLayer('Sigmoid', () => new Sigmoid());
registerLayer('Tanh', () => new Tanh());
registerLayer('GELU', (c) => new GELU({ approximate: c.approximate as GeluApproximate | undefined }));
registerLayer('SiLU', () => new SiLU());
