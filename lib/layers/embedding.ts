// Embedding(numEmbeddings, dim): a lookup table for integer categorical
// columns. The input [batch, k] holds k indices per row (float32 values that
// must be integers in [0, numEmbeddings)); the output [batch, k·dim] holds
// their table rows side by side (index j's vector at columns j·dim ..
// j·dim + dim − 1), PyTorch's nn.Embedding output flattened per row. The
// table is one parameter `weight` of shape [numEmbeddings, dim], PyTorch's
// name and layout, so a state dict loads strictly.
//
// Backward is a scatter-add: only the rows the batch looked up are touched
// (a batch of 64 over a 100,000-row table writes 64·k rows of the gradient,
// never the whole table); indices get no gradient (dx is zero). Optimizers
// still update the whole table (their steps are dense), as PyTorch's dense
// Embedding does.
//
// Init: PyTorch's default N(0, 1) ('torch', the default), or any named
// scheme of init.ts with PyTorch's fans for a [numEmbeddings, dim] tensor
// (fanIn = dim, fanOut = numEmbeddings).
import { checkInteger, rangeError, typeError } from '../errors.js';
import type { Rng } from '../random.js';
import type { Tensor } from '../tensor.js';
import { checkInit, initWeights, type Init } from './init.js';
import { BatchBuffer, Layer, registerLayer, type BoundParam, type ParamSpec } from './layer.js';
import { checkRegularizer, type Regularizer } from './regularizer.js';

export interface EmbeddingOptions {
  /** Table initialiser (default 'torch': N(0, 1), PyTorch's nn.Embedding default). */
  init?: Init;
  /** Alias of `init` (Keras's name). */
  kernelInitializer?: Init;
  /** L1/L2 penalty on the table, added to the loss and its gradient (lib/layers/regularizer.ts). */
  kernelRegularizer?: Regularizer;
}

export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly numEmbeddings: number;
  readonly dim: number;
  readonly init: Init;
  readonly kernelRegularizer: Regularizer | undefined;
  private w!: BoundParam;
  private readonly yBuf = new BatchBuffer();
  private readonly dxBuf = new BatchBuffer();
  private x: Tensor | undefined;

  constructor(numEmbeddings: number, dim: number, options: EmbeddingOptions = {}) {
    super();
    const fn = 'Embedding';
    checkInteger(fn, 'numEmbeddings', numEmbeddings, 1);
    checkInteger(fn, 'dim', dim, 1);
    if (options === null || typeof options !== 'object') throw typeError(fn, 'options', 'an object', options);
    if (options.init !== undefined && options.kernelInitializer !== undefined) {
      throw rangeError(fn, 'options.kernelInitializer', 'left out when options.init is given (they are the same option)', 'both');
    }
    const init = options.init ?? options.kernelInitializer;
    this.init = init === undefined ? 'torch' : checkInit(fn, options.init !== undefined ? 'options.init' : 'options.kernelInitializer', init);
    this.kernelRegularizer = checkRegularizer(fn, 'options.kernelRegularizer', options.kernelRegularizer);
    this.numEmbeddings = numEmbeddings;
    this.dim = dim;
  }

  static fromConfig(c: Record<string, unknown>): Embedding {
    return new Embedding(c.numEmbeddings as number, c.dim as number, {
      init: c.init as Init | undefined,
      kernelRegularizer: c.kernelRegularizer as Regularizer | undefined,
    });
  }

  config(): Record<string, unknown> {
    return { numEmbeddings: this.numEmbeddings, dim: this.dim, init: this.init, ...(this.kernelRegularizer ? { kernelRegularizer: { ...this.kernelRegularizer } } : {}) };
  }

  /** Any number of index columns. */
  expectedInFeatures(): undefined {
    return undefined;
  }

  protected outFeaturesFor(inFeatures: number): number {
    return inFeatures * this.dim;
  }

  describe(): string {
    return `Embedding(${this.numEmbeddings}, ${this.dim})`;
  }

  override paramSpecs(): ParamSpec[] {
    const { numEmbeddings, dim } = this;
    const fill = (v: Float32Array, rng: Rng) => {
      if (this.init === 'torch') for (let i = 0; i < v.length; i++) v[i] = rng.normal();
      else initWeights(this.init, v, dim, numEmbeddings, rng);
    };
    return [{ name: 'weight', shape: [numEmbeddings, dim], init: fill, ...(this.kernelRegularizer ? { regularizer: this.kernelRegularizer } : {}) }];
  }

  protected override bindParams(params: readonly BoundParam[]): void {
    this.w = params[0]!;
  }

  /**
   * Refuses, before anything is computed, a value of the columns `cols` of x
   * ([rows, stride]) that is not an integer index of the table: a RangeError
   * naming the element ("x[3, 0]"), the range and the value.
   */
  checkIndices(fn: string, arg: string, x: Float32Array, rows: number, stride: number, cols: readonly number[], where = ''): void {
    const n = this.numEmbeddings;
    for (let r = 0; r < rows; r++) {
      for (const c of cols) {
        const v = x[r * stride + c]!;
        if (!(v >= 0 && v < n && Number.isInteger(v))) {
          throw rangeError(fn, `${arg}[${r}, ${c}]`, `an integer index in [0, ${n})${where} (${this.describe()})`, Number.isNaN(v) ? 'NaN' : v);
        }
      }
    }
  }

  override checkInput(fn: string, arg: string, x: Float32Array, rows: number, features: number): void {
    this.checkIndices(fn, arg, x, rows, features, Array.from({ length: features }, (_, c) => c));
  }

  forward(x: Tensor, _training = true): Tensor {
    const rows = x.shape[0]!;
    const k = x.shape[1]!;
    // Checked whole before any output is written (−0 is index 0: it is an integer).
    this.checkIndices('Embedding.forward', 'x', x.data, rows, k, Array.from({ length: k }, (_, c) => c));
    const { dim } = this;
    const y = this.yBuf.get(rows, k * dim);
    const table = this.w.value.data;
    const xs = x.data;
    const ys = y.data;
    for (let i = 0; i < rows * k; i++) {
      const row = xs[i]! * dim;
      ys.set(table.subarray(row, row + dim), i * dim);
    }
    this.x = x;
    return y;
  }

  backward(dy: Tensor): Tensor {
    this.backwardParams(dy);
    const x = this.x!;
    // Indices are not differentiable: dL/dx is zero.
    const dx = this.dxBuf.get(x.shape[0]!, x.shape[1]!);
    dx.data.fill(0);
    return dx;
  }

  // Scatter-add, in row order (a fixed order: the same bits on every backend).
  override backwardParams(dy: Tensor): void {
    const x = this.x!;
    const { dim } = this;
    const g = this.w.grad.data;
    const xs = x.data;
    const ds = dy.data;
    const n = x.size;
    for (let i = 0; i < n; i++) {
      const row = xs[i]! * dim;
      const at = i * dim;
      for (let j = 0; j < dim; j++) g[row + j]! += ds[at + j]!;
    }
  }
}

registerLayer('Embedding', Embedding.fromConfig);
