// evaluate, and the accumulation of loss and metrics over a data set batch by
// batch that fit's validation pass shares.
import { checkInteger, rangeError, shapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { checkIdle } from './busy.js';
import type { Compiled } from './compile.js';
import type { Metric } from './metrics.js';
import { checkModelAttached, inputWidth } from './fit-options.js';
import { checkSamples, outputWidth } from './predict.js';
import { sliceRows, toDataSet, type DataSet, type Labels } from './targets.js';
import type { EvaluateLogs, TrainableModel } from './types.js';

/** Loss and metrics over a data set, accumulated batch by batch (no gradients, no updates). */
export class Evaluation {
  private readonly metrics: Metric[];
  private readonly sums: Float64Array;
  private lossSum = 0;
  private rows = 0;
  private grad = new Float32Array(0);

  constructor(
    private readonly model: TrainableModel,
    private readonly c: Compiled,
    private readonly d: DataSet,
    private readonly outputs: number,
  ) {
    this.metrics = c.metrics(outputs);
    this.sums = new Float64Array(this.metrics.length);
  }

  add(begin: number, end: number): void {
    const { d, outputs } = this;
    const n = end - begin;
    const b = sliceRows(d, begin, end);
    const pred = this.model.forward(new Tensor(b.x, [n, d.features]), false);
    if (this.grad.length < n * outputs) this.grad = new Float32Array(n * outputs);
    this.lossSum += n * this.c.loss.computeBatch(pred.data, b.targets, this.grad.subarray(0, n * outputs), n, outputs);
    this.metrics.forEach((m, i) => (this.sums[i]! += m.sum(pred.data, b.targets, n, outputs)));
    this.rows += n;
  }

  /**
   * Batch [begin, end)'s mean loss into out[at] and its metric sums into
   * out[at + 1 + m], computed as add() computes them, without accumulating
   * (data-parallel validation gathers these per batch: lib/distributed/evaluate.ts).
   */
  measure(begin: number, end: number, out: Float64Array, at: number): void {
    const { d, outputs } = this;
    const n = end - begin;
    const b = sliceRows(d, begin, end);
    const pred = this.model.forward(new Tensor(b.x, [n, d.features]), false);
    if (this.grad.length < n * outputs) this.grad = new Float32Array(n * outputs);
    out[at] = this.c.loss.computeBatch(pred.data, b.targets, this.grad.subarray(0, n * outputs), n, outputs);
    this.metrics.forEach((m, i) => (out[at + 1 + i] = m.sum(pred.data, b.targets, n, outputs)));
  }

  result(): EvaluateLogs {
    const logs: EvaluateLogs = { loss: this.lossSum / this.rows };
    // The L1/L2 penalties at the current weights, as fit adds them: loss and val_loss measure one objective.
    if (this.model.hasRegularizers === true && this.model.regularization) {
      const penalty = this.model.regularization(false);
      logs.loss! += penalty;
      logs.regularization = penalty;
    }
    this.metrics.forEach((m, i) => (logs[m.name] = this.sums[i]! / (m.per === 'row' ? this.rows : this.rows * this.outputs)));
    return logs;
  }
}

export function evaluate(model: TrainableModel, c: Compiled, x: Tensor, y: Tensor | Labels, batchSize = 256): EvaluateLogs {
  checkIdle('evaluate', model);
  checkInteger('evaluate', 'batchSize', batchSize, 1);
  checkSamples('evaluate', 'x', x);
  checkModelAttached('evaluate', model);
  const inputs = inputWidth(model);
  if (inputs !== undefined && x.shape[1] !== inputs) {
    throw shapeError('evaluate', 'x', `[samples, ${inputs}] (the model's input features)`, x.shape);
  }
  const outputs = outputWidth(model, x.shape[1]!);
  const d = toDataSet('evaluate', x, y, c.lossName, { inputs, outputs });
  if (d.rows === 0) throw rangeError('evaluate', 'x', 'at least one row', 'none');
  model.checkInput?.('evaluate', 'x', d.x, d.rows);
  const ev = new Evaluation(model, c, d, outputs);
  for (let begin = 0; begin < d.rows; begin += batchSize) ev.add(begin, Math.min(begin + batchSize, d.rows));
  return ev.result();
}
