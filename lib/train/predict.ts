// predict: the forward pass over x in batches (no gradients, no updates), and
// the model's output width that fit, evaluate and predict all need.
import { checkF32, checkInteger, detachedError, isDetached, shapeError, typeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { checkIdle } from './busy.js';
import type { TrainableModel } from './types.js';

/** The model's output width, from its outputFeatures (Sequential) if it has one, else by a one-row forward pass. */
export function outputWidth(model: TrainableModel, features: number): number {
  const m = model as unknown as { outputFeatures?: unknown };
  if (typeof m.outputFeatures === 'number') return m.outputFeatures;
  const y = model.forward(new Tensor(new Float32Array(features), [1, features]), false);
  return y.size;
}

/** x as the [samples, features] Tensor fit, evaluate and predict take. */
export function checkSamples(fn: string, arg: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw typeError(fn, arg, 'a Tensor', x);
  if (x.rank !== 2) throw shapeError(fn, arg, '[samples, features]', x.shape);
}

/** Forward pass over x in batches, into `out` when given ([rows, outputs]). */
export function predict(model: TrainableModel, x: Tensor, out?: Tensor, batchSize = 256): Tensor {
  checkIdle('predict', model);
  checkSamples('predict', 'x', x);
  checkF32('predict', 'x.data', x.data);
  for (const p of model.parameters()) {
    if (isDetached(p.value.data)) throw detachedError('predict', `the model's parameter ${p.name}`);
  }
  checkInteger('predict', 'batchSize', batchSize, 1);
  const [rows, features] = x.shape as [number, number];
  const inputs = (model as unknown as { inputFeatures?: unknown }).inputFeatures;
  if (typeof inputs === 'number' && features !== inputs) {
    throw shapeError('predict', 'x', `[samples, ${inputs}] (the model's input features)`, x.shape);
  }
  const outputs = outputWidth(model, features);
  if (out !== undefined) {
    if (!(out instanceof Tensor)) throw typeError('predict', 'out', 'a Tensor', out);
    checkF32('predict', 'out.data', out.data);
    // The shape, not only the size: an out of [outputs, rows] would be filled row-major as if it were [rows, outputs].
    if (out.rank !== 2 || out.shape[0] !== rows || out.shape[1] !== outputs) {
      throw shapeError('predict', 'out', `[${rows}, ${outputs}]`, out.shape);
    }
  }
  model.checkInput?.('predict', 'x', x.data, rows);
  const result = out ?? Tensor.zeros([rows, outputs]);
  for (let begin = 0; begin < rows; begin += batchSize) {
    const end = Math.min(begin + batchSize, rows);
    const pred = model.forward(new Tensor(x.data.subarray(begin * features, end * features), [end - begin, features]), false);
    result.data.set(pred.data, begin * outputs);
  }
  return result;
}
