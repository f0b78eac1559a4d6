// Metrics computed from a batch's predictions (logits or values) and targets.
// Each returns the batch SUM so that epoch means weight every row equally.
import { checkOneOf } from '../errors.js';
import type { LossName, Targets } from '../losses.js';

/** Every metric by name; MetricName and compile's check derive from this list. */
export const METRIC_NAMES = ['loss', 'accuracy', 'categoricalAccuracy', 'binaryAccuracy', 'mae'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Sum over the batch; divided by the row count (accuracy) or element count (mae) by the caller via `per`. */
export interface Metric {
  readonly name: string;
  /** 'row': the sum is over rows; 'element': over every output element. */
  readonly per: 'row' | 'element';
  sum(pred: Float32Array, target: Targets, n: number, width: number): number;
}

/**
 * Index of the largest value of row `r`, the first on ties; -1 when the row
 * holds a NaN (a NaN prediction names no class, so it is never correct).
 */
function argmax(a: Float32Array, r: number, width: number): number {
  let best = 0;
  let v = a[r * width]!;
  if (v !== v) return -1;
  for (let j = 1; j < width; j++) {
    const x = a[r * width + j]!;
    if (x !== x) return -1;
    if (x > v) {
      v = x;
      best = j;
    }
  }
  return best;
}

const categorical: Omit<Metric, 'name'> = {
  per: 'row',
  sum(pred, t, n, width) {
    let hits = 0;
    for (let r = 0; r < n; r++) {
      const want = t.kind === 'labels' ? t.labels[r]! : argmax(t.values, r, width);
      const got = argmax(pred, r, width);
      if (got >= 0 && got === want) hits++;
    }
    return hits;
  },
};

// Binary accuracy on logits (binaryCrossEntropy) thresholds at 0; on values (mse), at 0.5. Targets at 0.5.
function binary(threshold: number): Omit<Metric, 'name'> {
  return {
    per: 'element',
    sum(pred, t, n, width) {
      const v = t.kind === 'values' ? t.values : undefined;
      let hits = 0;
      for (let i = 0; i < n * width; i++) {
        const p = pred[i]!;
        // A NaN prediction is neither side of the threshold: never a hit.
        if (p !== p) continue;
        const want = v ? v[i]! >= 0.5 : false;
        if (p > threshold === want) hits++;
      }
      return hits;
    },
  };
}

const mae: Omit<Metric, 'name'> = {
  per: 'element',
  sum(pred, t, n, width) {
    let s = 0;
    if (t.kind === 'values') {
      for (let i = 0; i < n * width; i++) s += Math.abs(pred[i]! - t.values[i]!);
    } else {
      // Against one-hot rows built from the labels.
      for (let r = 0; r < n; r++) for (let j = 0; j < width; j++) s += Math.abs(pred[r * width + j]! - (t.labels[r] === j ? 1 : 0));
    }
    return s;
  },
};

/**
 * Refuses a metric that does not measure anything for this loss and width:
 * categoricalAccuracy over one output (its argmax is always 0), and
 * binaryAccuracy with softmaxCrossEntropy (its outputs are logits of one
 * class among several, and its targets may be class labels, not 0/1 values).
 */
function checkFits(name: MetricName, loss: LossName, outputs: number): void {
  if (name === 'categoricalAccuracy' && outputs < 2) {
    throw new RangeError(`compile: metrics 'categoricalAccuracy' needs a model with 2 or more outputs (one per class), got ${outputs}; use 'binaryAccuracy'`);
  }
  if (name === 'accuracy' && loss === 'softmaxCrossEntropy' && outputs < 2) {
    throw new RangeError(`compile: metrics 'accuracy' with loss 'softmaxCrossEntropy' needs a model with 2 or more outputs (one per class), got ${outputs}`);
  }
  if (name === 'binaryAccuracy' && loss === 'softmaxCrossEntropy') {
    throw new RangeError("compile: metrics 'binaryAccuracy' does not fit loss 'softmaxCrossEntropy' (class labels or class probabilities); use 'accuracy' or 'categoricalAccuracy'");
  }
}

/** Resolves metric names for a loss; 'loss' itself is always reported and skipped here. */
export function createMetrics(names: readonly MetricName[], loss: LossName, outputs: number): Metric[] {
  const out: Metric[] = [];
  for (const [i, n] of names.entries()) {
    const name = checkOneOf('compile', `metrics[${i}]`, METRIC_NAMES, n);
    if (name === 'loss') continue;
    checkFits(name, loss, outputs);
    if (name === 'mae') out.push({ name, ...mae });
    else if (name === 'categoricalAccuracy' || (name === 'accuracy' && outputs > 1 && loss !== 'binaryCrossEntropy')) out.push({ name, ...categorical });
    else out.push({ name, ...binary(loss === 'binaryCrossEntropy' ? 0 : 0.5) });
  }
  return out;
}
