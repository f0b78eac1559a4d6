// Adds compile / fit / evaluate / predict / save to Sequential and the
// static Sequential.load, keeping the training code out of the layers files.
import type { BackendName } from '../backend/index.js';
import { exportIfAsked, tfjsModelJsonIn, type SaveFormat } from '../io/formats.js';
import { loadModel, ModelFileError, saveModel, type TrainingConfig } from '../io/model-files.js';
import { importTfjsJson } from '../io/tfjs-import.js';
import { fromStateDict, type FromStateDictOptions } from '../io/torch-import.js';
import type { Layer } from '../layers/layer.js';
import { Sequential } from '../layers/sequential.js';
import type { Tensor } from '../tensor.js';
import { checkIdle, evaluate, fit, predict, type Compiled } from './fit.js';
import { createLoss, LOSS_NAMES } from './loss.js';
import { createMetrics, METRIC_NAMES } from './metrics.js';
import type { Optimizer } from '../optim/index.js';
import { optimizerFromConfig, resolveOptimizer } from './optimizers.js';
import type { CompileOptions, FitOptions, History, Logs, LossName, MetricName } from './types.js';

export interface SaveOptions {
  /** Also save the optimizer state, so training resumes exactly (default true). */
  optimizer?: boolean;
  /** 'nodegrad' (default), 'tfjs' (a TF.js Layers model.json + shards in `dir`) or 'onnx' (`dir` is the .onnx file). */
  format?: SaveFormat;
  /** tfjs, onnx: append a softmax so the export outputs probabilities instead of logits (default false). */
  softmax?: boolean;
}

export interface LoadOptions {
  backend?: BackendName;
  /** TF.js models: drop a final softmax instead of refusing it (nodegrad models output logits). */
  dropFinalSoftmax?: boolean;
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
    /** A model of `layers` with the weights of a PyTorch nn.Sequential state_dict saved as safetensors. */
    function fromStateDict(file: string | Uint8Array, layers: readonly Layer[], options?: FromStateDictOptions): Promise<Sequential>;
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
  const exported = exportIfAsked(this, dir, options);
  if (exported) return exported;
  const c = compiled.get(this);
  const withOptimizer = options.optimizer ?? true;
  return saveModel(this, dir, {
    training: c ? (c.config as unknown as TrainingConfig) : null,
    optimizerState: c && withOptimizer ? c.optimizer.stateDict() : null,
  });
};

Sequential.load = async function load(dir: string, options: LoadOptions = {}): Promise<Sequential> {
  const tfjs = await tfjsModelJsonIn(dir);
  if (tfjs !== null) return importTfjsJson(tfjs, dir, options);
  const { model, training, optimizerState } = await loadModel(dir, options);
  if (training) {
    let optimizer: Optimizer;
    try {
      optimizer = optimizerFromConfig(training.optimizer, model);
      // loadStateDict validates before changing anything.
      if (optimizerState !== null) optimizer.loadStateDict(optimizerState as Parameters<Optimizer['loadStateDict']>[0]);
    } catch (e) {
      throw new ModelFileError(`load: the optimizer in ${dir} does not fit the model: ${(e as Error).message}`);
    }
    model.compile({ optimizer, loss: training.loss as LossName, metrics: training.metrics as MetricName[] });
  }
  return model;
};

Sequential.fromStateDict = fromStateDict;

export { METRIC_NAMES };
