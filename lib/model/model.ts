// What every model kind shares: compile / fit / evaluate / predict as
// methods over the training code in lib/train, and the compiled state
// (optimizer, loss, metrics) they read. A subclass supplies the network:
// forward, backward, its parameters and its backend.
import type { BackendName } from '../backend/index.js';
import type { Optimizer } from '../optim/index.js';
import type { Parameter } from '../parameter.js';
import type { Tensor } from '../tensor.js';
import { checkIdle } from '../train/busy.js';
import { compileModel, requireCompiled, type Compiled } from '../train/compile.js';
import { evaluate } from '../train/evaluate.js';
import { fit } from '../train/fit.js';
import { predict } from '../train/predict.js';
import { predictAsync, type PredictAsyncOptions } from '../train/plan-predict.js';
import type { CompilableModel, CompileOptions, EvaluateOptions, FitOptions, History, Logs } from '../train/types.js';

export abstract class Model implements CompilableModel {
  #compiled: Compiled | undefined;

  /** Backend of this model's kernels. */
  abstract readonly backend: BackendName;
  abstract readonly inputFeatures: number;
  abstract readonly outputFeatures: number;
  /** x: [batch, inputFeatures] → [batch, outputFeatures]; `training` false for evaluate/predict. */
  abstract forward(x: Tensor, training?: boolean): Tensor;
  /** Accumulates parameter gradients from dLoss; returns dX, or null with `{ inputGradient: false }`. */
  abstract backward(dLoss: Tensor, options?: { inputGradient?: boolean }): Tensor | null;
  abstract parameters(): readonly Parameter[];
  abstract zeroGrad(): void;

  /** The compiled optimizer, if any. */
  get optimizer(): Optimizer | undefined {
    return this.#compiled?.optimizer;
  }

  /** What compile() fixed (undefined before), for save() and the training code. */
  protected get compiled(): Compiled | undefined {
    return this.#compiled;
  }

  /** Sets the optimizer, loss and metrics fit/evaluate use. Returns the model. */
  compile(options: CompileOptions): this {
    checkIdle('compile', this);
    this.#compiled = compileModel(this, options);
    return this;
  }

  /** Trains; resolves to the per-epoch history. */
  fit(x: Tensor, y: Tensor, options?: FitOptions): Promise<History> {
    try {
      return fit(this, requireCompiled('fit', this.#compiled), x, y, options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Loss and metrics on (x, y); nothing is updated. */
  evaluate(x: Tensor, y: Tensor, options: EvaluateOptions = {}): Logs {
    return evaluate(this, requireCompiled('evaluate', this.#compiled), x, y, options.batchSize);
  }

  /** Outputs for x ([rows, outputs]), written into `out` when given. */
  predict(x: Tensor, out?: Tensor, options: EvaluateOptions = {}): Tensor {
    return predict(this, x, out, options.batchSize);
  }

  /** predict on a worker thread (the native plan's forward pass); calls on one model queue. */
  predictAsync(x: Tensor, options?: PredictAsyncOptions): Promise<Tensor> {
    return predictAsync(this, x, options);
  }
}
