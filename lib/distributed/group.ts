// A process group: collectives over the ranks of one training job. Every
// collective runs off the main thread (an AsyncWorker in the addon) and the
// group runs them one at a time, in call order, as every rank must.
import { checkF32, checkInteger, rangeError, typeError } from '../errors.js';
import type { NativeGroup } from './native.js';

export type ReduceOp = 'sum' | 'mean';

export class ProcessGroup {
  #native: NativeGroup | null;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    native: NativeGroup,
    readonly rank: number,
    readonly worldSize: number,
    /** Milliseconds allowed for each collective. */
    readonly timeout: number,
  ) {
    this.#native = native;
  }

  get closed(): boolean {
    return this.#native === null;
  }

  // Runs `op` after every earlier collective of this group has settled.
  #enqueue<T>(fn: string, op: (g: NativeGroup) => Promise<T>): Promise<T> {
    const native = this.#native;
    if (!native) return Promise.reject(new Error(`${fn}: the process group is closed`));
    const run = this.#tail.then(
      () => op(native),
      () => op(native),
    );
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Reduces `data` over every rank, in place ('sum' or 'mean'). */
  allReduce(data: Float32Array, options: { op?: ReduceOp } = {}): Promise<void> {
    const fn = 'allReduce';
    checkF32(fn, 'data', data);
    if (options === null || typeof options !== 'object') return Promise.reject(typeError(fn, 'options', 'an object', options));
    const op = options.op ?? 'sum';
    if (op !== 'sum' && op !== 'mean') return Promise.reject(rangeError(fn, 'options.op', "'sum' or 'mean'", JSON.stringify(op)));
    return this.#enqueue(fn, (g) => g.allReduce(data, op === 'mean'));
  }

  /** Copies `data` from rank `root` into every rank's `data`, in place. */
  broadcast(data: Float32Array, root = 0): Promise<void> {
    const fn = 'broadcast';
    checkF32(fn, 'data', data);
    checkInteger(fn, 'root', root, 0);
    if (root >= this.worldSize) return Promise.reject(rangeError(fn, 'root', `a rank in [0, ${this.worldSize - 1}]`, root));
    return this.#enqueue(fn, (g) => g.broadcast(data, root));
  }

  /** Resolves once every rank has reached the barrier. */
  barrier(): Promise<void> {
    return this.#enqueue('barrier', (g) => g.barrier());
  }

  /**
   * Internal (the data-parallel training plan): runs `work` in this group's
   * queue of collectives, handing it the native reducer (reducer_abi.h) that
   * the plan's chunk all-reduces with, so the chunk's collectives never
   * overlap another collective of the group nor close().
   */
  withReducer<T>(fn: string, work: (reducer: object) => Promise<T>): Promise<T> {
    return this.#enqueue(fn, (g) => work((this.#reducer ??= g.reducer())));
  }
  #reducer: object | undefined;

  /** Waits for pending collectives, then disconnects. Idempotent. */
  async close(): Promise<void> {
    const native = this.#native;
    if (!native) return;
    await this.#tail;
    this.#native = null;
    this.#reducer = undefined;
    await native.close();
  }
}
