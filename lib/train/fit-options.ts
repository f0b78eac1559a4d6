// fit's arguments: every option checked (nothing is trained or changed when
// one is wrong), defaults filled in, and the validation set split off.
import { DataParallel } from '../distributed/data-parallel.js';
import { checkInteger, checkObject, describe, rangeError, typeError } from '../errors.js';
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
  /** Data-parallel training over a process group (fit's `distributed` option). */
  dp: DataParallel | undefined;
}

export function prepareFit(model: TrainableModel, c: Compiled, x: unknown, y: unknown, o: FitOptions): PreparedFit {
  const fn = 'fit';
  checkObject(fn, 'options', o);
  const epochs = checkInteger(fn, 'epochs', o.epochs ?? 1, 1);
  const batchSize = checkInteger(fn, 'batchSize', o.batchSize ?? 32, 1);
  const yieldEveryMs = o.yieldEveryMs ?? 10;
  if (typeof yieldEveryMs !== 'number') throw typeError(fn, 'yieldEveryMs', 'a number >= 0', yieldEveryMs);
  if (!(yieldEveryMs >= 0)) throw rangeError(fn, 'yieldEveryMs', 'a number >= 0', describe(yieldEveryMs));
  const verbose = o.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw rangeError(fn, 'verbose', '0, 1 or 2', describe(verbose));
  if (o.seed !== undefined) {
    if (typeof o.seed !== 'number') throw typeError(fn, 'seed', 'an integer', o.seed);
    if (!Number.isInteger(o.seed)) throw rangeError(fn, 'seed', 'an integer', describe(o.seed));
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw typeError(fn, 'signal', 'an AbortSignal', o.signal);
  const dp = DataParallel.from(fn, o.distributed);
  // Callbacks and the progress bar run on rank 0 unless asked otherwise.
  const quiet = dp !== undefined && !dp.isRoot && o.callbacksOnAllRanks !== true;
  const callbacks = quiet ? [] : [...(o.callbacks ?? [])];
  if (x instanceof Tensor) checkSamples(fn, 'x', x);
  const outputs = x instanceof Tensor ? outputWidth(model, x.shape[1]!) : 0;
  let all = toDataSet(fn, x, y, c.lossName, outputs);
  let val: DataSet | undefined;
  if (o.validationData !== undefined && o.validationSplit !== undefined) {
    throw rangeError(fn, 'validationData', 'left out when validationSplit is given (give one of them)', 'both');
  }
  if (o.validationData !== undefined) {
    const vd = o.validationData;
    if (!Array.isArray(vd) || vd.length !== 2) throw typeError(fn, 'validationData', 'an array [x, y]', vd);
    val = toDataSet(fn, vd[0], vd[1], c.lossName, outputs, 'validationData[0]', 'validationData[1]');
    if (val.features !== all.features) throw rangeError(fn, 'validationData[0]', `of ${all.features} features like x`, `${val.features} features`);
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
