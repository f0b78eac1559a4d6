// The losses kernels' contract: the unchecked form both backends implement
// (RawLosses) and the checked public form (LossesKernels), both derived from
// the family's list (families/losses.ts). Each kernel writes
// the gradient of the MEAN loss w.r.t. its first argument (already divided
// by the count the mean is taken over) and returns the mean loss.
import { checkF32, checkInteger, checkLength, checkNoOverlap, describe, rangeError, typeError } from '../errors.js';
import { LOSSES, type LossEntry, type RowsLossEntry } from './families/losses.js';

type X = Float32Array;
type RawKernel<K> = K extends 'elementwise'
  ? (first: X, target: X, grad: X) => number
  : (logits: X, target: X, grad: X, n: number, classes: number) => number;
type Checked<K> = K extends 'elementwise'
  ? (first: X, target: X, grad: X) => number
  : /** `target` is one-hot/probabilities (Float32Array of n·classes) or class labels (Int32Array of n, each in [0, classes)). */
    (logits: X, target: X | Int32Array, grad: X, n: number, classes: number) => number;

/**
 * Unchecked kernels, one per entry of the family's list (families/losses.ts)
 * plus each 'rows' entry's labels kernel: arguments already validated
 * (labels in range). Elementwise losses average over ALL elements, 'rows'
 * losses over the n rows.
 */
export type RawLosses = { [E in LossEntry as E['name']]: RawKernel<E['kind']> } & {
  [E in RowsLossEntry as E['labels']]: (logits: X, labels: Int32Array, grad: X, n: number, classes: number) => number;
};

/** The public losses kernels (see README "layers"), one per entry of the list. */
export type LossesKernels = { [E in LossEntry as E['name']]: Checked<E['kind']> };

/** Throws a RangeError naming the first label outside [0, classes). */
export function checkLabels(fn: string, arg: string, labels: Int32Array, classes: number): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v < 0 || v >= classes) throw rangeError(fn, `${arg}[${i}]`, `a class label in [0, ${classes})`, v);
  }
}

/**
 * Index of the first target outside [0, 1] (NaN included), or -1: binary
 * cross-entropy targets and softmax cross-entropy probability targets are
 * probabilities; outside [0, 1] the "loss" is not a cross-entropy and can go
 * negative without bound. Every entry point (checked kernels, loss(name),
 * fit/evaluate) refuses them through this one test, each in its own words.
 */
export function firstNonProbability(t: Float32Array): number {
  for (let i = 0; i < t.length; i++) {
    const v = t[i]!;
    if (!(v >= 0 && v <= 1)) return i;
  }
  return -1;
}

/** A RangeError naming the first target outside [0, 1]. */
export function checkProbabilities(fn: string, arg: string, t: Float32Array): void {
  const i = firstNonProbability(t);
  if (i >= 0) throw rangeError(fn, `${arg}[${i}]`, 'a probability in [0, 1]', describe(t[i]));
}

function elementwise(fn: string, first: string, p: unknown, t: unknown, g: unknown): asserts g is Float32Array {
  checkF32(fn, first, p);
  checkF32(fn, 'target', t);
  checkF32(fn, 'grad', g);
  checkLength(fn, 'target', t, p.length);
  checkLength(fn, 'grad', g, p.length);
  checkNoOverlap(fn, 'grad', g, [[first, p], ['target', t]], [first]);
}

type AnyLoss = (...args: unknown[]) => number;

/** Row losses: logits [n, classes] against probabilities [n, classes] or labels [n]. */
function rows(fn: string, first: string, probabilities: boolean, values: AnyLoss, labels: AnyLoss): AnyLoss {
  return (logits, target, grad, nArg, classesArg) => {
    checkF32(fn, first, logits);
    checkF32(fn, 'grad', grad);
    checkInteger(fn, 'n', nArg, 0);
    checkInteger(fn, 'classes', classesArg, 1);
    const n = nArg as number;
    const classes = classesArg as number;
    checkLength(fn, first, logits, n * classes);
    checkLength(fn, 'grad', grad, n * classes);
    if (target instanceof Int32Array) {
      if (target.length !== n) throw rangeError(fn, 'target', `of length ${n} (labels)`, `length ${target.length}`);
      checkLabels(fn, 'target', target, classes);
      checkNoOverlap(fn, 'grad', grad, [[first, logits]], [first]);
      return labels(logits, target, grad, n, classes);
    }
    if (!(target instanceof Float32Array)) throw typeError(fn, 'target', 'a Float32Array (one-hot) or an Int32Array (labels)', target);
    checkF32(fn, 'target', target);
    checkLength(fn, 'target', target, n * classes);
    checkNoOverlap(fn, 'grad', grad, [[first, logits], ['target', target]], [first]);
    if (probabilities) checkProbabilities(fn, 'target', target);
    return values(logits, target, grad, n, classes);
  };
}

/** The checked kernels, one per entry of the list, over `raw`. */
export function checkedLosses(raw: RawLosses): LossesKernels {
  const rawFns = raw as unknown as Record<string, AnyLoss>;
  const out: Record<string, AnyLoss> = {};
  for (const e of LOSSES) {
    const fn = e.name;
    const k = rawFns[fn]!;
    const probabilities = e.targets === 'probabilities';
    if (e.kind === 'rows') {
      out[fn] = rows(fn, e.first, probabilities, k, rawFns[e.labels]!);
    } else {
      out[fn] = (p, t, g) => {
        elementwise(fn, e.first, p, t, g);
        if (probabilities) checkProbabilities(fn, 'target', t as Float32Array);
        return k(p, t, g);
      };
    }
  }
  return out as unknown as LossesKernels;
}
