// The training loop: seeded shuffling, gathered mini-batches, callbacks,
// NaN/Inf handling, abort at batch boundaries, and yielding to the event
// loop every `yieldEveryMs` so a Node service keeps answering while it trains.
import { Tensor } from '../tensor.js';
import { Rng } from '../random.js';
import type { TrainLoss } from './loss.js';
import type { Metric } from './metrics.js';
import { createProgress } from './progress.js';
import { BatchBuffers, sliceRows, toDataSet, type DataSet } from './targets.js';
import { planFor, runPlanned } from './plan-fit.js';
import { assertFree } from './plan-guard.js';
import type {
  Callback,
  FitOptions,
  History,
  Logs,
  LossName,
  NonFiniteAction,
  OptimizerLike,
  TrainableModel,
  TrainingContext,
  TrainingParams,
} from './types.js';

/** What compile() fixed for a model. */
export interface Compiled {
  optimizer: OptimizerLike;
  loss: TrainLoss;
  lossName: LossName;
  metricNames: readonly string[];
  /** Built lazily: metrics depend on the output width. */
  metrics(outputs: number): Metric[];
  /** The compile options as given, for model.json. */
  config: Record<string, unknown>;
}

/** Thrown by fit when its AbortSignal fires; `history` holds the completed epochs. */
export class AbortError extends Error {
  override name = 'AbortError';
  constructor(
    message: string,
    readonly history: History,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const NO_INPUT_GRADIENT = Object.freeze({ inputGradient: false as const });

/** The busy flag: one fit at a time per model, and no predict during it. */
const busy = new WeakSet<object>();

export function checkIdle(fn: string, model: object): void {
  checkNotTraining(fn, model);
  assertFree(fn, model); // a predictAsync running on a worker thread
}

/** Throws while a fit() of this model has not finished. */
export function checkNotTraining(fn: string, model: object): void {
  if (busy.has(model)) {
    throw new Error(`${fn}: this model is being trained by a fit() that has not finished; await it (or abort it) first`);
  }
}

/** The model's output width, from its outputFeatures (Sequential) if it has one, else by a one-row forward pass. */
export function outputWidth(model: TrainableModel, features: number): number {
  const m = model as unknown as { outputFeatures?: unknown };
  if (typeof m.outputFeatures === 'number') return m.outputFeatures;
  const y = model.forward(new Tensor(new Float32Array(features), [1, features]), false);
  return y.size;
}

function positiveInt(fn: string, name: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** True for a promise a callback returned; plain returns are not awaited, so a batch allocates no promise. */
function isThenable(r: unknown): r is PromiseLike<unknown> {
  return r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function';
}

async function call(r: unknown): Promise<void> {
  if (isThenable(r)) await r;
}

interface Prepared {
  train: DataSet;
  val: DataSet | undefined;
  outputs: number;
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  callbacks: Callback[];
  signal: AbortSignal | undefined;
  verbose: 0 | 1 | 2;
  yieldEveryMs: number;
  background: boolean;
  chunkMs: number;
}

function prepare(model: TrainableModel, c: Compiled, x: unknown, y: unknown, o: FitOptions): Prepared {
  const fn = 'fit';
  if (o === null || typeof o !== 'object') throw new TypeError(`${fn}: options must be an object`);
  const epochs = positiveInt(fn, 'epochs', o.epochs ?? 1);
  const batchSize = positiveInt(fn, 'batchSize', o.batchSize ?? 32);
  const yieldEveryMs = o.yieldEveryMs ?? 10;
  if (typeof yieldEveryMs !== 'number' || !(yieldEveryMs >= 0)) throw new RangeError(`${fn}: yieldEveryMs must be a number >= 0, got ${String(yieldEveryMs)}`);
  const background = o.background ?? true;
  if (typeof background !== 'boolean') throw new TypeError(`${fn}: background must be a boolean, got ${String(background)}`);
  const chunkMs = o.chunkMs ?? 4;
  if (typeof chunkMs !== 'number' || !(chunkMs > 0 && chunkMs <= 60_000)) throw new RangeError(`${fn}: chunkMs must be a number in (0, 60000], got ${String(chunkMs)}`);
  const verbose = o.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new RangeError(`${fn}: verbose must be 0, 1 or 2, got ${String(verbose)}`);
  if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isInteger(o.seed))) throw new RangeError(`${fn}: seed must be an integer, got ${String(o.seed)}`);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new TypeError(`${fn}: signal must be an AbortSignal`);
  const callbacks = [...(o.callbacks ?? [])];
  if (x instanceof Tensor && x.rank !== 2) throw new RangeError(`${fn}: x must have shape [samples, features], got [${x.shape.join(', ')}]`);
  const outputs = x instanceof Tensor ? outputWidth(model, x.shape[1]!) : 0;
  let all = toDataSet(fn, x, y, c.lossName, outputs);
  let val: DataSet | undefined;
  if (o.validationData !== undefined && o.validationSplit !== undefined) throw new TypeError(`${fn}: give validationSplit or validationData, not both`);
  if (o.validationData !== undefined) {
    const vd = o.validationData;
    if (!Array.isArray(vd) || vd.length !== 2) throw new TypeError(`${fn}: validationData must be [x, y]`);
    val = toDataSet(fn, vd[0], vd[1], c.lossName, outputs, 'validationData[0]', 'validationData[1]');
    if (val.features !== all.features) throw new RangeError(`${fn}: validationData[0] must have ${all.features} features like x, got ${val.features}`);
  } else if (o.validationSplit !== undefined) {
    const s = o.validationSplit;
    if (typeof s !== 'number' || !(s > 0 && s < 1)) throw new RangeError(`${fn}: validationSplit must be in (0, 1), got ${String(s)}`);
    const cut = Math.floor(all.rows * (1 - s));
    if (cut === 0 || cut === all.rows) throw new RangeError(`${fn}: validationSplit ${s} of ${all.rows} rows leaves an empty training or validation set`);
    val = sliceRows(all, cut, all.rows);
    all = sliceRows(all, 0, cut);
  }
  if (all.rows === 0) throw new RangeError(`${fn}: x has no rows`);
  return {
    train: all,
    val,
    outputs,
    epochs,
    batchSize,
    shuffle: o.shuffle ?? true,
    seed: o.seed ?? Math.floor(Math.random() * 2 ** 32),
    callbacks,
    signal: o.signal,
    verbose,
    yieldEveryMs,
    background,
    chunkMs,
  };
}

/** Runs training; the model is marked busy for its whole duration. */
export async function fit(model: TrainableModel, c: Compiled, x: Tensor, y: Tensor, options: FitOptions = {}): Promise<History> {
  checkIdle('fit', model);
  const p = prepare(model, c, x, y, options);
  busy.add(model);
  try {
    // In the background where the plan applies (plan-fit.ts); else step by step here.
    let fallback: string | undefined = 'background: false';
    if (p.background) {
      const plan = planFor(model, c, p);
      if (typeof plan !== 'string') return { ...(await runPlanned(model, c, p, plan, AbortError)), background: true };
      fallback = plan;
    }
    return { ...(await run(model, c, p)), background: false, fallback };
  } finally {
    busy.delete(model);
  }
}

async function run(model: TrainableModel, c: Compiled, p: Prepared): Promise<History> {
  const { train, batchSize, outputs } = p;
  const steps = Math.ceil(train.rows / batchSize);
  const params: TrainingParams = { epochs: p.epochs, batchSize, samples: train.rows, steps, verbose: p.verbose };
  const metrics = c.metrics(outputs);
  const callbacks = p.callbacks;
  if (p.verbose !== 0) callbacks.unshift(createProgress(p.verbose));
  const history: History = { history: {}, epochs: 0, stopReason: 'completed' };
  let stopMessage: string | undefined;
  let stopRequested = false;
  let epoch = 0;
  const ctx: TrainingContext = {
    model,
    optimizer: c.optimizer,
    params,
    get epoch() {
      return epoch;
    },
    stop(reason) {
      stopRequested = true;
      stopMessage ??= reason;
    },
  };

  const buffers = new BatchBuffers(train, batchSize, outputs);
  const order = new Int32Array(train.rows);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const rng = new Rng(p.seed);
  const batchLogs: Logs = { size: 0, loss: 0 };
  for (const m of metrics) batchLogs[m.name] = 0;
  const sums = new Float64Array(metrics.length);
  let lastYield = performance.now();
  let lastLogs: Logs = {};

  const aborted = (): boolean => p.signal?.aborted === true;
  const abort = (): never => {
    history.stopReason = 'aborted';
    throw new AbortError(`fit: aborted at epoch ${epoch + 1}, before batch ${batchIndex + 1} of ${steps}`, history, { cause: p.signal?.reason });
  };
  let batchIndex = 0;

  for (const cb of callbacks) await call(cb.onTrainBegin?.(ctx));
  for (epoch = 0; epoch < p.epochs && !stopRequested; epoch++) {
    batchIndex = 0; // an abort here is before the epoch's first batch
    if (aborted()) abort();
    for (const cb of callbacks) await call(cb.onEpochBegin?.(epoch, ctx));
    if (p.shuffle) rng.shuffle(order);
    let lossSum = 0;
    let rows = 0;
    sums.fill(0);
    for (batchIndex = 0; batchIndex < steps && !stopRequested; batchIndex++) {
      if (performance.now() - lastYield >= p.yieldEveryMs) {
        await nextTick();
        lastYield = performance.now();
      }
      if (aborted()) abort();
      const begin = batchIndex * batchSize;
      const end = Math.min(begin + batchSize, train.rows);
      const n = end - begin;
      buffers.gather(order, begin, end);
      model.zeroGrad();
      const pred = model.forward(buffers.x, true);
      for (const cb of callbacks) cb.onBatchForward?.(batchIndex, ctx);
      const loss = c.loss.compute(pred.data, buffers.t, buffers.g.data, n, outputs);
      if (!Number.isFinite(loss)) {
        const action = decide(callbacks, { epoch, batch: batchIndex, loss }, ctx);
        if (action === 'throw') {
          throw new Error(
            `fit: the loss became ${loss} at epoch ${epoch + 1}, batch ${batchIndex + 1} of ${steps}; that batch's update was not applied (lower the learning rate, or decide with a callback's onNonFiniteLoss)`,
          );
        }
        if (action === 'stop') {
          ctx.stop(`the loss became ${loss} at epoch ${epoch + 1}, batch ${batchIndex + 1}`);
          break;
        }
        continue; // 'skip'
      }
      for (let m = 0; m < metrics.length; m++) {
        const s = metrics[m]!.sum(pred.data, buffers.t, n, outputs);
        sums[m]! += s;
        batchLogs[metrics[m]!.name] = s / (metrics[m]!.per === 'row' ? n : n * outputs);
      }
      model.backward(buffers.g, NO_INPUT_GRADIENT);
      c.optimizer.step();
      lossSum += loss * n;
      rows += n;
      batchLogs.size = n;
      batchLogs.loss = loss;
      for (const cb of callbacks) {
        const r = cb.onBatchEnd?.(batchIndex, batchLogs, ctx);
        if (isThenable(r)) await r;
      }
    }
    const logs: Logs = { loss: rows ? lossSum / rows : NaN };
    metrics.forEach((m, i) => (logs[m.name] = rows ? sums[i]! / (m.per === 'row' ? rows : rows * outputs) : NaN));
    if (p.val) {
      const ev = new Evaluation(model, c, p.val, outputs);
      const vb = Math.max(batchSize, 256);
      for (let begin = 0; begin < p.val.rows; begin += vb) {
        if (performance.now() - lastYield >= p.yieldEveryMs) {
          await nextTick();
          lastYield = performance.now();
        }
        ev.add(begin, Math.min(begin + vb, p.val.rows));
      }
      for (const [k, val] of Object.entries(ev.result())) logs[`val_${k}`] = val;
    }
    for (const [k, val] of Object.entries(logs)) (history.history[k] ??= []).push(val);
    history.epochs = epoch + 1;
    lastLogs = logs;
    for (const cb of callbacks) await call(cb.onEpochEnd?.(epoch, logs, ctx));
  }
  if (stopRequested) {
    history.stopReason = 'stopped';
    if (stopMessage !== undefined) history.stopMessage = stopMessage;
  }
  for (const cb of callbacks) await call(cb.onTrainEnd?.(lastLogs, ctx));
  return history;
}

function decide(callbacks: readonly Callback[], info: { epoch: number; batch: number; loss: number }, ctx: TrainingContext): NonFiniteAction {
  for (const cb of callbacks) {
    const a = cb.onNonFiniteLoss?.(info, ctx);
    if (a === 'throw' || a === 'stop' || a === 'skip') return a;
  }
  return 'throw';
}

/** Loss and metrics over a data set, accumulated batch by batch (no gradients, no updates). */
class Evaluation {
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
    this.lossSum += n * this.c.loss.compute(pred.data, b.targets, this.grad.subarray(0, n * outputs), n, outputs);
    this.metrics.forEach((m, i) => (this.sums[i]! += m.sum(pred.data, b.targets, n, outputs)));
    this.rows += n;
  }

  result(): Logs {
    const logs: Logs = { loss: this.lossSum / this.rows };
    this.metrics.forEach((m, i) => (logs[m.name] = this.sums[i]! / (m.per === 'row' ? this.rows : this.rows * this.outputs)));
    return logs;
  }
}

export function evaluate(model: TrainableModel, c: Compiled, x: Tensor, y: Tensor, batchSize = 256): Logs {
  checkIdle('evaluate', model);
  positiveInt('evaluate', 'batchSize', batchSize);
  if (!(x instanceof Tensor)) throw new TypeError(`evaluate: x must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.rank !== 2) throw new RangeError(`evaluate: x must have shape [samples, features], got [${x.shape.join(', ')}]`);
  const outputs = outputWidth(model, x.shape[1]!);
  const d = toDataSet('evaluate', x, y, c.lossName, outputs);
  if (d.rows === 0) throw new RangeError('evaluate: x has no rows');
  const ev = new Evaluation(model, c, d, outputs);
  for (let begin = 0; begin < d.rows; begin += batchSize) ev.add(begin, Math.min(begin + batchSize, d.rows));
  return ev.result();
}

/** Forward pass over x in batches, into `out` when given ([rows, outputs]). */
export function predict(model: TrainableModel, x: Tensor, out?: Tensor, batchSize = 256): Tensor {
  checkIdle('predict', model);
  if (!(x instanceof Tensor)) throw new TypeError(`predict: x must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.rank !== 2) throw new RangeError(`predict: x must have shape [samples, features], got [${x.shape.join(', ')}]`);
  positiveInt('predict', 'batchSize', batchSize);
  const [rows, features] = x.shape as [number, number];
  const outputs = outputWidth(model, features);
  if (out !== undefined) {
    if (!(out instanceof Tensor)) throw new TypeError('predict: out must be a Tensor');
    if (out.size !== rows * outputs) throw new RangeError(`predict: out must have shape [${rows}, ${outputs}], got [${out.shape.join(', ')}]`);
  }
  const result = out ?? Tensor.zeros([rows, outputs]);
  for (let begin = 0; begin < rows; begin += batchSize) {
    const end = Math.min(begin + batchSize, rows);
    const pred = model.forward(new Tensor(x.data.subarray(begin * features, end * features), [end - begin, features]), false);
    result.data.set(pred.data, begin * outputs);
  }
  return result;
}
