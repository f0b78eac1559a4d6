import { checkF32, rangeError, typeError } from './errors.js';
import { Rng } from './random.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape, fn = 'Tensor'): number {
  if (!Array.isArray(shape)) throw typeError(fn, 'shape', 'an array of non-negative integers', shape);
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw rangeError(fn, `shape[${i}]`, 'a non-negative integer', String(d));
    }
    n *= d;
  }
  return n;
}

export interface RandomOptions {
  /** Seed of the PRNG; ignored when `rng` is given. */
  seed?: number;
  rng?: Rng;
}

/** A row-major, contiguous float32 array with a shape. */
export class Tensor {
  readonly shape: Shape;
  readonly data: Float32Array;

  constructor(data: Float32Array, shape: Shape) {
    checkF32('Tensor', 'data', data);
    const n = sizeOf(shape);
    if (data.length !== n) {
      throw rangeError('Tensor', 'data', `of length ${n} for shape [${shape.join(', ')}]`, `length ${data.length}`);
    }
    this.shape = Object.freeze([...shape]);
    this.data = data;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  static zeros(shape: Shape): Tensor {
    return new Tensor(new Float32Array(sizeOf(shape, 'Tensor.zeros')), shape);
  }

  /** Wraps a Float32Array (no copy) or copies a number array. */
  static from(data: Float32Array | ArrayLike<number>, shape?: Shape): Tensor {
    const arr = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
    return new Tensor(arr, shape ?? [arr.length]);
  }

  /** Normal(mean, std) samples from the seeded PRNG. */
  static randn(shape: Shape, opts: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
    const t = Tensor.zeros(shape);
    const rng = opts.rng ?? new Rng(opts.seed);
    const mean = opts.mean ?? 0;
    const std = opts.std ?? 1;
    for (let i = 0; i < t.data.length; i++) t.data[i] = mean + std * rng.normal();
    return t;
  }

  /** Uniform [low, high) samples from the seeded PRNG. */
  static rand(shape: Shape, opts: RandomOptions & { low?: number; high?: number } = {}): Tensor {
    const t = Tensor.zeros(shape);
    const rng = opts.rng ?? new Rng(opts.seed);
    const low = opts.low ?? 0;
    const high = opts.high ?? 1;
    for (let i = 0; i < t.data.length; i++) t.data[i] = low + (high - low) * rng.uniform();
    return t;
  }

  /** Same data, another shape of the same size. */
  reshape(shape: Shape): Tensor {
    return new Tensor(this.data, shape);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  toString(): string {
    return `Tensor([${this.shape.join(', ')}])`;
  }
}
