// The activation kernels' contract: the unchecked form both backends
// implement (RawActivations) and the checked public form (ActivationKernels),
// both derived from the family's list (families/activations.ts): adding an
// elementwise activation there adds its two kernels here.
import { checkF32, checkFiniteF32, checkLength, checkNoOverlap, rangeError, typeError } from '../errors.js';
import { ACTIVATIONS, GELU_APPROXIMATE, type ActivationEntry, type GeluApproximate } from './families/activations.js';

type X = Float32Array;

/** The raw form of an entry's parameter: float32 α, or GELU's form as an index (0 none, 1 tanh). */
type RawForward<P> = P extends 'alpha'
  ? (x: X, y: X, alpha: number) => void
  : P extends 'approximate'
    ? (x: X, y: X, approximate: number) => void
    : (x: X, y: X) => void;
type RawBackward<P> = P extends 'alpha'
  ? (input: X, dy: X, dx: X, alpha: number) => void
  : P extends 'approximate'
    ? (input: X, dy: X, dx: X, approximate: number) => void
    : (input: X, dy: X, dx: X) => void;
type Forward<P> = P extends 'alpha'
  ? (x: X, y: X, alpha?: number) => void
  : P extends 'approximate'
    ? (x: X, y: X, approximate?: GeluApproximate) => void
    : (x: X, y: X) => void;
/** `input` is x, or the forward output y where the entry's backwardInput is 'y'. */
type Backward<P> = P extends 'alpha'
  ? (input: X, dy: X, dx: X, alpha?: number) => void
  : P extends 'approximate'
    ? (input: X, dy: X, dx: X, approximate?: GeluApproximate) => void
    : (input: X, dy: X, dx: X) => void;

interface PreluKernels {
  prelu(x: X, alpha: X, y: X): void;
  preluBackward(x: X, alpha: X, dy: X, dx: X, dalpha: X): void;
}

/** Unchecked kernels: arguments already validated, scalars already float32. */
export type RawActivations = { [E in ActivationEntry as E['name']]: RawForward<E['param']> } & {
  [E in ActivationEntry as `${E['name']}Backward`]: RawBackward<E['param']>;
} & PreluKernels;

/** The public activation kernels (see README "Kernel API"). */
export type ActivationKernels = { [E in ActivationEntry as E['name']]: Forward<E['param']> } & {
  [E in ActivationEntry as `${E['name']}Backward`]: Backward<E['param']>;
} & PreluKernels;

export const LEAKY_RELU_ALPHA = ACTIVATIONS.find((e) => e.name === 'leakyRelu')!.alphaDefault;
export const ELU_ALPHA = ACTIVATIONS.find((e) => e.name === 'elu')!.alphaDefault;

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

/** GELU's `approximate` as the raw kernels' index. */
function approximateIndex(fn: string, value: unknown): number {
  const i = GELU_APPROXIMATE.indexOf(value as GeluApproximate);
  if (i < 0) throw typeError(fn, 'approximate', GELU_APPROXIMATE.map((v) => `'${v}'`).join(' or '), value);
  return i;
}

type AnyKernel = (...args: unknown[]) => void;

export function checkedActivations(raw: RawActivations): ActivationKernels {
  const rawFns = raw as unknown as Record<string, AnyKernel>;
  const out: Record<string, AnyKernel> = {};
  for (const e of ACTIVATIONS) {
    const fwd = e.name;
    const bwd = `${e.name}Backward`;
    const rf = rawFns[fwd]!;
    const rb = rawFns[bwd]!;
    const input = e.backwardInput;
    // Only the parameter differs between entries: decode it, then call.
    const param: (fn: string, v: unknown) => unknown[] =
      e.param === 'alpha'
        ? (fn, v) => [checkFiniteF32(fn, 'alpha', v === undefined ? e.alphaDefault : v)]
        : e.param === 'approximate'
          ? (fn, v) => [approximateIndex(fn, v === undefined ? 'none' : v)]
          : () => [];
    out[fwd] = (x, y, p) => {
      unary(fwd, x, y);
      rf(x, y, ...param(fwd, p));
    };
    out[bwd] = (a, dy, dx, p) => {
      backward(bwd, input, a, dy, dx);
      rb(a, dy, dx, ...param(bwd, p));
    };
  }
  const kernels: PreluKernels = {
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
  return { ...out, ...kernels } as unknown as ActivationKernels;
}

function checkPreluShape(fn: string, x: Float32Array, alpha: Float32Array): void {
  if (alpha.length === 0) throw rangeError(fn, 'alpha', 'of length >= 1', 'length 0');
  if (x.length % alpha.length !== 0) {
    throw rangeError(fn, 'x', `a length divisible by alpha.length (${alpha.length})`, `length ${x.length}`);
  }
}
