// The elementwise kernels' contract: the unchecked form both backends
// implement (RawElementwise) and the checked public form
// (ElementwiseKernels), both derived from the family's list
// (families/elementwise.ts): adding an entry there adds its kernel here.
import { checkF32, checkNoOverlap, rangeError, typeError } from '../errors.js';
import { broadcastPlan } from './broadcast.js';
import { ELEMENTWISE, type ElementwiseEntry } from './families/elementwise.js';

type X = Float32Array;
type B = Uint8Array;

type ParamTuple<P extends readonly string[]> = { [K in keyof P]: number };
type RawOf<E> = E extends { kind: 'binary' }
  ? (a: X, b: X, out: X, plan?: Float64Array) => void
  : E extends { kind: 'compare' }
    ? (a: X, b: X, out: B, plan?: Float64Array) => void
    : E extends { kind: 'unary' }
      ? (x: X, y: X) => void
      : E extends { kind: 'unary_param'; params: infer P extends readonly string[] }
        ? (x: X, y: X, ...params: ParamTuple<P>) => void
        : (input: X, dy: X, dx: X) => void;
type CheckedOf<E> = E extends { kind: 'binary' }
  ? (a: X, b: X, out: X, aShape?: readonly number[], bShape?: readonly number[]) => void
  : E extends { kind: 'compare' }
    ? (a: X, b: X, out: B, aShape?: readonly number[], bShape?: readonly number[]) => void
    : RawOf<E>;

interface SelectKernel {
  /** out[i] = condition[i] === 1 ? t[i] : e[i] (tfjs's Select on a bool tensor). */
  select(condition: B, t: X, e: X, out: X): void;
}

/** Unchecked kernels: arguments already validated. */
export type RawElementwise = { [E in ElementwiseEntry as E['name']]: RawOf<E> } & SelectKernel;

/** The public elementwise kernels (see README "Kernel API"). */
export type ElementwiseKernels = { [E in ElementwiseEntry as E['name']]: CheckedOf<E> } & SelectKernel;

function checkU8(fn: string, arg: string, v: unknown): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) throw typeError(fn, arg, 'a Uint8Array', v);
}

function checkShape(fn: string, arg: string, shape: unknown, length: number): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw typeError(fn, arg, 'an array of non-negative integers', shape);
  }
  const size = shape.reduce((p: number, d: number) => p * d, 1);
  if (size !== length) throw rangeError(fn, arg, `a shape of ${length} elements (the array's length)`, `[${shape.join(', ')}] (${size} elements)`);
  return shape as number[];
}

// a, b and out of a binary or comparison kernel; returns the plan to pass
// (undefined: the flat form) or null when out is empty (nothing to do).
function binaryArgs(fn: string, a: unknown, b: unknown, out: X | B, aShape: unknown, bShape: unknown): Float64Array | undefined | null {
  checkF32(fn, 'a', a);
  checkF32(fn, 'b', b);
  const outArg = out as unknown as X;
  checkNoOverlap(fn, 'out', outArg, [['a', a], ['b', b]], out instanceof Float32Array ? ['a', 'b'] : []);
  if (aShape === undefined && bShape === undefined) {
    // Each operand is out's length or one value (a scalar: also with an empty out).
    const n = out.length;
    const ok = (m: number): boolean => m === n || m === 1;
    if (!ok(a.length)) throw rangeError(fn, 'a', `of length ${n} (out's) or 1`, `length ${a.length}`);
    if (!ok(b.length)) throw rangeError(fn, 'b', `of length ${n} (out's) or 1`, `length ${b.length}`);
    return n === 0 ? null : undefined;
  }
  const sa = checkShape(fn, 'aShape', aShape, a.length);
  const sb = checkShape(fn, 'bShape', bShape, b.length);
  const p = broadcastPlan(sa, sb);
  if (!p) throw rangeError(fn, 'bShape', `a shape that broadcasts with [${sa.join(', ')}] (at most 8 axes after merging)`, `[${sb.join(', ')}]`);
  const size = p.outShape.reduce((q, d) => q * d, 1);
  if (out.length !== size) throw rangeError(fn, 'out', `of length ${size} (shape [${p.outShape.join(', ')}])`, `length ${out.length}`);
  if (size === 0) return null;
  return p.plan;
}

type AnyKernel = (...args: unknown[]) => void;

export function checkedElementwise(raw: RawElementwise): ElementwiseKernels {
  const rawFns = raw as unknown as Record<string, AnyKernel>;
  const out: Record<string, AnyKernel> = {};
  for (const e of ELEMENTWISE) {
    const fn = e.name;
    const rf = rawFns[fn]!;
    switch (e.kind) {
      case 'binary':
      case 'compare':
        out[fn] = (a, b, o, aShape, bShape) => {
          if (e.kind === 'binary') checkF32(fn, 'out', o);
          else checkU8(fn, 'out', o);
          const plan = binaryArgs(fn, a, b, o as X | B, aShape, bShape);
          if (plan !== null) rf(a, b, o, plan);
        };
        break;
      case 'unary':
      case 'unary_param':
        out[fn] = (x, y, ...params) => {
          checkF32(fn, 'x', x);
          checkF32(fn, 'y', y);
          if (y.length !== x.length) throw rangeError(fn, 'y', `of length ${x.length}`, `length ${y.length}`);
          checkNoOverlap(fn, 'y', y, [['x', x]], ['x']);
          const names = 'params' in e ? e.params : [];
          const ps = names.map((p, i) => {
            const v = params[i];
            if (typeof v !== 'number') throw typeError(fn, p, 'a finite number', v);
            // Kept in float64 (tfjs's attributes are doubles), but within float32's range like every scalar.
            if (!Number.isFinite(Math.fround(v))) throw rangeError(fn, p, 'a finite number within float32 range', String(v));
            return v;
          });
          if (e.name === 'clip' && !(ps[0]! <= ps[1]!)) throw rangeError(fn, 'lo', `at most hi (${ps[1]})`, ps[0]!);
          rf(x, y, ...ps);
        };
        break;
      case 'grad':
        out[fn] = (input, dy, dx) => {
          checkF32(fn, 'input', input);
          checkF32(fn, 'dy', dy);
          checkF32(fn, 'dx', dx);
          if (dy.length !== input.length) throw rangeError(fn, 'dy', `of length ${input.length}`, `length ${dy.length}`);
          if (dx.length !== input.length) throw rangeError(fn, 'dx', `of length ${input.length}`, `length ${dx.length}`);
          checkNoOverlap(fn, 'dx', dx, [['input', input], ['dy', dy]], ['input', 'dy']);
          rf(input, dy, dx);
        };
        break;
    }
  }
  const select: SelectKernel = {
    select(condition, t, e, o) {
      const fn = 'select';
      checkU8(fn, 'condition', condition);
      checkF32(fn, 't', t);
      checkF32(fn, 'e', e);
      checkF32(fn, 'out', o);
      for (const [name, v] of [['t', t], ['e', e], ['out', o]] as const) {
        if (v.length !== condition.length) throw rangeError(fn, name, `of length ${condition.length} (condition's)`, `length ${v.length}`);
      }
      checkNoOverlap(fn, 'out', o, [['t', t], ['e', e], ['condition', condition as unknown as X]], ['t', 'e']);
      raw.select(condition, t, e, o);
    },
  };
  return { ...out, ...select } as unknown as ElementwiseKernels;
}
