// Model-level losses: `loss(name)` gives an object that computes the mean
// loss of a batch and writes its gradient into a Tensor it reuses across
// calls of the same shape (no allocation per step), via the losses kernels.
import { defaultBackendName, rawBackend, type BackendName, type RawBackend } from './backend/index.js';
import { checkLabels, checkProbabilities } from './backend/losses.js';
import { checkF32, rangeError, typeError } from './errors.js';
import { Tensor } from './tensor.js';

export type LossName = 'mse' | 'softmaxCrossEntropy' | 'binaryCrossEntropy';
const NAMES: readonly LossName[] = ['mse', 'softmaxCrossEntropy', 'binaryCrossEntropy'];

export interface LossOptions {
  /** Backend for the kernels (default: the default backend when loss() is called). */
  backend?: BackendName;
}

export class Loss {
  readonly name: LossName;
  private readonly raw: RawBackend;
  private gradT: Tensor | undefined;
  private labels = new Int32Array(0);

  constructor(name: LossName, raw: RawBackend) {
    this.name = name;
    this.raw = raw;
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
    if (this.name === 'softmaxCrossEntropy') return this.softmax(pred, target);
    if (!(target instanceof Tensor)) throw typeError(fn, 'target', 'a Tensor', target);
    sameShape(fn, pred, target);
    if (this.name === 'binaryCrossEntropy') checkProbabilities(fn, 'target', target.data);
    const g = this.gradFor(pred);
    return this.name === 'mse' ? this.raw.mse(pred.data, target.data, g.data) : this.raw.binaryCrossEntropy(pred.data, target.data, g.data);
  }

  private softmax(pred: Tensor, target: Tensor | Int32Array): number {
    const fn = this.name;
    if (pred.rank !== 2) throw rangeError(fn, 'pred', 'of shape [n, classes]', `shape [${pred.shape.join(', ')}]`);
    const n = pred.shape[0]!;
    const classes = pred.shape[1]!;
    if (target instanceof Tensor && target.rank === 2) {
      sameShape(fn, pred, target);
      checkProbabilities(fn, 'target', target.data);
      return this.raw.softmaxCrossEntropy(pred.data, target.data, this.gradFor(pred).data, n, classes);
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
    return this.raw.softmaxCrossEntropyLabels(pred.data, labels, this.gradFor(pred).data, n, classes);
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

/** A loss by name: 'mse', 'softmaxCrossEntropy' or 'binaryCrossEntropy'. */
export function loss(name: LossName, options: LossOptions = {}): Loss {
  if (!NAMES.includes(name)) throw rangeError('loss', 'name', `one of ${NAMES.map((n) => `'${n}'`).join(', ')}`, JSON.stringify(name));
  if (options === null || typeof options !== 'object') throw typeError('loss', 'options', 'an object', options);
  return new Loss(name, rawBackend(options.backend ?? defaultBackendName()));
}
