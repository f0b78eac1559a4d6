// compile(): what fit/evaluate use (the optimizer, the loss kernel, the
// metrics) resolved from CompileOptions, and the configuration model.json
// records so that a loaded model is compiled again the same way.
// (Only types from lib/io here: lib/model imports this file and lib/io imports lib/model.)
import type { TrainingConfig } from '../io/model-files.js';
import type { Optimizer } from '../optim/index.js';
import { checkObject, checkOneOf, stateError, typeError } from '../errors.js';
import { Loss, LOSS_NAMES } from '../losses.js';
import { rawBackend } from '../backend/index.js';
import { createMetrics, type Metric } from './metrics.js';
import { resolveOptimizer } from './optimizers.js';
import type { CompilableModel, CompileOptions, LossName, MetricName } from './types.js';

/** What compile() fixed for a model. */
export interface Compiled {
  optimizer: Optimizer;
  loss: Loss;
  lossName: LossName;
  metricNames: readonly string[];
  /** Built lazily: metrics depend on the output width. */
  metrics(outputs: number): Metric[];
  /** The compile options as given, for model.json. */
  config: TrainingConfig;
}

/** Checks `options` against `model` and resolves them; changes nothing. */
export function compileModel(model: CompilableModel, options: CompileOptions): Compiled {
  checkObject('compile', 'options', options, '{ optimizer, loss, metrics }');
  const lossName = checkOneOf('compile', 'loss', LOSS_NAMES, options.loss);
  const metricNames = options.metrics ?? [];
  if (!Array.isArray(metricNames)) throw typeError('compile', 'metrics', 'an array of metric names', metricNames);
  createMetrics(metricNames as MetricName[], lossName, model.outputFeatures); // validates names
  const { optimizer, config } = resolveOptimizer(options.optimizer, model);
  return {
    optimizer,
    loss: new Loss(lossName, rawBackend(model.backend)),
    lossName,
    metricNames: [...metricNames],
    metrics: (outputs) => createMetrics(metricNames as MetricName[], lossName, outputs),
    config: { loss: lossName, metrics: [...metricNames], optimizer: config },
  };
}

/** The Compiled of a model, or the error telling the caller to compile first. */
export function requireCompiled(fn: string, compiled: Compiled | undefined): Compiled {
  if (!compiled) throw stateError(fn, 'compile the model first: model.compile({ optimizer, loss, metrics })');
  return compiled;
}
