// The losses kernels' contract: the unchecked form both backends implement
// (RawLosses) and the checked public form (LossesKernels). Each kernel writes
// the gradient of the MEAN loss w.r.t. its first argument (already divided
// by the count the mean is taken over) and returns the mean loss.
import { checkF32, checkInteger, checkLength, checkNoOverlap, describe, rangeError, typeError } from '../errors.js';

/** Unchecked kernels: arguments already validated (labels in range). */
export interface RawLosses {
  /** Mean over ALL elements of (p−t)²; grad = 2(p−t)/pred.length. */
  mse(pred: Float32Array, target: Float32Array, grad: Float32Array): number;
  /** Softmax cross-entropy from logits [n, classes], targets one-hot/probabilities [n, classes]; mean over n. */
  softmaxCrossEntropy(logits: Float32Array, target: Float32Array, grad: Float32Array, n: number, classes: number): number;
  /** Softmax cross-entropy from logits [n, classes], integer labels [n] in [0, classes); mean over n. */
  softmaxCrossEntropyLabels(logits: Float32Array, labels: Int32Array, grad: Float32Array, n: number, classes: number): number;
  /** Binary cross-entropy from logits, targets in [0, 1]; mean over ALL elements. */
  binaryCrossEntropy(logits: Float32Array, target: Float32Array, grad: Float32Array): number;
}

/** The public losses kernels (see README "layers"). */
export interface LossesKernels {
  mse(pred: Float32Array, target: Float32Array, grad: Float32Array): number;
  /**
   * `target` is either one-hot/probabilities (a Float32Array of n·classes)
   * or integer class labels (an Int32Array of n, each in [0, classes)).
   */
  softmaxCrossEntropy(logits: Float32Array, target: Float32Array | Int32Array, grad: Float32Array, n: number, classes: number): number;
  binaryCrossEntropy(logits: Float32Array, target: Float32Array, grad: Float32Array): number;
}

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

function elementwise(fn: string, pred: string, p: unknown, t: unknown, g: unknown): asserts g is Float32Array {
  checkF32(fn, pred, p);
  checkF32(fn, 'target', t);
  checkF32(fn, 'grad', g);
  checkLength(fn, 'target', t, p.length);
  checkLength(fn, 'grad', g, p.length);
  checkNoOverlap(fn, 'grad', g, [[pred, p], ['target', t]], [pred]);
}

export function checkedLosses(raw: RawLosses): LossesKernels {
  return {
    mse(pred, target, grad) {
      elementwise('mse', 'pred', pred, target, grad);
      return raw.mse(pred, target, grad);
    },
    softmaxCrossEntropy(logits, target, grad, n, classes) {
      const fn = 'softmaxCrossEntropy';
      checkF32(fn, 'logits', logits);
      checkF32(fn, 'grad', grad);
      checkInteger(fn, 'n', n, 0);
      checkInteger(fn, 'classes', classes, 1);
      checkLength(fn, 'logits', logits, n * classes);
      checkLength(fn, 'grad', grad, n * classes);
      if (target instanceof Int32Array) {
        if (target.length !== n) throw rangeError(fn, 'target', `of length ${n} (labels)`, `length ${target.length}`);
        checkLabels(fn, 'target', target, classes);
        checkNoOverlap(fn, 'grad', grad, [['logits', logits]], ['logits']);
        return raw.softmaxCrossEntropyLabels(logits, target, grad, n, classes);
      }
      if (!(target instanceof Float32Array)) throw typeError(fn, 'target', 'a Float32Array (one-hot) or an Int32Array (labels)', target);
      checkF32(fn, 'target', target);
      checkLength(fn, 'target', target, n * classes);
      checkNoOverlap(fn, 'grad', grad, [['logits', logits], ['target', target]], ['logits']);
      checkProbabilities(fn, 'target', target);
      return raw.softmaxCrossEntropy(logits, target, grad, n, classes);
    },
    binaryCrossEntropy(logits, target, grad) {
      elementwise('binaryCrossEntropy', 'logits', logits, target, grad);
      checkProbabilities('binaryCrossEntropy', 'target', target);
      return raw.binaryCrossEntropy(logits, target, grad);
    },
  };
}
