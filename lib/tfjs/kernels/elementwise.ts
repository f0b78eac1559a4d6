// tfjs's elementwise kernels on nodegrad's elementwise family
// (lib/backend/families/elementwise.ts: each entry names the tfjs kernel it
// serves). float32 operands only; any other dtype (int32, bool, complex),
// shapes that do not broadcast or keep more than EW_MAX_RANK axes after
// merging, and tensors smaller than MIN_NATIVE_SIZE go to the cpu kernel.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { broadcastPlan } from '../../backend/broadcast.js';
import type { RawElementwise } from '../../backend/elementwise.js';
import { ELEMENTWISE, type ElementwiseEntry } from '../../backend/families/elementwise.js';
import { rawBackend } from '../../backend/index.js';
import { tryLoadNative } from '../../backend/native.js';
import type { NodegradBackend } from '../backend.js';
import type { NativeKernel, NativeKernelArgs } from '../native-kernel.js';

/**
 * Below this many output elements the cpu kernel's JS loop is as fast as
 * the crossing into native code (measured: bench/tfjs/elementwise-threshold.mjs,
 * figures in the README's tfjs section). Adjustable for that measurement.
 */
export let MIN_NATIVE_SIZE = 32;

/** Sets the size threshold (the bench measures both sides of it); returns the previous one. */
export function setElementwiseMinSize(n: number): number {
  const prev = MIN_NATIVE_SIZE;
  MIN_NATIVE_SIZE = n;
  return prev;
}

let raw: RawElementwise | undefined;
function native(): RawElementwise {
  raw ??= rawBackend('native');
  return raw;
}

// Where the addon cannot load, every override hands its case to the cpu
// kernel (tfjs keeps working, at tfjs-cpu's speed).
const available = (): boolean => raw !== undefined || tryLoadNative() !== undefined;

const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

// a OP b with broadcasting, into a new array of `Out`'s type.
function broadcastBinary<Out extends Float32Array | Uint8Array>(
  backend: NodegradBackend,
  a: TensorInfo | undefined,
  b: TensorInfo | undefined,
  make: (n: number) => Out,
  run: (av: Float32Array, bv: Float32Array, out: Out, plan: Float64Array | undefined) => void,
  dtype: 'float32' | 'bool',
): TensorInfo | null {
  if (!a || !b || !available()) return null;
  const av = backend.f32(a);
  const bv = backend.f32(b);
  if (!av || !bv) return null;
  const p = flatCase(a.shape, b.shape) ?? broadcastPlan(a.shape, b.shape);
  if (!p) return null;
  const n = size(p.outShape);
  if (n < MIN_NATIVE_SIZE) return null;
  const out = make(n);
  run(av, bv, out, p.plan);
  return backend.output(p.outShape, dtype, out);
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

// The cases most calls are (same shape; a one-element operand of no higher
// rank than the other) without building a plan: at small sizes the plan's
// allocations are a measurable part of the call.
function flatCase(a: readonly number[], b: readonly number[]): { outShape: number[]; plan: undefined } | undefined {
  if (sameShape(a, b)) return { outShape: a.slice(), plan: undefined };
  if (size(b) === 1 && b.length <= a.length) return { outShape: a.slice(), plan: undefined };
  if (size(a) === 1 && a.length <= b.length) return { outShape: b.slice(), plan: undefined };
  return undefined;
}

type Entry<K extends ElementwiseEntry['kind']> = Extract<ElementwiseEntry, { kind: K }>;

function binary(e: Entry<'binary'>, inputA: string, inputB: string): NativeKernel {
  return {
    kernelName: e.tfjs,
    run: ({ inputs, backend }) =>
      broadcastBinary(backend, inputs[inputA], inputs[inputB], (n) => new Float32Array(n), (a, b, o, plan) => native()[e.name](a, b, o, plan), 'float32'),
  };
}

function compare(e: Entry<'compare'>): NativeKernel {
  return {
    kernelName: e.tfjs,
    run: ({ inputs, backend }) =>
      broadcastBinary(backend, inputs.a, inputs.b, (n) => new Uint8Array(n), (a, b, o, plan) => native()[e.name](a, b, o, plan), 'bool'),
  };
}

// x -> y of x's shape; `call` runs the kernel.
function unaryLike(kernelName: string, input: string, call: (x: Float32Array, y: Float32Array, args: NativeKernelArgs) => boolean): NativeKernel {
  return {
    kernelName,
    run(args) {
      const t = args.inputs[input];
      const x = t && args.backend.f32(t);
      if (!t || !x || x.length < MIN_NATIVE_SIZE || !available()) return null;
      const y = new Float32Array(x.length);
      if (!call(x, y, args)) return null;
      return args.backend.output(t.shape.slice(), 'float32', y);
    },
  };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function unaryParam(e: Entry<'unary_param'>): NativeKernel {
  return unaryLike(e.tfjs, 'x', (x, y, { attrs }) => {
    const k = native();
    switch (e.name) {
      case 'step': {
        const alpha = num(attrs.alpha);
        if (alpha === undefined) return false;
        k.step(x, y, alpha);
        return true;
      }
      case 'clip': {
        const lo = num(attrs.clipValueMin);
        const hi = num(attrs.clipValueMax);
        if (lo === undefined || hi === undefined) return false;
        k.clip(x, y, lo, hi);
        return true;
      }
      case 'leakyReluTf': {
        const alpha = num(attrs.alpha);
        if (alpha === undefined) return false;
        k.leakyReluTf(x, y, alpha);
        return true;
      }
    }
  });
}

// EluGrad: inputs dy and y (the forward output), both float32 of one shape.
function eluGrad(e: Entry<'grad'>): NativeKernel {
  return {
    kernelName: e.tfjs,
    run({ inputs, backend }) {
      const { dy, y } = inputs;
      if (!dy || !y) return null;
      const g = backend.f32(dy);
      const yv = backend.f32(y);
      if (!g || !yv || g.length !== yv.length || yv.length < MIN_NATIVE_SIZE || !available()) return null;
      const dx = new Float32Array(yv.length);
      native()[e.name](yv, g, dx);
      return backend.output(y.shape.slice(), 'float32', dx);
    },
  };
}

// Select(condition: bool, t, e): native when all three have one shape and t, e are float32.
const select: NativeKernel = {
  kernelName: 'Select',
  run({ inputs, backend }) {
    const { condition, t, e } = inputs;
    if (!condition || !t || !e || condition.dtype !== 'bool') return null;
    const c = backend.values(condition);
    const tv = backend.f32(t);
    const ev = backend.f32(e);
    if (!(c instanceof Uint8Array) || !tv || !ev) return null;
    if (c.length !== tv.length || ev.length !== tv.length || tv.length < MIN_NATIVE_SIZE || !available()) return null;
    const same = (s: readonly number[]) => s.length === t.shape.length && s.every((d, i) => d === t.shape[i]);
    if (!same(condition.shape) || !same(e.shape)) return null;
    const out = new Float32Array(tv.length);
    native().select(c, tv, ev, out);
    return backend.output(t.shape.slice(), 'float32', out);
  },
};

// Pow with a one-element float32 exponent of 2 (of no higher rank than the
// base): Math.pow(x, 2) is x·x exactly in float64, so the square kernel gives
// tfjs's bits. Any other exponent goes to the cpu kernel (Math.pow has no
// native twin here).
const pow: NativeKernel = {
  kernelName: 'Pow',
  run({ inputs, backend }) {
    const { a, b } = inputs;
    if (!a || !b || !available()) return null;
    const x = backend.f32(a);
    const p = backend.f32(b);
    if (!x || !p || p.length !== 1 || p[0] !== 2 || b.shape.length > a.shape.length || x.length < MIN_NATIVE_SIZE) return null;
    const y = new Float32Array(x.length);
    native().square(x, y);
    return backend.output(a.shape.slice(), 'float32', y);
  },
};

function kernelOf(e: ElementwiseEntry): NativeKernel {
  switch (e.kind) {
    case 'binary':
      // tfjs's Prelu names its inputs x and alpha; the other binary ops a and b.
      return e.name === 'preluTf' ? binary(e, 'x', 'alpha') : binary(e, 'a', 'b');
    case 'compare':
      return compare(e);
    case 'unary':
      return unaryLike(e.tfjs, 'x', (x, y) => {
        native()[e.name](x, y);
        return true;
      });
    case 'unary_param':
      return unaryParam(e);
    case 'grad':
      return eluGrad(e);
  }
}

export const elementwiseKernels: readonly NativeKernel[] = [...ELEMENTWISE.map(kernelOf), select, pow];
