// Validation of x/y pairs and the reused mini-batch buffers.
import { lossEntry } from '../backend/families/losses.js';
import { firstNonProbability } from '../backend/losses.js';
import { checkF32, rangeError, shapeError, shapeOf, typeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import type { LossName, Targets } from '../losses.js';

/** A whole data set in the form batches are gathered from. */
export interface DataSet {
  x: Float32Array;
  rows: number;
  features: number;
  /** Labels for softmax cross-entropy with y of shape [n]; else values of width `targetWidth`. */
  targets: Targets;
  targetWidth: number;
}

function isTensor(t: unknown): t is Tensor {
  return t instanceof Tensor;
}

/** What the model fixes about a data set: its input and output widths. */
export interface DataShape {
  /** The model's input features (undefined: any). */
  inputs: number | undefined;
  outputs: number;
}



/** Class labels as an integer typed array, accepted wherever a [rows] label Tensor is (softmax cross-entropy). */
export type Labels = Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray;

function isLabels(v: unknown): v is Labels {
  return (
    v instanceof Int32Array || v instanceof Uint32Array || v instanceof Int16Array || v instanceof Uint16Array || v instanceof Int8Array || v instanceof Uint8Array || v instanceof Uint8ClampedArray
  );
}


/**
 * Checks x [n, features] and y against the loss and the model (its input
 * and output widths), naming `fn` and the arguments in errors. Everything a
 * fit, evaluate or predict needs to know about the data is checked here,
 * before any callback runs or any state changes.
 */
export function toDataSet(fn: string, x: unknown, y: unknown, loss: LossName, shape: DataShape, xName = 'x', yName = 'y'): DataSet {
  const { inputs, outputs } = shape;
  if (!isTensor(x)) throw typeError(fn, xName, 'a Tensor', x);
  if (isLabels(y)) {
    // Class labels as an integer typed array: the same checks as a [rows] label Tensor.
    if (lossEntry(loss)!.kind !== 'rows') throw new TypeError(`${fn}: ${yName} as an integer typed array holds class labels, which need the softmaxCrossEntropy loss (this model's is ${loss}); pass a Tensor`);
    y = new Tensor(Float32Array.from(y), [y.length]);
  }
  if (!isTensor(y)) throw typeError(fn, yName, 'a Tensor or an integer typed array of labels', y);
  // A Tensor's buffer can be detached (transferred) after construction.
  checkF32(fn, `${xName}.data`, x.data);
  checkF32(fn, `${yName}.data`, y.data);
  if (x.rank !== 2) throw shapeError(fn, xName, '[samples, features]', x.shape);
  const rows = x.shape[0]!;
  const features = x.shape[1]!;
  if (inputs !== undefined && features !== inputs) {
    throw shapeError(fn, xName, `[samples, ${inputs}] (the model's input features)`, x.shape);
  }
  if (y.rank < 1 || y.shape[0] !== rows) {
    throw rangeError(fn, yName, `a Tensor of ${rows} rows like ${xName}`, shapeOf(y.shape));
  }
  if (lossEntry(loss)!.kind === 'rows' && y.rank === 1) {
    const labels = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = y.data[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= outputs) {
        throw rangeError(fn, `${yName}[${i}]`, `a class label in [0, ${outputs})`, v);
      }
      labels[i] = v;
    }
    return { x: x.data, rows, features, targets: { kind: 'labels', labels }, targetWidth: 1 };
  }
  const width = rows === 0 ? outputs : y.size / rows;
  if (width !== outputs || y.rank > 2) {
    throw shapeError(fn, yName, `[${rows}, ${outputs}] to match the model's ${outputs} outputs`, y.shape);
  }
  checkTargetRange(fn, yName, loss, y.data, width);
  return { x: x.data, rows, features, targets: { kind: 'values', values: y.data }, targetWidth: width };
}

/**
 * Targets the loss is defined for: binary cross-entropy and softmax
 * cross-entropy with probability targets take values in [0, 1] (outside it
 * the loss is not a cross-entropy and can be negative).
 */
function checkTargetRange(fn: string, yName: string, loss: LossName, t: Float32Array, width: number): void {
  const e = lossEntry(loss)!;
  if (e.targets !== 'probabilities') return;
  const i = firstNonProbability(t);
  if (i >= 0) {
    // A 'rows' loss also takes class labels; its float targets are probabilities.
    const what = e.kind === 'rows' ? `${loss} probability targets` : `${loss} targets`;
    throw rangeError(fn, yName, `${what} in [0, 1]`, `${t[i]} at row ${Math.floor(i / width)}, column ${i % width}`);
  }
}

/** Row views of a data set [begin, end) without copying. */
export function sliceRows(d: DataSet, begin: number, end: number): DataSet {
  const targets: Targets =
    d.targets.kind === 'labels'
      ? { kind: 'labels', labels: d.targets.labels.subarray(begin, end) }
      : { kind: 'values', values: d.targets.values.subarray(begin * d.targetWidth, end * d.targetWidth) };
  return { x: d.x.subarray(begin * d.features, end * d.features), rows: end - begin, features: d.features, targets, targetWidth: d.targetWidth };
}

/**
 * Buffers for one mini-batch, allocated once per fit: a full-size batch
 * and views for the last, partial one, so gathering allocates nothing.
 */
export class BatchBuffers {
  private readonly xFull: Tensor;
  private readonly xTail: Tensor | undefined;
  private readonly tFull: Targets;
  private readonly tTail: Targets | undefined;
  readonly grad: Float32Array;
  readonly gradFull: Tensor;
  readonly gradTail: Tensor | undefined;

  constructor(
    private readonly data: DataSet,
    readonly batchSize: number,
    readonly outputs: number,
    /** Rows an epoch runs through (a data-parallel rank's shard is smaller than the data set). */
    rowsPerEpoch: number = data.rows,
  ) {
    const f = data.features;
    const tail = rowsPerEpoch % batchSize;
    const xb = new Float32Array(batchSize * f);
    this.xFull = new Tensor(xb, [batchSize, f]);
    this.xTail = tail ? new Tensor(xb.subarray(0, tail * f), [tail, f]) : undefined;
    if (data.targets.kind === 'labels') {
      const lb = new Int32Array(batchSize);
      this.tFull = { kind: 'labels', labels: lb };
      this.tTail = tail ? { kind: 'labels', labels: lb.subarray(0, tail) } : undefined;
    } else {
      const vb = new Float32Array(batchSize * data.targetWidth);
      this.tFull = { kind: 'values', values: vb };
      this.tTail = tail ? { kind: 'values', values: vb.subarray(0, tail * data.targetWidth) } : undefined;
    }
    this.grad = new Float32Array(batchSize * outputs);
    this.gradFull = new Tensor(this.grad, [batchSize, outputs]);
    this.gradTail = tail ? new Tensor(this.grad.subarray(0, tail * outputs), [tail, outputs]) : undefined;
  }

  /** The current batch (set by gather): inputs, targets and the loss-gradient buffer. */
  x!: Tensor;
  t!: Targets;
  g!: Tensor;

  /** Copies rows order[begin..end) into the batch buffers and points x, t, g at them. */
  gather(order: Int32Array, begin: number, end: number): void {
    const n = end - begin;
    const full = n === this.batchSize;
    const x = (this.x = full ? this.xFull : this.xTail!);
    const t = (this.t = full ? this.tFull : this.tTail!);
    this.g = full ? this.gradFull : this.gradTail!;
    const f = this.data.features;
    const src = this.data.x;
    const dst = x.data;
    for (let i = 0; i < n; i++) {
      const r = order[begin + i]!;
      const s = r * f;
      const d = i * f;
      for (let j = 0; j < f; j++) dst[d + j] = src[s + j]!;
    }
    const st = this.data.targets;
    if (st.kind === 'labels' && t.kind === 'labels') {
      for (let i = 0; i < n; i++) t.labels[i] = st.labels[order[begin + i]!]!;
    } else if (st.kind === 'values' && t.kind === 'values') {
      const w = this.data.targetWidth;
      for (let i = 0; i < n; i++) {
        const s = order[begin + i]! * w;
        for (let j = 0; j < w; j++) t.values[i * w + j] = st.values[s + j]!;
      }
    }
  }
}
