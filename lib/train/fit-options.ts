// fit's arguments: every option checked (nothing is trained or changed when
// one is wrong), defaults filled in, and the validation set split off.
import { DataParallel } from '../distributed/data-parallel.js';
import { checkInteger, checkKnownKeys, describe, detachedError, isDetached, rangeError, shapeError, typeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import type { Compiled } from './compile.js';
import { checkSamples, outputWidth } from './predict.js';
import { sliceRows, toDataSet, type DataSet } from './targets.js';
import type { Callback, FitOptions, TrainableModel } from './types.js';

/** fit's options checked and resolved, and the data split into training and validation sets. */
export interface PreparedFit {
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
  /** Train on the native plan in an AsyncWorker where it applies (plan-fit.ts). */
  background: boolean;
  chunkMs: number;
  /** Data-parallel training over a process group (fit's `distributed` option). */
  dp: DataParallel | undefined;
}

// Typed as a record over FitOptions' (and Callback's) keys, so an option or
// hook added to the types without being added here fails to compile instead
// of being refused at run time as unknown.
const FIT_OPTION_KEYS: Record<keyof FitOptions, true> = {
  epochs: true,
  batchSize: true,
  shuffle: true,
  seed: true,
  validationSplit: true,
  validationData: true,
  callbacks: true,
  signal: true,
  verbose: true,
  yieldEveryMs: true,
  distributed: true,
  callbacksOnAllRanks: true,
  background: true,
  chunkMs: true,
};
const FIT_OPTIONS = Object.keys(FIT_OPTION_KEYS);
const HOOK_KEYS: Record<keyof Callback, true> = {
  onTrainBegin: true,
  onTrainEnd: true,
  onBatchBegin: true,
  onEpochBegin: true,
  onEpochEnd: true,
  onBatchEnd: true,
  onBatchForward: true,
  onNonFiniteLoss: true,
};
const HOOKS = Object.keys(HOOK_KEYS) as (keyof Callback)[];

/** The model's input features when it declares them (Sequential does). */
export function inputWidth(model: TrainableModel): number | undefined {
  const f = (model as unknown as { inputFeatures?: unknown }).inputFeatures;
  return typeof f === 'number' ? f : undefined;
}

/** Every parameter's memory attached (an arena transferred to a worker is detached), else a TypeError naming it. */
export function checkModelAttached(fn: string, model: TrainableModel): void {
  for (const p of model.parameters()) {
    if (isDetached(p.value.data) || isDetached(p.grad.data)) {
      throw detachedError(fn, `the model's parameter ${p.name}`);
    }
  }
}

function checkCallbacks(fn: string, v: unknown): Callback[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw typeError(fn, 'callbacks', 'an array of callbacks', v);
  v.forEach((cb: unknown, i) => {
    if (cb === null || typeof cb !== 'object') throw typeError(fn, `callbacks[${i}]`, 'an object with hooks (onEpochEnd, ...)', cb);
    for (const h of HOOKS) {
      const f = (cb as Record<string, unknown>)[h];
      if (f !== undefined && typeof f !== 'function') throw typeError(fn, `callbacks[${i}].${h}`, 'a function', f);
    }
  });
  return [...(v as Callback[])];
}

export function prepareFit(model: TrainableModel, c: Compiled, x: unknown, y: unknown, o: FitOptions): PreparedFit {
  const fn = 'fit';
  if (o === null || typeof o !== 'object') throw typeError(fn, 'options', 'an object', o);
  checkKnownKeys(fn, 'options.', o, FIT_OPTIONS);
  checkModelAttached(fn, model);
  const epochs = checkInteger(fn, 'epochs', o.epochs ?? 1, 1);
  const batchSize = checkInteger(fn, 'batchSize', o.batchSize ?? 32, 1);
  const yieldEveryMs = o.yieldEveryMs ?? 10;
  if (typeof yieldEveryMs !== 'number') throw typeError(fn, 'yieldEveryMs', 'a number >= 0', yieldEveryMs);
  if (!(yieldEveryMs >= 0)) throw rangeError(fn, 'yieldEveryMs', 'a number >= 0', describe(yieldEveryMs));
  const background = o.background ?? true;
  if (typeof background !== 'boolean') throw typeError(fn, 'background', 'a boolean', background);
  const chunkMs = o.chunkMs ?? 4;
  if (typeof chunkMs !== 'number') throw typeError(fn, 'chunkMs', 'a number in (0, 60000]', chunkMs);
  if (!(chunkMs > 0 && chunkMs <= 60_000)) throw rangeError(fn, 'chunkMs', 'a number in (0, 60000]', describe(chunkMs));
  const verbose = o.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw rangeError(fn, 'verbose', '0, 1 or 2', describe(verbose));
  if (o.seed !== undefined) {
    if (typeof o.seed !== 'number') throw typeError(fn, 'seed', 'an integer', o.seed);
    if (!Number.isInteger(o.seed)) throw rangeError(fn, 'seed', 'an integer', describe(o.seed));
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw typeError(fn, 'signal', 'an AbortSignal', o.signal);
  if (o.shuffle !== undefined && typeof o.shuffle !== 'boolean') throw typeError(fn, 'shuffle', 'a boolean', o.shuffle);
  const checkedCallbacks = checkCallbacks(fn, o.callbacks);
  const dp = DataParallel.from(fn, o.distributed);
  // Callbacks and the progress bar run on rank 0 unless asked otherwise.
  const quiet = dp !== undefined && !dp.isRoot && o.callbacksOnAllRanks !== true;
  const callbacks = quiet ? [] : checkedCallbacks;
  if (x instanceof Tensor) checkSamples(fn, 'x', x);
  const inputs = inputWidth(model);
  if (x instanceof Tensor && inputs !== undefined && x.shape[1] !== inputs) {
    throw shapeError(fn, 'x', `[samples, ${inputs}] (the model's input features)`, x.shape);
  }
  const outputs = x instanceof Tensor ? outputWidth(model, x.shape[1]!) : 0;
  const shape = { inputs, outputs };
  let all = toDataSet(fn, x, y, c.lossName, shape);
  // Values the first layer refuses (an Embedding index out of range), rows numbered as in x: before anything is trained.
  model.checkInput?.(fn, 'x', all.x, all.rows);
  let val: DataSet | undefined;
  if (o.validationData !== undefined && o.validationSplit !== undefined) {
    throw rangeError(fn, 'validationData', 'left out when validationSplit is given (give one of them)', 'both');
  }
  if (o.validationData !== undefined) {
    const vd = o.validationData;
    if (!Array.isArray(vd) || vd.length !== 2) throw typeError(fn, 'validationData', 'an array [x, y]', vd);
    val = toDataSet(fn, vd[0], vd[1], c.lossName, shape, 'validationData[0]', 'validationData[1]');
    model.checkInput?.(fn, 'validationData[0]', val.x, val.rows);
    if (val.features !== all.features) throw shapeError(fn, 'validationData[0]', `[samples, ${all.features}] like x`, [val.rows, val.features]);
  } else if (o.validationSplit !== undefined) {
    const s = o.validationSplit;
    if (typeof s !== 'number') throw typeError(fn, 'validationSplit', 'in (0, 1)', s);
    if (!(s > 0 && s < 1)) throw rangeError(fn, 'validationSplit', 'in (0, 1)', describe(s));
    const cut = Math.floor(all.rows * (1 - s));
    if (cut === 0 || cut === all.rows) {
      throw rangeError(fn, 'validationSplit', `a fraction that leaves rows in both the training and the validation set of ${all.rows} rows`, describe(s));
    }
    val = sliceRows(all, cut, all.rows);
    all = sliceRows(all, 0, cut);
  }
  if (all.rows === 0) throw rangeError(fn, 'x', 'at least one row', 'no rows');
  return {
    train: all,
    val,
    outputs,
    epochs,
    // A batch never holds more rows than the data: beyond it, the same single batch, without allocating for rows that do not exist.
    batchSize: Math.min(batchSize, all.rows),
    shuffle: o.shuffle ?? true,
    seed: o.seed ?? Math.floor(Math.random() * 2 ** 32),
    callbacks,
    signal: o.signal,
    verbose: quiet ? 0 : verbose,
    yieldEveryMs,
    background,
    chunkMs,
    dp,
  };
}
