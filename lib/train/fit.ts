// The training loop: seeded shuffling, gathered mini-batches, callbacks,
// NaN/Inf handling, abort at batch boundaries, and yielding to the event
// loop every `yieldEveryMs` so a Node service keeps answering while it trains.
// Its arguments are checked in fit-options.ts; the validation pass is
// evaluate.ts's Evaluation.
import { BatchValues } from '../distributed/evaluate.js';
import { Rng } from '../random.js';
import { NonFiniteUpdateError } from '../optim/non-finite.js';
import type { Tensor } from '../tensor.js';
import { whileBusy } from './busy.js';
import type { Compiled } from './compile.js';
import { Evaluation } from './evaluate.js';
import { prepareFit, type PreparedFit } from './fit-options.js';
import { planFor, runPlanned } from './plan-fit.js';
import { createProgress } from './progress.js';
import { nonFiniteLossError, nonFiniteRows } from './non-finite-data.js';
import { BatchBuffers, type Labels } from './targets.js';
import type { Callback, FitOptions, History, Logs, NonFiniteAction, NonFiniteLoss, TrainableModel, TrainingContext, TrainingParams } from './types.js';

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

/** Runs training; the model is marked busy for its whole duration. */
export function fit(model: TrainableModel, c: Compiled, x: Tensor, y: Tensor | Labels, options: FitOptions = {}): Promise<History> {
  return whileBusy('fit', model, async () => {
    const p = prepareFit(model, c, x, y, options);
    // In the background where the plan applies (plan-fit.ts); else step by step here.
    let fallback = 'background: false';
    if (p.background) {
      const plan = planFor(model, c, p);
      if (typeof plan !== 'string') return { ...(await runPlanned(model, c, p, plan, AbortError)), background: true };
      fallback = plan;
    }
    return { ...(await run(model, c, p)), background: false, fallback };
  });
}

async function run(model: TrainableModel, c: Compiled, p: PreparedFit): Promise<History> {
  const { train, batchSize, outputs, dp } = p;
  // Data-parallel: this rank's share of every epoch (the same size on every rank).
  const samples = dp ? Math.ceil(train.rows / dp.group.worldSize) : train.rows;
  const steps = Math.ceil(samples / batchSize);
  const params: TrainingParams = { epochs: p.epochs, batchSize, samples: train.rows, steps, verbose: p.verbose };
  const metrics = c.metrics(outputs);
  const callbacks = p.callbacks;
  if (p.verbose !== 0) callbacks.unshift(createProgress(p.verbose));
  // loss gets its first value with the first epoch; the type promises it to readers of a returned history.
  const history: History = { history: { loss: [] }, epochs: 0, stopReason: 'completed' };
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

  // A batch never holds more rows than an epoch: a batchSize beyond it allocates only what is used.
  const buffers = new BatchBuffers(train, Math.min(batchSize, samples), outputs, samples);
  const order = new Int32Array(train.rows);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const rng = new Rng(dp ? await dp.begin(arenas(model), p.seed) : p.seed);
  const batchLogs: Logs = { size: 0, loss: 0 };
  // L1/L2 penalties (kernelRegularizer): in each batch's loss and in the logs as `regularization`.
  const regularized = model.hasRegularizers === true && model.regularization !== undefined;
  if (regularized) batchLogs.regularization = 0;
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
    const epochOrder = dp ? dp.shard(order) : order;
    let lossSum = 0;
    let regSum = 0;
    let rows = 0;
    sums.fill(0);
    // Data-parallel ranks leave the loop together: a stop is agreed at the next step's reduction.
    for (batchIndex = 0; batchIndex < steps && (dp !== undefined || !stopRequested); batchIndex++) {
      if (performance.now() - lastYield >= p.yieldEveryMs) {
        await nextTick();
        lastYield = performance.now();
      }
      if (dp === undefined && aborted()) abort();
      for (const cb of callbacks) {
        const r = cb.onBatchBegin?.(batchIndex, ctx);
        if (isThenable(r)) await r;
      }
      const begin = batchIndex * batchSize;
      const end = Math.min(begin + batchSize, epochOrder.length);
      const n = end - begin;
      buffers.gather(epochOrder, begin, end);
      if (dp) await dp.syncBuffers(arenas(model));
      model.zeroGrad();
      const pred = model.forward(buffers.x, true);
      for (const cb of callbacks) cb.onBatchForward?.(batchIndex, ctx);
      let loss = c.loss.computeBatch(pred.data, buffers.t, buffers.g.data, n, outputs);
      let stepRows = n;
      if (dp) {
        // Every rank agrees on the batch's loss (so on whether it is finite), and on stop and abort.
        const agreed = await dp.reduceLoss(loss, n, stopRequested, aborted());
        if (agreed.abort) abort();
        if (agreed.stop) {
          stopRequested = true;
          break;
        }
        loss = agreed.loss;
        stepRows = agreed.rows;
      }
      // Every rank holds the same weights, so the same penalty: added after the reduction.
      const penalty = regularized ? model.regularization!(false) : 0;
      loss += penalty;
      if (!Number.isFinite(loss)) {
        const mine = decide(callbacks, { epoch, batch: batchIndex, loss }, ctx);
        const action = dp ? await dp.agree(NON_FINITE_ACTIONS, mine) : mine;
        if (action === 'throw') {
          throw nonFiniteLossError(loss, epoch, batchIndex, steps, nonFiniteRows(train, epochOrder, begin, end));
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
      if (dp) await dp.reduceGrads(arenas(model));
      if (regularized) model.regularization!(true);
      try {
        c.optimizer.step();
      } catch (e) {
        // A finite loss whose update would overflow: the optimizer applied
        // nothing; the same choices as a non-finite loss, naming what
        // overflowed. (Data-parallel ranks hold the same reduced gradients,
        // so they refuse the same step; the action is agreed all the same.)
        if (!(e instanceof NonFiniteUpdateError)) throw e;
        const mine = decide(callbacks, { epoch, batch: batchIndex, loss, update: e }, ctx);
        const action = dp ? await dp.agree(NON_FINITE_ACTIONS, mine) : mine;
        const where = `epoch ${epoch + 1}, batch ${batchIndex + 1} of ${steps} (loss ${loss})`;
        if (action === 'throw') throw new Error(`fit: at ${where}, ${e.message} (lower the learning rate, or decide with a callback's onNonFiniteLoss)`, { cause: e });
        if (action === 'stop') {
          ctx.stop(`the update of '${e.parameter}' became non-finite at epoch ${epoch + 1}, batch ${batchIndex + 1}`);
          break;
        }
        continue; // 'skip'
      }
      lossSum += loss * stepRows;
      regSum += penalty * stepRows;
      rows += stepRows;
      batchLogs.size = n;
      batchLogs.loss = loss;
      if (regularized) batchLogs.regularization = penalty;
      for (const cb of callbacks) {
        const r = cb.onBatchEnd?.(batchIndex, batchLogs, ctx);
        if (isThenable(r)) await r;
      }
    }
    if (dp) {
      // The epoch's metric sums over every rank's batches (rows is already the total).
      const all = Float64Array.from(sums);
      await dp.sum(all);
      sums.set(all);
    }
    const logs: Logs = { loss: rows ? lossSum / rows : NaN };
    if (regularized) logs.regularization = rows ? regSum / rows : NaN;
    metrics.forEach((m, i) => (logs[m.name] = rows ? sums[i]! / (m.per === 'row' ? rows : rows * outputs) : NaN));
    // Rank 0's running statistics everywhere (each rank's last batches moved its own), so
    // that every rank's block of the validation uses the same.
    if (dp && p.val) await dp.syncBuffers(arenas(model));
    if (p.val && dp) {
      // Each rank evaluates its block of batches; every rank logs the sum over all (distributed/evaluate.ts).
      const ev = new Evaluation(model, c, p.val, outputs);
      const bv = new BatchValues(p.val.rows, Math.max(batchSize, 256), metrics, outputs);
      const { first, last } = bv.block(dp.rank, dp.group.worldSize);
      for (let b = first; b < last; b++) {
        if (performance.now() - lastYield >= p.yieldEveryMs) {
          await nextTick();
          lastYield = performance.now();
        }
        ev.measure(b * bv.batch, Math.min((b + 1) * bv.batch, p.val.rows), bv.values, b * bv.stride);
      }
      await bv.gather(dp.group);
      for (const [k, val] of Object.entries(bv.logs(regularized ? model.regularization!(false) : undefined))) logs[`val_${k}`] = val;
    } else if (p.val) {
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
    if (dp) {
      // A stop asked for at the epoch's end (early stopping on rank 0) holds for every rank.
      const agreed = await dp.reduceLoss(0, 1, stopRequested, aborted());
      if (agreed.abort) abort();
      stopRequested = agreed.stop;
    }
  }
  // ... and every rank's trained model.
  if (dp) await dp.syncBuffers(arenas(model));
  if (stopRequested) {
    history.stopReason = 'stopped';
    if (stopMessage !== undefined) history.stopMessage = stopMessage;
  }
  for (const cb of callbacks) await call(cb.onTrainEnd?.(lastLogs, ctx));
  return history;
}

const NON_FINITE_ACTIONS: readonly NonFiniteAction[] = ['throw', 'stop', 'skip'];

/** The flat arenas a data-parallel fit broadcasts and reduces (Sequential has them). */
function arenas(model: TrainableModel): { values: Float32Array; grads: Float32Array; bufferValues?: Float32Array } {
  return model as unknown as { values: Float32Array; grads: Float32Array; bufferValues?: Float32Array };
}

function decide(callbacks: readonly Callback[], info: NonFiniteLoss, ctx: TrainingContext): NonFiniteAction {
  for (const cb of callbacks) {
    const a = cb.onNonFiniteLoss?.(info, ctx);
    if (a === 'throw' || a === 'stop' || a === 'skip') return a;
  }
  return 'throw';
}
