// The activation kernels' contract: the unchecked form both backends
// implement (RawActivations) and the checked public form (ActivationKernels).
import { checkF32, checkFiniteF32, checkLength, checkNoOverlap, rangeError } from '../errors.js';

/** Unchecked kernels: arguments already validated, scalars already float32. */
export interface RawActivations {
  relu(x: Float32Array, y: Float32Array): void;
  reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  leakyRelu(x: Float32Array, y: Float32Array, alpha: number): void;
  leakyReluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, alpha: number): void;
  elu(x: Float32Array, y: Float32Array, alpha: number): void;
  eluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, alpha: number): void;
  sigmoid(x: Float32Array, y: Float32Array): void;
  sigmoidBackward(y: Float32Array, dy: Float32Array, dx: Float32Array): void;
  tanh(x: Float32Array, y: Float32Array): void;
  tanhBackward(y: Float32Array, dy: Float32Array, dx: Float32Array): void;
  prelu(x: Float32Array, alpha: Float32Array, y: Float32Array): void;
  preluBackward(x: Float32Array, alpha: Float32Array, dy: Float32Array, dx: Float32Array, dalpha: Float32Array): void;
}

/** The public activation kernels (see README "Kernel API"). */
export interface ActivationKernels {
  relu(x: Float32Array, y: Float32Array): void;
  reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  leakyRelu(x: Float32Array, y: Float32Array, alpha?: number): void;
  leakyReluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, alpha?: number): void;
  elu(x: Float32Array, y: Float32Array, alpha?: number): void;
  eluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, alpha?: number): void;
  sigmoid(x: Float32Array, y: Float32Array): void;
  /** `y` is the forward output. */
  sigmoidBackward(y: Float32Array, dy: Float32Array, dx: Float32Array): void;
  tanh(x: Float32Array, y: Float32Array): void;
  /** `y` is the forward output. */
  tanhBackward(y: Float32Array, dy: Float32Array, dx: Float32Array): void;
  prelu(x: Float32Array, alpha: Float32Array, y: Float32Array): void;
  preluBackward(x: Float32Array, alpha: Float32Array, dy: Float32Array, dx: Float32Array, dalpha: Float32Array): void;
}

export const LEAKY_RELU_ALPHA = 0.01;
export const ELU_ALPHA = 1;

function unary(fn: string, x: unknown, y: unknown): asserts y is Float32Array {
  checkF32(fn, 'x', x);
  checkF32(fn, 'y', y);
  checkLength(fn, 'y', y, x.length);
  checkNoOverlap(fn, 'y', y, [['x', x]], ['x']);
}

// `input` names the first argument: x, or y for the output-based backwards.
function backward(fn: string, input: string, a: unknown, dy: unknown, dx: unknown): asserts dx is Float32Array {
  checkF32(fn, input, a);
  checkF32(fn, 'dy', dy);
  checkF32(fn, 'dx', dx);
  checkLength(fn, 'dy', dy, a.length);
  checkLength(fn, 'dx', dx, a.length);
  checkNoOverlap(fn, 'dx', dx, [[input, a], ['dy', dy]], [input, 'dy']);
}

export function checkedActivations(raw: RawActivations): ActivationKernels {
  return {
    relu(x, y) {
      unary('relu', x, y);
      raw.relu(x, y);
    },
    reluBackward(x, dy, dx) {
      backward('reluBackward', 'x', x, dy, dx);
      raw.reluBackward(x, dy, dx);
    },
    leakyRelu(x, y, alpha = LEAKY_RELU_ALPHA) {
      unary('leakyRelu', x, y);
      raw.leakyRelu(x, y, checkFiniteF32('leakyRelu', 'alpha', alpha));
    },
    leakyReluBackward(x, dy, dx, alpha = LEAKY_RELU_ALPHA) {
      backward('leakyReluBackward', 'x', x, dy, dx);
      raw.leakyReluBackward(x, dy, dx, checkFiniteF32('leakyReluBackward', 'alpha', alpha));
    },
    elu(x, y, alpha = ELU_ALPHA) {
      unary('elu', x, y);
      raw.elu(x, y, checkFiniteF32('elu', 'alpha', alpha));
    },
    eluBackward(x, dy, dx, alpha = ELU_ALPHA) {
      backward('eluBackward', 'x', x, dy, dx);
      raw.eluBackward(x, dy, dx, checkFiniteF32('eluBackward', 'alpha', alpha));
    },
    sigmoid(x, y) {
      unary('sigmoid', x, y);
      raw.sigmoid(x, y);
    },
    sigmoidBackward(y, dy, dx) {
      backward('sigmoidBackward', 'y', y, dy, dx);
      raw.sigmoidBackward(y, dy, dx);
    },
    tanh(x, y) {
      unary('tanh', x, y);
      raw.tanh(x, y);
    },
    tanhBackward(y, dy, dx) {
      backward('tanhBackward', 'y', y, dy, dx);
      raw.tanhBackward(y, dy, dx);
    },
    prelu(x, alpha, y) {
      const fn = 'prelu';
      checkF32(fn, 'x', x);
      checkF32(fn, 'alpha', alpha);
      checkF32(fn, 'y', y);
      checkPreluShape(fn, x, alpha);
      checkLength(fn, 'y', y, x.length);
      checkNoOverlap(fn, 'y', y, [['x', x], ['alpha', alpha]], ['x']);
      raw.prelu(x, alpha, y);
    },
    preluBackward(x, alpha, dy, dx, dalpha) {
      const fn = 'preluBackward';
      checkF32(fn, 'x', x);
      checkF32(fn, 'alpha', alpha);
      checkF32(fn, 'dy', dy);
      checkF32(fn, 'dx', dx);
      checkF32(fn, 'dalpha', dalpha);
      checkPreluShape(fn, x, alpha);
      checkLength(fn, 'dy', dy, x.length);
      checkLength(fn, 'dx', dx, x.length);
      checkLength(fn, 'dalpha', dalpha, alpha.length);
      checkNoOverlap(fn, 'dx', dx, [['x', x], ['dy', dy], ['alpha', alpha], ['dalpha', dalpha]], ['x', 'dy']);
      checkNoOverlap(fn, 'dalpha', dalpha, [['x', x], ['dy', dy], ['alpha', alpha]]);
      raw.preluBackward(x, alpha, dy, dx, dalpha);
    },
  };
}

function checkPreluShape(fn: string, x: Float32Array, alpha: Float32Array): void {
  if (alpha.length === 0) throw rangeError(fn, 'alpha', 'of length >= 1', 'length 0');
  if (x.length % alpha.length !== 0) {
    throw rangeError(fn, 'x', `a length divisible by alpha.length (${alpha.length})`, `length ${x.length}`);
  }
}
