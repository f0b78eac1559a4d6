// Validation over ranks: each rank evaluates one contiguous block of the
// data set's batches (so validation costs 1/world of a full pass), then every
// rank gets every batch's loss and metric sums and adds them up in batch
// order, exactly as a single process does. The per-batch values travel as
// raw bytes (one broadcast per rank's block, a float64 viewed as two
// float32 words, never summed by the collective), so nothing is rounded on
// the way: the logged numbers are the single-process evaluation's bits,
// provided every rank passes the same validation data (as for training).
import type { Metric } from '../train/metrics.js';
import type { Logs } from '../train/types.js';
import type { ProcessGroup } from './group.js';

/** The batches [begin, end) rank `rank` of `world` evaluates, out of `batches`. */
export function batchBlock(batches: number, rank: number, world: number): [number, number] {
  return [Math.floor((rank * batches) / world), Math.floor(((rank + 1) * batches) / world)];
}

/**
 * Per-batch values of one data set: `values[b * stride]` is batch b's mean
 * loss and `values[b * stride + 1 + m]` its sum of metric m, stride = 1 +
 * metrics. Each rank fills its own block (batchBlock); after gather() every
 * rank holds every block.
 */
export class BatchValues {
  readonly values: Float64Array;
  readonly stride: number;
  readonly batches: number;

  constructor(
    readonly rows: number,
    readonly batch: number,
    readonly metrics: readonly Metric[],
    readonly outputs: number,
  ) {
    this.stride = 1 + metrics.length;
    this.batches = Math.ceil(rows / batch);
    this.values = new Float64Array(this.batches * this.stride);
  }

  /** Rows [begin, end) of this rank's block. */
  block(rank: number, world: number): { first: number; last: number; begin: number; end: number } {
    const [first, last] = batchBlock(this.batches, rank, world);
    return { first, last, begin: Math.min(first * this.batch, this.rows), end: Math.min(last * this.batch, this.rows) };
  }

  /** Copies every rank's block to every rank: one broadcast per rank, of bytes. */
  async gather(group: ProcessGroup): Promise<void> {
    const w = group.worldSize;
    for (let r = 0; r < w; r++) {
      const { first, last } = this.block(r, w);
      const bytes = new Float32Array(this.values.buffer, this.values.byteOffset + first * this.stride * 8, (last - first) * this.stride * 2);
      await group.broadcast(bytes, r);
    }
  }

  /**
   * The logs, summed in batch order as Evaluation (lib/train/evaluate.ts) and
   * evaluatePlanned sum them. `penalty`: the model's L1/L2 penalty at the
   * current weights (undefined without regularisers), added to the loss and
   * logged as `regularization`, as Evaluation.result does.
   */
  logs(penalty?: number): Logs {
    const { values, stride, metrics, rows, batch, outputs } = this;
    let lossSum = 0;
    const sums = new Float64Array(metrics.length);
    for (let b = 0; b < this.batches; b++) {
      const n = Math.min(batch, rows - b * batch);
      lossSum += n * values[b * stride]!;
      for (let m = 0; m < metrics.length; m++) sums[m]! += values[b * stride + 1 + m]!;
    }
    const logs: Logs = { loss: lossSum / rows };
    if (penalty !== undefined) {
      logs.loss! += penalty;
      logs.regularization = penalty;
    }
    metrics.forEach((m, i) => (logs[m.name] = sums[i]! / (m.per === 'row' ? rows : rows * outputs)));
    return logs;
  }
}
