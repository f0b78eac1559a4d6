// From a classifier's outputs (logits) to what a user wants: the class of
// each row and its probabilities. Several outputs are softmax logits; one
// output is a binary logit (binaryCrossEntropy), read through the sigmoid.
import { rangeError, typeError } from '../errors.js';
import { Tensor } from '../tensor.js';

function rowsOf(fn: string, logits: unknown): [number, number] {
  if (!(logits instanceof Tensor)) throw typeError(fn, 'logits', 'a Tensor', logits);
  if (logits.rank !== 2) throw rangeError(fn, 'logits', 'of shape [rows, outputs]', `shape [${logits.shape.join(', ')}]`);
  return [logits.shape[0]!, logits.shape[1]!];
}

/** The index of each row's largest value (the first on ties; a row with a NaN gives -1). */
export function argmax(logits: Tensor): Int32Array {
  const [rows, width] = rowsOf('argmax', logits);
  const d = logits.data;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    if (width === 1) {
      // One output: a binary logit; class 1 when it is positive.
      const v = d[r]!;
      out[r] = Number.isNaN(v) ? -1 : v > 0 ? 1 : 0;
      continue;
    }
    let best = 0;
    let v = d[r * width]!;
    for (let j = 1; j < width && !Number.isNaN(v); j++) {
      const x = d[r * width + j]!;
      if (x > v || Number.isNaN(x)) {
        v = x;
        best = j;
      }
    }
    out[r] = Number.isNaN(v) ? -1 : best;
  }
  return out;
}

/**
 * Each row's class probabilities: softmax of the logits (computed stably,
 * in float64, rounded once); one output column p = sigmoid(logit) gives the
 * two columns [1 − p, p].
 */
export function softmax(logits: Tensor): Tensor {
  const [rows, width] = rowsOf('softmax', logits);
  const d = logits.data;
  if (width === 1) {
    const out = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      const p = 1 / (1 + Math.exp(-d[r]!));
      out[2 * r] = 1 - p;
      out[2 * r + 1] = p;
    }
    return new Tensor(out, [rows, 2]);
  }
  const out = new Float32Array(rows * width);
  const e = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < width; j++) max = Math.max(max, d[r * width + j]!);
    let s = 0;
    for (let j = 0; j < width; j++) s += e[j] = Math.exp(d[r * width + j]! - max);
    for (let j = 0; j < width; j++) out[r * width + j] = e[j]! / s;
  }
  return new Tensor(out, [rows, width]);
}

/** Anything with predict(x) → logits (a Sequential). */
export interface Predictor {
  predict(x: Tensor): Tensor;
}

/** model.predict(x) turned into one class id per row (see argmax). */
export function predictClasses(model: Predictor, x: Tensor): Int32Array {
  if (model === null || typeof model !== 'object' || typeof (model as Predictor).predict !== 'function') throw typeError('predictClasses', 'model', 'a model with predict()', model);
  return argmax(model.predict(x));
}

/** model.predict(x) turned into class probabilities, [rows, classes] (see softmax). */
export function predictProba(model: Predictor, x: Tensor): Tensor {
  if (model === null || typeof model !== 'object' || typeof (model as Predictor).predict !== 'function') throw typeError('predictProba', 'model', 'a model with predict()', model);
  return softmax(model.predict(x));
}
