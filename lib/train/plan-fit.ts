// fit in the background: the model, loss and optimizer compiled into a
// native plan (plan-compile.ts), chunks of training steps run in an
// AsyncWorker on a libuv pool thread, each chunk sized to last about
// `chunkMs`, so the event loop is never held by training. Between chunks the
// callbacks run here, on the main thread, for each batch of the chunk in
// order with that batch's own logs (as Keras documents steps_per_execution);
// so do the AbortSignal, progress, early stopping and validation.
//
// The numbers are those of the step-by-step loop in fit.ts, bit for bit:
// the plan calls the same kernels with the same arguments in the same order,
// the batches are gathered by the same shuffled order, the optimizer's
// scalars come from its own update function, and the per-batch and per-epoch
// sums are taken here in the same order as there. Chunk boundaries change
// nothing but when JavaScript gets to run.
//
// Differences, by design: a ctx.stop() or an abort takes effect at the end
// of the running chunk (the chunk's later batches have been applied and are
// reported); onBatchEnd sees the parameters as they are after the chunk.
//
// Data-parallel (the `distributed` option): each step's gradient allreduce
// runs inside the chunk, in the worker, between backward and the update
// (native/plan, Reducer), with the loss and the ranks' decisions (end of
// chunk, stop, abort) in the same buffer, so every rank runs the same steps
// and no step crosses into JavaScript. Between chunks, as on the step path:
// rank 0's choices on a non-finite loss, the epoch's metric sums, the
// validation (each rank evaluates its block of batches) and the stop at the
// end of an epoch are agreed by small collectives.
import { BatchValues } from '../distributed/evaluate.js';
import { BatchNorm1d } from '../layers/batch-norm.js';
import type { DataParallel } from '../distributed/data-parallel.js';
import { nonFiniteLossError, nonFiniteRows } from './non-finite-data.js';
import { Rng } from '../random.js';
import type { Compiled } from './compile.js';
import type { PreparedFit } from './fit-options.js';
import type { Metric } from './metrics.js';
import { guardMethods, hold } from './plan-guard.js';
import { SCALAR_STRIDE, TrainingPlan } from './plan-compile.js';
import { createProgress } from './progress.js';
import { NonFiniteUpdateError } from '../optim/non-finite.js';
import type { DataSet } from './targets.js';
import type { Callback, History, Logs, NonFiniteAction, NonFiniteLoss, TrainableModel, TrainingContext, TrainingParams } from './types.js';

/** What fit has validated (fit-options.ts), as run() in fit.ts gets it. */
export type PlanFitInput = PreparedFit;

type AbortErrorCtor = new (message: string, history: History, options?: { cause?: unknown }) => Error;

/** The batch size validation and evaluate use in fit.ts. */
export function evalBatch(batchSize: number): number {
  return Math.max(batchSize, 256);
}

/**
 * The plan for this fit, or why there is none (then fit runs step by step
 * on the main thread). Callbacks with onBatchForward read activations in the
 * middle of a step, which a native step cannot give them.
 */
export function planFor(model: TrainableModel, c: Compiled, p: PlanFitInput): TrainingPlan | string {
  // Rank 0's running statistics are broadcast before every step's forward pass (fit.ts): the plan has no such hook.
  const buffers = (model as { bufferValues?: Float32Array }).bufferValues;
  if (p.dp !== undefined && buffers !== undefined && buffers.length > 0) return 'a data-parallel model with buffers (running statistics) runs step by step';
  if (p.callbacks.some((cb) => typeof cb.onBatchForward === 'function')) return 'a callback has onBatchForward (diagnostics read activations inside a step)';
  // BatchNorm1d refuses a training batch of 1 row (a RangeError, before any kernel runs): the step path raises it.
  const layers = (model as { layers?: readonly unknown[] }).layers ?? [];
  if (layers.some((l) => l instanceof BatchNorm1d)) {
    // Data-parallel: each rank's shard of ceil(rows / world) rows, batched as one data set (fit.ts).
    const epochRows = p.dp ? Math.ceil(p.train.rows / p.dp.group.worldSize) : p.train.rows;
    const batch = Math.min(p.batchSize, epochRows);
    if (batch < 2 || epochRows % batch === 1) return 'a training batch would hold 1 row, which BatchNorm1d refuses (the step path raises its error)';
  }
  return TrainingPlan.compile(model, {
    loss: c.lossName,
    metrics: c.metrics(p.outputs),
    optimizer: c.optimizer,
    // A batch never holds more rows than its data set (a huge batchSize trains one batch per epoch).
    capacity: Math.max(Math.min(p.batchSize, p.train.rows), p.val ? Math.min(evalBatch(p.batchSize), p.val.rows) : 1),
    labels: p.train.targets.kind === 'labels',
    targetWidth: p.train.targetWidth,
    training: true,
  });
}

function isThenable(r: unknown): r is PromiseLike<unknown> {
  return r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function';
}

async function call(r: unknown): Promise<void> {
  if (isThenable(r)) await r;
}

function decide(callbacks: readonly Callback[], info: NonFiniteLoss, ctx: TrainingContext): NonFiniteAction {
  for (const cb of callbacks) {
    const a = cb.onNonFiniteLoss?.(info, ctx);
    if (a === 'throw' || a === 'stop' || a === 'skip') return a;
  }
  return 'throw';
}

function dataArgs(d: DataSet): [Float32Array, Int32Array | null, Float32Array | null, number] {
  return [d.x, d.targets.kind === 'labels' ? d.targets.labels : null, d.targets.kind === 'values' ? d.targets.values : null, d.rows];
}

function describeModel(model: TrainableModel): string {
  const m = model as unknown as { inputFeatures?: number; layers?: readonly { outFeatures: number }[] };
  const widths = m.layers ? [m.inputFeatures, ...m.layers.map((l) => l.outFeatures)].filter((w, i, a) => i === 0 || w !== a[i - 1]) : [];
  return widths.length ? `Sequential(${widths.join('→')})` : 'the model';
}

/** Runs the fit on the plan; mirrors run() in fit.ts step for step. */
export async function runPlanned(model: TrainableModel, c: Compiled, p: PlanFitInput, plan: TrainingPlan, AbortErrorClass: AbortErrorCtor): Promise<History> {
  const { train, batchSize, outputs, dp } = p;
  const addon = plan.addon;
  const opt = plan.optimizer!;
  const world = dp ? dp.group.worldSize : 1;
  // Data-parallel: this rank's share of every epoch (the same size on every rank).
  const samples = dp ? Math.ceil(train.rows / world) : train.rows;
  const steps = Math.ceil(samples / batchSize);
  const params: TrainingParams = { epochs: p.epochs, batchSize, samples: train.rows, steps, verbose: p.verbose };
  const metrics: Metric[] = c.metrics(outputs);
  const nm = metrics.length;
  const callbacks = p.callbacks;
  if (p.verbose !== 0) callbacks.unshift(createProgress(p.verbose));
  const history: History = { history: { loss: [] }, epochs: 0, stopReason: 'completed' };
  let stopMessage: string | undefined;
  let stopRequested = false;
  let epoch = 0;
  let batchIndex = 0;
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
  const order = new Int32Array(train.rows);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const rng = new Rng(dp ? await dp.begin(model as unknown as { values: Float32Array; grads: Float32Array }, p.seed) : p.seed);
  const batchLogs: Logs = { size: 0, loss: 0 };
  // L1/L2 penalties (kernelRegularizer), as fit.ts: the chunk adds them to each batch's loss and reports them apart.
  const regularized = plan.regularized;
  if (regularized) batchLogs.regularization = 0;
  for (const m of metrics) batchLogs[m.name] = 0;
  const sums = new Float64Array(nm);
  let lastLogs: Logs = {};
  const [x, labels, targets, rows] = dataArgs(train);

  // Per-chunk buffers, grown as chunks get longer.
  let cap = 0;
  let scalars = new Float32Array(0);
  // The next chunk's scalars, computed while this chunk runs (for `aheadSteps` steps from step `aheadFrom`).
  let ahead = new Float32Array(0);
  let aheadFrom = -1;
  let aheadSteps = 0;
  let aheadError: Error | undefined;
  let losses = new Float64Array(0);
  let msum = new Float64Array(0);
  let norms = new Float64Array(0);
  let pens = new Float64Array(0);
  // [0..5] the chunk (native/binding/plan.cc write_result), [6..7] data-parallel, [8..13] a bad index.
  const result = new Float64Array(14);
  // Data-parallel chunk length: the same on every rank (it follows only from
  // agreed results), doubled while chunks finish inside the budget.
  let dpSteps = 1;
  const grow = (k: number): void => {
    if (k <= cap) return;
    cap = Math.max(k, 2 * cap);
    scalars = new Float32Array(cap * opt.spans.length * SCALAR_STRIDE);
    ahead = new Float32Array(cap * opt.spans.length * SCALAR_STRIDE);
    aheadFrom = -1;
    losses = new Float64Array(cap);
    msum = new Float64Array(cap * nm);
    norms = new Float64Array(cap);
    pens = new Float64Array(cap);
  };
  let nsPerStep = 0;
  const budgetNs = p.chunkMs * 1e6;
  const name = describeModel(model);
  const optName = (c.optimizer as { constructor: { name: string } }).constructor.name;
  const unguard = guardMethods(model, c.optimizer, 'model', optName);

  const batchBegin = async (b: number): Promise<void> => {
    for (const cb of callbacks) {
      const r = cb.onBatchBegin?.(b, ctx);
      if (isThenable(r)) await r;
    }
  };
  const aborted = (): boolean => p.signal?.aborted === true;
  const abort = (): never => {
    history.stopReason = 'aborted';
    throw new AbortErrorClass(`fit: aborted at epoch ${epoch + 1}, before batch ${batchIndex + 1} of ${steps}`, history, { cause: p.signal?.reason });
  };
  const background = async (work: () => Promise<void>): Promise<void> => {
    const release = hold([model, c.optimizer], `fit() of ${name} (epoch ${epoch + 1} of ${p.epochs})`);
    try {
      await work();
    } finally {
      release();
    }
  };

  try {
    for (const cb of callbacks) await call(cb.onTrainBegin?.(ctx));
    for (epoch = 0; epoch < p.epochs && !stopRequested; epoch++) {
      batchIndex = 0;
      if (aborted()) abort();
      for (const cb of callbacks) await call(cb.onEpochBegin?.(epoch, ctx));
      if (p.shuffle) rng.shuffle(order);
      const epochOrder = dp ? dp.shard(order) : order;
      let lossSum = 0;
      let regSum = 0;
      let seen = 0;
      sums.fill(0);
      batchIndex = 0;
      // Data-parallel ranks leave the loop together: a stop is agreed inside the next chunk.
      while (batchIndex < steps && (dp !== undefined || !stopRequested)) {
        if (dp === undefined && aborted()) abort();
        if (!opt.current()) throw new Error('fit: the optimizer state arrays were replaced during the fit (loadStateDict with empty state); they cannot be while fit runs in the background');
        // Chunk length: the steps that fit in chunkMs at the last chunk's
        // rate, with headroom (the native loop stops at the budget anyway).
        const left = steps - batchIndex;
        const want = dp ? dpSteps : nsPerStep > 0 ? Math.ceil((1.5 * budgetNs) / nsPerStep) : 1;
        const k = Math.max(1, Math.min(left, want, 1 << 16));
        grow(k);
        let pre: { steps: number; error?: Error };
        if (aheadFrom === opt.step && aheadSteps >= k) {
          // Precomputed while the last chunk ran: swap the buffers.
          [scalars, ahead] = [ahead, scalars];
          pre = { steps: k };
        } else if (aheadFrom === opt.step && aheadError) {
          [scalars, ahead] = [ahead, scalars];
          pre = { steps: Math.min(k, aheadSteps), error: aheadError };
        } else {
          pre = opt.scalars(scalars, k);
        }
        aheadFrom = -1;
        if (pre.steps === 0) throw pre.error!;
        result.fill(0);
        const chunk = (reducer?: object): Promise<void> =>
          reducer === undefined
            ? addon.planChunkAsync(plan.handle, plan.pins, x, labels, targets, rows, order, Math.min(batchSize, rows), batchIndex, pre.steps, scalars, losses, msum, norms, budgetNs, result, null, 0, false, false, pens)
            : addon.planChunkAsync(plan.handle, plan.pins, x, labels, targets, rows, epochOrder, Math.min(batchSize, samples), batchIndex, pre.steps, scalars, losses, msum, norms, budgetNs, result, reducer, samples, stopRequested, aborted(), pens);
        await background(() => {
          const running = dp ? dpChunk(dp, chunk, opt, result, norms) : chunk();
          // While the worker runs: the next chunk's scalars, assuming this one completes.
          const nextK = Math.min(cap, steps - batchIndex - pre.steps, !dp && nsPerStep > 0 ? Math.ceil((1.5 * budgetNs) / nsPerStep) : pre.steps * 2);
          if (nextK > 0 && !pre.error) {
            const r = opt.scalars(ahead, nextK, opt.step + pre.steps);
            aheadFrom = opt.step + pre.steps;
            aheadSteps = r.steps;
            aheadError = r.error;
          }
          return running;
        });
        const done = result[0]!;
        const nonFinite = result[1] === 1;
        const refused = result[3] === 1;
        const stopped = nonFinite || refused ? 1 : 0;
        if (done + stopped > 0) nsPerStep = result[2]! / (done + stopped);
        opt.commit(done, done > 0 ? norms[done - 1]! : NaN);
        // Past the budget (or stopped): about 1.5 times what fitted, as for one process.
        if (dp) dpSteps = done === pre.steps ? Math.min(2 * dpSteps, 1 << 16) : Math.max(1, Math.ceil(1.5 * done));
        for (let i = 0; i < done; i++) {
          const b = batchIndex + i;
          const n = Math.min(batchSize, samples - b * batchSize);
          for (let m = 0; m < nm; m++) {
            const s = msum[i * nm + m]!;
            sums[m]! += s;
            batchLogs[metrics[m]!.name] = s / (metrics[m]!.per === 'row' ? n : n * outputs);
          }
          // Data-parallel: the loss is already the mean over every rank's batch of n rows.
          const loss = losses[i]!;
          lossSum += loss * n * world;
          // fit.ts's penalty · stepRows (stepRows: every rank's rows).
          if (regularized) regSum += pens[i]! * (n * world);
          seen += n * world;
          batchLogs.size = n;
          batchLogs.loss = loss;
          if (regularized) batchLogs.regularization = pens[i]!;
          await batchBegin(b);
          for (const cb of callbacks) {
            const r = cb.onBatchEnd?.(b, batchLogs, ctx);
            if (isThenable(r)) await r;
          }
        }
        batchIndex += done;
        // An index JS changed since fit checked x (a callback writing to it): the step path's RangeError, at the same batch.
        const bad = plan.indexError(result, 8);
        if (bad) throw bad;
        // Data-parallel: another rank met one at this step (its fit raises the RangeError); no rank applied it.
        if (result[8] === 2) throw new Error(`fit: another rank met an index its Embedding cannot look up at epoch ${epoch + 1}, batch ${batchIndex + 1} of ${steps} (its fit raises the RangeError naming it)`);
        if (result[7] === 1) abort(); // some rank's signal fired (agreed in the chunk)
        if (result[6] === 1) {
          stopRequested = true; // some rank asked to stop: no rank applied this batch
          break;
        }
        if (refused) {
          // A finite loss whose update the optimizer's guard refused (nothing
          // was written): as fit.ts, the batch's metrics count, its loss does not.
          const b = batchIndex;
          const n = Math.min(batchSize, samples - b * batchSize);
          for (let m = 0; m < nm; m++) {
            const s = msum[done * nm + m]!;
            sums[m]! += s;
            batchLogs[metrics[m]!.name] = s / (metrics[m]!.per === 'row' ? n : n * outputs);
          }
          const loss = losses[done]!;
          await batchBegin(b);
          const e = opt.refusal(result[4]!, result[5]!) as NonFiniteUpdateError;
          // Every rank holds the same reduced gradients, so refuses the same step; rank 0 decides.
          const mine = decide(callbacks, { epoch, batch: b, loss, update: e }, ctx);
          const action = dp ? await dp.agree(NON_FINITE_ACTIONS, mine) : mine;
          const where = `epoch ${epoch + 1}, batch ${b + 1} of ${steps} (loss ${loss})`;
          if (action === 'throw') throw new Error(`fit: at ${where}, ${e.message} (lower the learning rate, or decide with a callback's onNonFiniteLoss)`, { cause: e });
          if (action === 'stop') {
            ctx.stop(`the update of '${e.parameter}' became non-finite at epoch ${epoch + 1}, batch ${b + 1}`);
            break;
          }
          batchIndex++; // 'skip'
          continue;
        }
        if (nonFinite) {
          const loss = losses[done]!;
          await batchBegin(batchIndex);
          const mine = decide(callbacks, { epoch, batch: batchIndex, loss }, ctx);
          const action = dp ? await dp.agree(NON_FINITE_ACTIONS, mine) : mine;
          if (action === 'throw') {
            const begin = batchIndex * batchSize;
            throw nonFiniteLossError(loss, epoch, batchIndex, steps, nonFiniteRows(train, epochOrder, begin, Math.min(begin + batchSize, samples)));
          }
          if (action === 'stop') {
            ctx.stop(`the loss became ${loss} at epoch ${epoch + 1}, batch ${batchIndex + 1}`);
            break;
          }
          batchIndex++; // 'skip'
          continue;
        }
        if (done === pre.steps && pre.error && batchIndex < steps && !stopRequested) throw pre.error;
      }
      if (dp) {
        // The epoch's metric sums over every rank's batches (seen is already the total).
        const all = Float64Array.from(sums);
        await dp.sum(all);
        sums.set(all);
      }
      const logs: Logs = { loss: seen ? lossSum / seen : NaN };
      if (regularized) logs.regularization = seen ? regSum / seen : NaN;
      metrics.forEach((m, i) => (logs[m.name] = seen ? sums[i]! / (m.per === 'row' ? seen : seen * outputs) : NaN));
      if (p.val) {
        const vb = Math.min(evalBatch(batchSize), p.val.rows);
        const v = dp ? await evaluatePlannedOverRanks(dp, plan, p.val, vb, metrics, outputs, background, model) : await evaluatePlanned(plan, p.val, vb, metrics, outputs, background, model);
        for (const [k, val] of Object.entries(v)) logs[`val_${k}`] = val;
      }
      for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
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
    if (stopRequested) {
      history.stopReason = 'stopped';
      if (stopMessage !== undefined) history.stopMessage = stopMessage;
    }
    for (const cb of callbacks) await call(cb.onTrainEnd?.(lastLogs, ctx));
    return history;
  } finally {
    opt.release();
    unguard();
  }
}

const NON_FINITE_ACTIONS: readonly NonFiniteAction[] = ['throw', 'stop', 'skip'];

/**
 * A data-parallel chunk in the group's queue of collectives. When the
 * allreduce fails (a lost peer, a timeout), the steps before it were applied
 * (result[0]): the optimizer counts them before the error goes on.
 */
async function dpChunk(dp: DataParallel, chunk: (reducer: object) => Promise<void>, opt: { commit(done: number, norm: number): void }, result: Float64Array, norms: Float64Array): Promise<void> {
  try {
    await dp.group.withReducer('fit', chunk);
  } catch (e) {
    const done = result[0]!;
    if (done > 0) {
      opt.commit(done, norms[done - 1]!);
      result[0] = 0; // committed here; the caller never sees this result
    }
    throw e;
  }
}

/**
 * evaluatePlanned over ranks: this rank's block of batches on the plan's
 * forward pass, then every block on every rank, summed in batch order
 * (lib/distributed/evaluate.ts): the single-process numbers, bit for bit.
 */
async function evaluatePlannedOverRanks(
  dp: DataParallel,
  plan: TrainingPlan,
  d: DataSet,
  batch: number,
  metrics: readonly Metric[],
  outputs: number,
  background: (work: () => Promise<void>) => Promise<void>,
  model: TrainableModel | undefined,
): Promise<Logs> {
  const bv = new BatchValues(d.rows, batch, metrics, outputs);
  const { first, last, begin, end } = bv.block(dp.rank, dp.group.worldSize);
  if (last > first) {
    const nb = last - first;
    const nm = metrics.length;
    const loss = new Float64Array(nb);
    const msum = new Float64Array(nb * nm);
    const f = d.features;
    const [x, labels, targets] = dataArgs(d);
    const w = d.targetWidth;
    const status = new Float64Array(6);
    await background(() =>
      plan.addon.planForwardAsync(plan.handle, plan.pins, x.subarray(begin * f, end * f), labels?.subarray(begin, end) ?? null, targets?.subarray(begin * w, end * w) ?? null, end - begin, batch, null, loss, msum, status),
    );
    const bad = plan.indexError(status);
    if (bad) throw bad;
    for (let b = 0; b < nb; b++) {
      bv.values[(first + b) * bv.stride] = loss[b]!;
      for (let m = 0; m < nm; m++) bv.values[(first + b) * bv.stride + 1 + m] = msum[b * nm + m]!;
    }
  }
  await bv.gather(dp.group);
  // As Evaluation.result: the L1/L2 penalties at the current weights (every rank holds the same).
  return bv.logs(model?.hasRegularizers === true && model.regularization ? model.regularization(false) : undefined);
}

/** Loss and metrics over `d` on the plan's forward pass, summed as Evaluation in fit.ts does. */
export async function evaluatePlanned(
  plan: TrainingPlan,
  d: DataSet,
  batch: number,
  metrics: readonly Metric[],
  outputs: number,
  background: (work: () => Promise<void>) => Promise<void>,
  model?: TrainableModel,
): Promise<Logs> {
  const nb = Math.ceil(d.rows / batch);
  const nm = metrics.length;
  const loss = new Float64Array(nb);
  const msum = new Float64Array(nb * nm);
  const status = new Float64Array(6);
  await background(() => plan.addon.planForwardAsync(plan.handle, plan.pins, ...dataArgs(d), batch, null, loss, msum, status));
  const bad = plan.indexError(status);
  if (bad) throw bad;
  let lossSum = 0;
  const sums = new Float64Array(nm);
  for (let b = 0; b < nb; b++) {
    const n = Math.min(batch, d.rows - b * batch);
    lossSum += n * loss[b]!;
    for (let m = 0; m < nm; m++) sums[m]! += msum[b * nm + m]!;
  }
  const logs: Logs = { loss: lossSum / d.rows };
  // Evaluation.result: the L1/L2 penalties at the current weights (on the main thread, between chunks).
  if (model?.hasRegularizers === true && model.regularization) {
    const penalty = model.regularization(false);
    logs.loss! += penalty;
    logs.regularization = penalty;
  }
  metrics.forEach((m, i) => (logs[m.name] = sums[i]! / (m.per === 'row' ? d.rows : d.rows * outputs)));
  return logs;
}
