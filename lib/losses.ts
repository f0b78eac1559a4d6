// Losses: the one loss abstraction, used by `loss(name)` and by
// compile/fit/evaluate. A Loss computes the mean loss of a batch and its
// gradient via the backend's fused loss kernels: `compute` checks Tensor
// arguments and writes a gradient Tensor it reuses across calls of the same
// shape; `computeBatch` is the unchecked form the training loop calls on
// data it has already validated (targets as values or as class labels).
import { defaultBackendName, rawBackend, type BackendName, type RawBackend } from './backend/index.js';
import { checkLabels, checkProbabilities } from './backend/losses.js';
import { LOSS_NAMES, LOSSES, lossEntry, type LossEntry, type LossName } from './backend/families/losses.js';
import { checkF32, rangeError, typeError } from './errors.js';
import { Tensor } from './tensor.js';

// Every loss by name: the type and every check derive from the family's list
// (lib/backend/families/losses.ts).
export { LOSS_NAMES };
export type { LossName };

/** True when `name` is one of LOSS_NAMES. */
export function isLossName(name: unknown): name is LossName {
  return (LOSS_NAMES as readonly unknown[]).includes(name);
}

/** A batch of targets: class labels (softmax cross-entropy only) or values shaped like the predictions. */
export type Targets = { kind: 'labels'; labels: Int32Array } | { kind: 'values'; values: Float32Array };

export interface LossOptions {
  /** Backend for the kernels (default: the default backend when loss() is called). */
  backend?: BackendName;
}

type Kernel = (raw: RawBackend, pred: Float32Array, target: Targets, grad: Float32Array, n: number, width: number) => number;

function values(name: string, t: Targets): Float32Array {
  // Labels are only produced for softmax cross-entropy (compute() and lib/train/targets.ts).
  if (t.kind !== 'values') throw new Error(`${name}: internal error, integer labels given to a loss on values`);
  return t.values;
}

type AnyLoss = (...args: unknown[]) => number;

/** The kernel call of a list entry; mean over all elements (elementwise) or over the n rows ('rows'). */
function kernelOf(e: LossEntry): Kernel {
  const name = e.name;
  if (e.kind === 'elementwise') return (raw, p, t, g) => (raw[name] as AnyLoss)(p, values(name, t), g);
  const labels = e.labels;
  return (raw, p, t, g, n, width) =>
    t.kind === 'labels' ? raw[labels](p, t.labels, g, n, width) : (raw[name] as AnyLoss)(p, t.values, g, n, width);
}

const KERNELS = Object.fromEntries(LOSSES.map((e) => [e.name, kernelOf(e)])) as Record<LossName, Kernel>;

export class Loss {
  readonly name: LossName;
  private readonly entry: LossEntry;
  private readonly raw: RawBackend;
  private readonly kernel: Kernel;
  private gradT: Tensor | undefined;
  private labels = new Int32Array(0);

  constructor(name: LossName, raw: RawBackend) {
    this.name = name;
    this.entry = lossEntry(name)!;
    this.raw = raw;
    this.kernel = KERNELS[name];
  }

  /** dLoss/dpred of the last compute(), shaped like pred; reused by later calls of the same shape. */
  get grad(): Tensor {
    if (!this.gradT) throw rangeError(`${this.name}.grad`, 'grad', 'read after compute()', 'no compute() yet');
    return this.gradT;
  }

  /**
   * The mean loss of `pred` against `target`; also writes `grad`.
   * mse, binaryCrossEntropy: target a Tensor of pred's shape, mean over all
   * elements. softmaxCrossEntropy: pred [n, classes] logits; target one-hot
   * [n, classes], or class labels as an Int32Array of n or a Tensor [n] of
   * integers in [0, classes); mean over the n rows.
   */
  compute(pred: Tensor, target: Tensor | Int32Array): number {
    const fn = this.name;
    if (!(pred instanceof Tensor)) throw typeError(fn, 'pred', 'a Tensor', pred);
    // A Tensor's buffer can be detached after construction.
    checkF32(fn, 'pred.data', pred.data);
    if (target instanceof Tensor) checkF32(fn, 'target.data', target.data);
    if (this.entry.kind === 'rows') return this.softmax(pred, target);
    if (!(target instanceof Tensor)) throw typeError(fn, 'target', 'a Tensor', target);
    sameShape(fn, pred, target);
    if (this.entry.targets === 'probabilities') checkProbabilities(fn, 'target', target.data);
    return this.computeBatch(pred.data, { kind: 'values', values: target.data }, this.gradFor(pred).data, pred.shape[0] ?? 1, pred.size);
  }

  /**
   * Unchecked: the mean loss of `n` rows of `width` predictions, writing
   * d(mean loss)/d(pred) into `grad`. The caller has checked the lengths, and
   * the labels against `width`.
   */
  computeBatch(pred: Float32Array, target: Targets, grad: Float32Array, n: number, width: number): number {
    return this.kernel(this.raw, pred, target, grad, n, width);
  }

  private softmax(pred: Tensor, target: Tensor | Int32Array): number {
    const fn = this.name;
    if (pred.rank !== 2) throw rangeError(fn, 'pred', 'of shape [n, classes]', `shape [${pred.shape.join(', ')}]`);
    const n = pred.shape[0]!;
    const classes = pred.shape[1]!;
    if (target instanceof Tensor && target.rank === 2) {
      sameShape(fn, pred, target);
      checkProbabilities(fn, 'target', target.data);
      return this.computeBatch(pred.data, { kind: 'values', values: target.data }, this.gradFor(pred).data, n, classes);
    }
    let labels: Int32Array;
    if (target instanceof Int32Array) {
      if (target.length !== n) throw rangeError(fn, 'target', `of length ${n} (labels)`, `length ${target.length}`);
      checkLabels(fn, 'target', target, classes);
      labels = target;
    } else if (target instanceof Tensor && target.rank === 1) {
      if (target.size !== n) throw rangeError(fn, 'target', `of shape [${n}] (labels)`, `shape [${target.shape.join(', ')}]`);
      for (let i = 0; i < n; i++) {
        const v = target.data[i]!;
        if (!Number.isInteger(v) || v < 0 || v >= classes) throw rangeError(fn, `target[${i}]`, `a class label in [0, ${classes})`, v);
      }
      if (this.labels.length !== n) this.labels = new Int32Array(n);
      labels = this.labels;
      for (let i = 0; i < n; i++) labels[i] = target.data[i]!;
    } else {
      throw typeError(fn, 'target', 'a Tensor [n, classes] (one-hot), a Tensor [n] or an Int32Array (labels)', target);
    }
    return this.computeBatch(pred.data, { kind: 'labels', labels }, this.gradFor(pred).data, n, classes);
  }

  private gradFor(pred: Tensor): Tensor {
    const g = this.gradT;
    if (g && g.shape.length === pred.shape.length && g.shape.every((d, i) => d === pred.shape[i])) return g;
    this.gradT = Tensor.zeros(pred.shape);
    return this.gradT;
  }
}

function sameShape(fn: string, pred: Tensor, target: Tensor): void {
  if (target.rank !== pred.rank || target.shape.some((d, i) => d !== pred.shape[i])) {
    throw rangeError(fn, 'target', `of shape [${pred.shape.join(', ')}] (pred's)`, `shape [${target.shape.join(', ')}]`);
  }
}

/** A loss by name: one of LOSS_NAMES ('mse', 'softmaxCrossEntropy', 'binaryCrossEntropy'). */
export function loss(name: LossName, options: LossOptions = {}): Loss {
  if (!isLossName(name)) throw rangeError('loss', 'name', `one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}`, JSON.stringify(name));
  if (options === null || typeof options !== 'object') throw typeError('loss', 'options', 'an object', options);
  return new Loss(name, rawBackend(options.backend ?? defaultBackendName()));
}
