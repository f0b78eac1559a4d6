// Adds compile / fit / evaluate / predict / save to Sequential and the
// static Sequential.load, keeping the training code out of the layers files.
import type { BackendName } from '../backend/index.js';
import { loadCompiled, saveModel, type LoadOptions as FileLoadOptions } from '../io/model-files.js';
import { Sequential } from '../layers/sequential.js';
import type { Tensor } from '../tensor.js';
import { checkIdle, evaluate, fit, predict, type Compiled } from './fit.js';
import { createLoss, LOSS_NAMES } from './loss.js';
import { createMetrics, METRIC_NAMES } from './metrics.js';
import type { Optimizer } from '../optim/index.js';
import { resolveOptimizer } from './optimizers.js';
import type { CompileOptions, FitOptions, History, Logs, LossName, MetricName } from './types.js';

export interface SaveOptions {
  /** Also save the optimizer state, so training resumes exactly (default true). */
  optimizer?: boolean;
}

export interface LoadOptions extends FileLoadOptions {
  backend?: BackendName;
}

export interface EvaluateOptions {
  batchSize?: number;
}

declare module '../layers/sequential.js' {
  interface Sequential {
    /** Sets the optimizer, loss and metrics fit/evaluate use. Returns the model. */
    compile(options: CompileOptions): this;
    /** Trains; resolves to the per-epoch history. */
    fit(x: Tensor, y: Tensor, options?: FitOptions): Promise<History>;
    /** Loss and metrics on (x, y); nothing is updated. */
    evaluate(x: Tensor, y: Tensor, options?: EvaluateOptions): Logs;
    /** Outputs for x ([rows, outputs]), written into `out` when given. */
    predict(x: Tensor, out?: Tensor, options?: EvaluateOptions): Tensor;
    /** Writes model.json, model.safetensors and (by default) optimizer.json into `dir`. */
    save(dir: string, options?: SaveOptions): Promise<void>;
    /** The compiled optimizer, if any. */
    readonly optimizer: Optimizer | undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Sequential {
    /** A model saved by save(); compiled again (optimizer state included) when the files hold a training configuration. */
    function load(dir: string, options?: LoadOptions): Promise<Sequential>;
  }
}

const compiled = new WeakMap<Sequential, Compiled & { optimizer: Optimizer }>();

function requireCompiled(fn: string, model: Sequential): Compiled {
  const c = compiled.get(model);
  if (!c) throw new Error(`${fn}: compile the model first: model.compile({ optimizer, loss, metrics })`);
  return c;
}

function compileModel(model: Sequential, options: CompileOptions): Compiled & { optimizer: Optimizer } {
  if (options === null || typeof options !== 'object') throw new TypeError('compile: options must be { optimizer, loss, metrics }');
  const lossName = options.loss as LossName;
  if (!LOSS_NAMES.includes(lossName)) {
    throw new TypeError(`compile: loss must be one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(options.loss)}`);
  }
  const metricNames = options.metrics ?? [];
  if (!Array.isArray(metricNames)) throw new TypeError('compile: metrics must be an array of names');
  createMetrics(metricNames as MetricName[], lossName, model.outputFeatures); // validates names
  const { optimizer, config } = resolveOptimizer(options.optimizer, model);
  return {
    optimizer,
    loss: createLoss(lossName, model.backend),
    lossName,
    metricNames: [...metricNames],
    metrics: (outputs) => createMetrics(metricNames as MetricName[], lossName, outputs),
    config: { loss: lossName, metrics: [...metricNames], optimizer: config },
  };
}

Object.defineProperty(Sequential.prototype, 'optimizer', {
  get(this: Sequential) {
    return compiled.get(this)?.optimizer;
  },
  configurable: true,
});

Sequential.prototype.compile = function compile(this: Sequential, options: CompileOptions) {
  checkIdle('compile', this);
  compiled.set(this, compileModel(this, options));
  return this;
};

Sequential.prototype.fit = function (this: Sequential, x: Tensor, y: Tensor, options?: FitOptions): Promise<History> {
  try {
    return fit(this, requireCompiled('fit', this), x, y, options);
  } catch (e) {
    return Promise.reject(e);
  }
};

Sequential.prototype.evaluate = function (this: Sequential, x: Tensor, y: Tensor, options: EvaluateOptions = {}): Logs {
  return evaluate(this, requireCompiled('evaluate', this), x, y, options.batchSize);
};

Sequential.prototype.predict = function (this: Sequential, x: Tensor, out?: Tensor, options: EvaluateOptions = {}): Tensor {
  return predict(this, x, out, options.batchSize);
};

Sequential.prototype.save = function (this: Sequential, dir: string, options: SaveOptions = {}): Promise<void> {
  const c = compiled.get(this);
  if (options === null || typeof options !== 'object') return Promise.reject(new TypeError('save: options must be an object { optimizer? }'));
  const withOptimizer = options.optimizer ?? true;
  return saveModel(this, dir, {
    training: c ? { loss: c.lossName, metrics: c.metricNames, optimizer: c.optimizer } : null,
    withOptimizerState: withOptimizer,
  });
};

Sequential.load = function load(dir: string, options: LoadOptions = {}): Promise<Sequential> {
  return loadCompiled(dir, options, (model, o) => {
    model.compile({ optimizer: o.optimizer, loss: o.loss as LossName, metrics: o.metrics as MetricName[] });
  });
};

export { METRIC_NAMES };
