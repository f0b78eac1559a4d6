// distributed.evaluate: model.evaluate with the work split over the ranks of
// a process group. Each rank evaluates its block of batches; every rank
// returns the numbers model.evaluate returns on one process, bit for bit
// (evaluate.ts says how), provided every rank passes the same data and holds
// the same parameters (as after a data-parallel fit).
import { checkInteger, rangeError, shapeError, typeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkIdle } from '../train/busy.js';
import { requireCompiled, type Compiled } from '../train/compile.js';
import { Evaluation } from '../train/evaluate.js';
import { checkModelAttached, inputWidth } from '../train/fit-options.js';
import { checkSamples, outputWidth } from '../train/predict.js';
import { toDataSet, type Labels } from '../train/targets.js';
import type { EvaluateLogs, TrainableModel } from '../train/types.js';
import { BatchValues } from './evaluate.js';
import { ProcessGroup } from './group.js';

export interface DistributedEvaluateOptions {
  /** The process group whose ranks share the work. */
  group: ProcessGroup;
  /** Rows per batch, as model.evaluate's (default 256). */
  batchSize?: number;
}

/** Loss and metrics on (x, y), each rank evaluating 1/worldSize of the batches. */
export async function evaluate(model: TrainableModel, x: Tensor, y: Tensor | Labels, options: DistributedEvaluateOptions): Promise<EvaluateLogs> {
  const fn = 'distributed.evaluate';
  if (options === null || typeof options !== 'object') throw typeError(fn, 'options', 'an object with a group', options);
  const group = options.group;
  if (!(group instanceof ProcessGroup)) throw typeError(fn, 'options.group', 'a ProcessGroup from distributed.init()', group);
  if (group.closed) throw new Error(`${fn}: options.group: the process group is closed`);
  const batchSize = options.batchSize ?? 256;
  // The checks of model.evaluate (lib/train/evaluate.ts), in its order.
  checkIdle(fn, model);
  checkInteger(fn, 'batchSize', batchSize, 1);
  checkSamples(fn, 'x', x);
  checkModelAttached(fn, model);
  // Model keeps what compile() fixed in a protected getter.
  const c = requireCompiled(fn, (model as unknown as { compiled?: Compiled }).compiled);
  const inputs = inputWidth(model);
  if (inputs !== undefined && x.shape[1] !== inputs) {
    throw shapeError(fn, 'x', `[samples, ${inputs}] (the model's input features)`, x.shape);
  }
  const outputs = outputWidth(model, x.shape[1]!);
  const d = toDataSet(fn, x, y, c.lossName, { inputs, outputs });
  if (d.rows === 0) throw rangeError(fn, 'x', 'at least one row', 'none');
  const ev = new Evaluation(model, c, d, outputs);
  const bv = new BatchValues(d.rows, batchSize, c.metrics(outputs), outputs);
  const { first, last } = bv.block(group.rank, group.worldSize);
  for (let b = first; b < last; b++) ev.measure(b * batchSize, Math.min((b + 1) * batchSize, d.rows), bv.values, b * bv.stride);
  await bv.gather(group);
  // As Evaluation.result: the L1/L2 penalties at the current weights.
  const penalty = model.hasRegularizers === true && model.regularization ? model.regularization(false) : undefined;
  return bv.logs(penalty) as EvaluateLogs;
}
