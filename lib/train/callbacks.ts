// Built-in callbacks.
import { checkInteger, checkOneOf, stateError } from '../errors.js';
import type { Callback, Logs } from './types.js';

const MODES = ['min', 'max'] as const;

export interface EarlyStoppingOptions {
  /** The epoch log to watch; default 'val_loss'. */
  monitor?: string;
  /** Epochs without improvement before stopping; default 0. */
  patience?: number;
  /** 'min' for losses, 'max' for accuracies; default from the name. */
  mode?: 'min' | 'max';
  /** An improvement must exceed this; default 0. */
  minDelta?: number;
  /** At the end, put back the weights of the best epoch; default false. */
  restoreBestWeights?: boolean;
}

/** Stops training when `monitor` has not improved for `patience` epochs. */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback & { readonly bestEpoch: number; readonly best: number } {
  const monitor = options.monitor ?? 'val_loss';
  const patience = options.patience ?? 0;
  checkInteger('earlyStopping', 'patience', patience, 0);
  const mode = checkOneOf('earlyStopping', 'mode', MODES, options.mode ?? (/acc/.test(monitor) ? 'max' : 'min'));
  const minDelta = Math.abs(options.minDelta ?? 0);
  const sign = mode === 'min' ? 1 : -1;
  let best = Infinity;
  let bestEpoch = -1;
  let wait = 0;
  let snapshot: Float32Array[] | undefined;
  return {
    get best() {
      return sign * best;
    },
    get bestEpoch() {
      return bestEpoch;
    },
    onTrainBegin() {
      best = Infinity;
      bestEpoch = -1;
      wait = 0;
    },
    onEpochEnd(epoch: number, logs: Logs, ctx) {
      const v = logs[monitor];
      if (v === undefined) {
        throw stateError('earlyStopping', `monitor '${monitor}' is not among the epoch logs (${Object.keys(logs).join(', ')})`);
      }
      if (sign * v < best - minDelta) {
        best = sign * v;
        bestEpoch = epoch;
        wait = 0;
        if (options.restoreBestWeights) {
          const params = ctx.model.parameters();
          snapshot ??= params.map((p) => new Float32Array(p.value.size));
          params.forEach((p, i) => snapshot![i]!.set(p.value.data));
        }
        return;
      }
      if (++wait >= Math.max(patience, 1)) {
        ctx.stop(`early stopping: ${monitor} did not improve for ${wait} epochs (best ${sign * best} at epoch ${bestEpoch + 1})`);
      }
    },
    onTrainEnd(_logs, ctx) {
      if (options.restoreBestWeights && snapshot && bestEpoch >= 0) {
        ctx.model.parameters().forEach((p, i) => p.value.data.set(snapshot![i]!));
      }
    },
  };
}
