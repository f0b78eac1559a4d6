// Dropout(p): inverted dropout. While training, each element is kept with
// probability 1 − p and scaled by 1/(1 − p) (so evaluation needs no
// rescaling), else zeroed; in evaluate/predict (training = false) it is the
// identity. Masks come from the layer's own random stream, derived from the
// model's seed, so a seeded run draws the same masks on every backend, SIMD
// path and thread count.
import { checkFiniteF32, rangeError, typeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { BatchBuffer, Layer, registerLayer } from './layer.js';

export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly p: number;
  private readonly scale: number;
  private mask = new Float32Array(0);
  private readonly yBuf = new BatchBuffer();
  private readonly dxBuf = new BatchBuffer();
  /** Whether the last forward applied a mask (training with p > 0). */
  private masked = false;

  constructor(p = 0.5) {
    super();
    if (typeof p !== 'number') throw typeError('Dropout', 'p', 'a number in [0, 1)', p);
    const p32 = checkFiniteF32('Dropout', 'p', p);
    if (!(p >= 0 && p < 1)) throw rangeError('Dropout', 'p', 'a number in [0, 1)', p);
    this.p = p;
    // The scale and the keep test use the double p; the scale is rounded once.
    this.scale = Math.fround(1 / (1 - p));
    void p32;
  }

  expectedInFeatures(): undefined {
    return undefined;
  }

  protected outFeaturesFor(inFeatures: number): number {
    return inFeatures;
  }

  describe(): string {
    return `Dropout(${this.p})`;
  }

  config(): Record<string, unknown> {
    return { p: this.p };
  }

  forward(x: Tensor, training = true): Tensor {
    this.masked = training && this.p > 0;
    if (!this.masked) return x;
    const n = x.size;
    if (this.mask.length < n) this.mask = new Float32Array(n);
    const y = this.yBuf.get(x.shape[0]!, x.shape[1]!);
    // The kernel draws from this layer's stream (its state, in place): the
    // same bits on every backend and path, and in background fits.
    this.raw.dropoutForward(x.data, y.data, this.mask, this.p, this.scale, this.rng.state);
    return y;
  }

  backward(dy: Tensor): Tensor {
    if (!this.masked) return dy;
    const dx = this.dxBuf.get(dy.shape[0]!, dy.shape[1]!);
    this.raw.dropoutBackward(dy.data, this.mask, dx.data);
    return dx;
  }
}

registerLayer('Dropout', (c) => new Dropout(c.p as number | undefined));
