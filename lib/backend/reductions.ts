// The reductions family's contract: the unchecked form both backends
// implement (RawReductions) and the checked public form (ReductionKernels),
// both derived from the family's list (families/reductions.ts). Outputs never
// overlap inputs; inputs are never written. The arithmetic order (the same on
// every path and in the reference twin) is in native/kernels/reduce_body.inc.
import { checkF32, checkInteger, checkLength, checkNoOverlap, rangeError } from '../errors.js';
import { REDUCTIONS, type PublicReductionEntry, type ReductionEntry } from './families/reductions.js';

type F = Float32Array;
type I = Int32Array;
type B = Uint8Array;
type ArrayOf<D> = D extends 'float32' ? F : D extends 'int32' ? I : B;

type Signature<E> = E extends { kind: 'reduceRows' | 'reduceCols' | 'mapRows' }
  ? (x: F, y: F, rows: number, cols: number) => void
  : E extends { kind: 'indexRows' | 'indexCols' }
    ? (x: F, y: I, rows: number, cols: number) => void
    : E extends { kind: 'transpose' }
      ? (x: F, y: F, batch: number, rows: number, cols: number) => void
      : E extends { kind: 'gather' }
        ? (x: F, indices: I, y: F, rows: number, rowLength: number) => void
        : E extends { kind: 'cast'; from: infer A; to: infer Z }
          ? (x: ArrayOf<A>, y: ArrayOf<Z>) => void
          : E extends { kind: 'oneHot' }
            ? (indices: I, y: F, depth: number, onValue: number, offValue: number) => void
            : never;

/** Unchecked kernels: arguments already validated (gather's indices in range). */
export type RawReductions = { [E in ReductionEntry as E['name']]: Signature<E> };

/** The public (float32) reductions, checked at the boundary (see README "Kernel API"). */
export type ReductionKernels = { [E in PublicReductionEntry as E['name']]: Signature<E> };

type AnyKernel = (...args: unknown[]) => void;

/** Checks rows x cols against x, returns nothing; y's expected length comes from the kind. */
function checkRowsCols(fn: string, x: unknown, y: unknown, rows: unknown, cols: unknown, yLength: (r: number, c: number) => number): void {
  checkF32(fn, 'x', x);
  checkF32(fn, 'y', y);
  const r = checkInteger(fn, 'rows', rows, 0);
  const c = checkInteger(fn, 'cols', cols, 0);
  checkLength(fn, 'x', x, r * c);
  checkLength(fn, 'y', y, yLength(r, c));
  checkNoOverlap(fn, 'y', y, [['x', x]]);
}

function checkTranspose(fn: string, x: unknown, y: unknown, batch: unknown, rows: unknown, cols: unknown): void {
  checkF32(fn, 'x', x);
  checkF32(fn, 'y', y);
  const b = checkInteger(fn, 'batch', batch, 0);
  const r = checkInteger(fn, 'rows', rows, 0);
  const c = checkInteger(fn, 'cols', cols, 0);
  if (!Number.isSafeInteger(b * r * c)) throw rangeError(fn, 'batch*rows*cols', 'a safe integer', b * r * c);
  checkLength(fn, 'x', x, b * r * c);
  checkLength(fn, 'y', y, b * r * c);
  checkNoOverlap(fn, 'y', y, [['x', x]]);
}

export function checkedReductions(raw: RawReductions): ReductionKernels {
  const rawFns = raw as unknown as Record<string, AnyKernel>;
  const out: Record<string, AnyKernel> = {};
  for (const e of REDUCTIONS) {
    if (!e.public) continue;
    const fn = e.name;
    const k = rawFns[fn]!;
    if (e.kind === 'transpose') {
      out[fn] = (x, y, batch, rows, cols) => {
        checkTranspose(fn, x, y, batch, rows, cols);
        k(x, y, batch, rows, cols);
      };
      continue;
    }
    const yLength = e.kind === 'reduceRows' ? (r: number) => r : e.kind === 'reduceCols' ? (_r: number, c: number) => c : (r: number, c: number) => r * c;
    out[fn] = (x, y, rows, cols) => {
      checkRowsCols(fn, x, y, rows, cols, yLength);
      k(x, y, rows, cols);
    };
  }
  return out as unknown as ReductionKernels;
}
