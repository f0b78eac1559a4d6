// Data-parallel fit: what `fit(x, y, { distributed: group })` does beyond a
// plain fit, kept here so the training loop only calls a few hooks.
//
// - rank 0's seed and parameters are broadcast, so every rank starts equal;
// - each epoch's shuffled order (the same on every rank) is split into
//   disjoint, equal shards, as PyTorch's DistributedSampler does (the order is
//   padded by wrapping around so that every rank runs the same number of steps);
// - per step, the loss is summed over ranks (so every rank agrees on whether
//   it is finite and on what to log) and the gradient arena is averaged over
//   ranks in one fused allreduce; every rank then applies the same update, so
//   parameters and optimizer state stay bitwise identical everywhere.
import { typeError } from '../errors.js';
import { ProcessGroup } from './group.js';

/** What the loop needs from a model: its flat parameter and gradient arenas. */
interface Arenas {
  readonly values: Float32Array;
  readonly grads: Float32Array;
  /** Non-trained state (BatchNorm1d's running statistics), if the model has any. */
  readonly bufferValues?: Float32Array;
}

/** The group each model was last trained with, data-parallel (save() writes on rank 0 only). */
const trainedWith = new WeakMap<object, ProcessGroup>();

/** True for a model trained data-parallel on a rank other than 0: its save() writes nothing. */
export function savesNothing(model: object): boolean {
  const g = trainedWith.get(model);
  return g !== undefined && g.rank !== 0;
}

export class DataParallel {
  private readonly lossBuf = new Float32Array(4);
  private readonly scalar = new Float32Array(2);

  constructor(readonly group: ProcessGroup) {}

  static from(fn: string, value: unknown): DataParallel | undefined {
    if (value === undefined) return undefined;
    if (!(value instanceof ProcessGroup)) throw typeError(fn, 'distributed', 'a ProcessGroup from distributed.init()', value);
    if (value.closed) throw new Error(`${fn}: distributed: the process group is closed`);
    return new DataParallel(value);
  }

  get rank(): number {
    return this.group.rank;
  }
  get isRoot(): boolean {
    return this.group.rank === 0;
  }

  /** Agrees on rank 0's seed and copies rank 0's parameters to every rank. */
  async begin(model: Arenas, seed: number): Promise<number> {
    trainedWith.set(model, this.group);
    // A 32-bit seed in two 16-bit halves: each is exact in float32.
    this.scalar[0] = Math.floor(seed / 65536) % 65536;
    this.scalar[1] = seed % 65536;
    await this.group.broadcast(this.scalar, 0);
    await this.group.broadcast(model.values, 0);
    return this.scalar[0]! * 65536 + this.scalar[1]!;
  }

  /** This rank's rows of the epoch: order[rank], order[rank + W], … over the order padded to a multiple of W. */
  shard(order: Int32Array): Int32Array {
    const w = this.group.worldSize;
    const per = Math.ceil(order.length / w);
    const out = new Int32Array(per);
    for (let i = 0; i < per; i++) out[i] = order[(i * w + this.group.rank) % order.length]!;
    return out;
  }

  /**
   * Sums (loss·rows, rows) over ranks and whether any rank asked to stop or
   * was aborted; returns the mean loss over every rank's batch (NaN or ±Inf
   * if any rank's was), the rows summed, and the agreed flags.
   */
  async reduceLoss(loss: number, rows: number, stop: boolean, abort: boolean): Promise<{ loss: number; rows: number; stop: boolean; abort: boolean }> {
    if (this.group.worldSize === 1) return { loss, rows, stop, abort }; // nothing to agree on: plain fit's numbers
    // Summed in float32: the logged loss carries float32 rounding (the
    // update does not depend on it).
    const b = this.lossBuf;
    b[0] = loss * rows;
    b[1] = rows;
    b[2] = stop ? 1 : 0;
    b[3] = abort ? 1 : 0;
    await this.group.allReduce(b);
    return { loss: b[0]! / b[1]!, rows: b[1]!, stop: b[2]! > 0, abort: b[3]! > 0 };
  }

  /** Rank 0's choice (an index into `choices`) on every rank. */
  async agree<T>(choices: readonly T[], mine: T): Promise<T> {
    this.scalar[0] = choices.indexOf(mine);
    await this.group.broadcast(this.scalar.subarray(0, 1), 0);
    return choices[this.scalar[0]!]!;
  }

  /**
   * Rank 0's buffers (running statistics) on every rank, before each forward
   * pass, as PyTorch's DDP does (broadcast_buffers): each rank's own batches
   * would otherwise move them apart.
   */
  async syncBuffers(model: Arenas): Promise<void> {
    if (model.bufferValues && model.bufferValues.length > 0) await this.group.broadcast(model.bufferValues, 0);
  }

  /** The mean gradient over ranks, in place. */
  reduceGrads(model: Arenas): Promise<void> {
    return this.group.allReduce(model.grads, { op: 'mean' });
  }

  /** Sums each entry of `values` over ranks (epoch totals for the logs). */
  async sum(values: Float64Array): Promise<void> {
    if (this.group.worldSize === 1) return;
    const f = Float32Array.from(values);
    await this.group.allReduce(f);
    for (let i = 0; i < values.length; i++) values[i] = f[i]!;
  }
}
