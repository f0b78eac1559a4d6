import { checkF32, describe, isFloat32Array, rangeError, typeError } from './errors.js';
import { Rng } from './random.js';

export type Shape = readonly number[];

/**
 * The most float32 elements one typed array can hold here (V8's limit on
 * typed-array length; 2^32 on 64-bit Node 20+). No dimension and no
 * product of dimensions may exceed it, even when another dimension is 0:
 * such a shape describes nothing this process could ever hold.
 */
export const MAX_ELEMENTS = 2 ** 32;

export function sizeOf(shape: Shape, fn = 'Tensor'): number {
  if (!Array.isArray(shape)) throw typeError(fn, 'shape', 'an array of non-negative integers', shape);
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw rangeError(fn, `shape[${i}]`, 'a non-negative integer', String(d));
    }
    if (d > MAX_ELEMENTS) throw rangeError(fn, `shape[${i}]`, `at most ${MAX_ELEMENTS} (the largest typed-array length)`, String(d));
    n *= d;
  }
  if (n > MAX_ELEMENTS) throw rangeError(fn, 'shape', `of at most ${MAX_ELEMENTS} elements (the largest typed-array length)`, `[${shape.join(', ')}] (${n} elements)`);
  return n;
}

/** A new Float32Array of `n` elements; a failed allocation (out of memory) names the call and the size. */
export function allocF32(fn: string, n: number): Float32Array {
  try {
    return new Float32Array(n);
  } catch (e) {
    throw new RangeError(`${fn}: cannot allocate ${n} float32 values (${4 * n} bytes): ${(e as Error).message}`, { cause: e });
  }
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
    return new Tensor(allocF32('Tensor.zeros', sizeOf(shape, 'Tensor.zeros')), shape);
  }

  /** Wraps a Float32Array (no copy) or copies a number array. */
  static from(data: Float32Array | ArrayLike<number>, shape?: Shape): Tensor {
    const fn = 'Tensor.from';
    if (isFloat32Array(data)) return new Tensor(data, shape ?? [data.length]);
    // Strings are array-like too: Float32Array.from('abc') would be three NaNs.
    if (data === null || typeof data !== 'object' || typeof (data as ArrayLike<number>).length !== 'number') {
      throw typeError(fn, 'data', 'a Float32Array or an array of numbers', data);
    }
    const src = data as ArrayLike<unknown>;
    if (!Number.isSafeInteger(src.length) || src.length < 0 || src.length > MAX_ELEMENTS) {
      throw rangeError(fn, 'data.length', `an integer in [0, ${MAX_ELEMENTS}]`, describe(src.length));
    }
    const arr = allocF32(fn, src.length);
    for (let i = 0; i < arr.length; i++) {
      const v = src[i];
      if (typeof v !== 'number') throw typeError(fn, `data[${i}]`, 'a number', v);
      arr[i] = v;
    }
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
