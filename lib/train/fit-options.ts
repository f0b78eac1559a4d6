// fit's arguments: every option checked (nothing is trained or changed when
// one is wrong), defaults filled in, and the validation set split off.
import { DataParallel } from '../distributed/data-parallel.js';
import { Tensor } from '../tensor.js';
import type { Compiled } from './compile.js';
import { outputWidth, positiveInt } from './predict.js';
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
  /** Data-parallel training over a process group (fit's `distributed` option). */
  dp: DataParallel | undefined;
}

export function prepareFit(model: TrainableModel, c: Compiled, x: unknown, y: unknown, o: FitOptions): PreparedFit {
  const fn = 'fit';
  if (o === null || typeof o !== 'object') throw new TypeError(`${fn}: options must be an object`);
  const epochs = positiveInt(fn, 'epochs', o.epochs ?? 1);
  const batchSize = positiveInt(fn, 'batchSize', o.batchSize ?? 32);
  const yieldEveryMs = o.yieldEveryMs ?? 10;
  if (typeof yieldEveryMs !== 'number' || !(yieldEveryMs >= 0)) throw new RangeError(`${fn}: yieldEveryMs must be a number >= 0, got ${String(yieldEveryMs)}`);
  const verbose = o.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new RangeError(`${fn}: verbose must be 0, 1 or 2, got ${String(verbose)}`);
  if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isInteger(o.seed))) throw new RangeError(`${fn}: seed must be an integer, got ${String(o.seed)}`);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new TypeError(`${fn}: signal must be an AbortSignal`);
  const dp = DataParallel.from(fn, o.distributed);
  // Callbacks and the progress bar run on rank 0 unless asked otherwise.
  const quiet = dp !== undefined && !dp.isRoot && o.callbacksOnAllRanks !== true;
  const callbacks = quiet ? [] : [...(o.callbacks ?? [])];
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
    verbose: quiet ? 0 : verbose,
    yieldEveryMs,
    dp,
  };
}
