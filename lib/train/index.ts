// The training API (the models' compile/fit/evaluate/predict delegate to it).
export { earlyStopping } from './callbacks.js';
export type { EarlyStoppingOptions } from './callbacks.js';
export { AbortError } from './fit.js';
export type { PredictAsyncOptions } from './plan-predict.js';
export { diagnostics } from './diagnostics.js';
export { METRIC_NAMES } from './metrics.js';
export type { DiagnosticsOptions, LayerDiagnostics } from './diagnostics.js';
export type {
  Callback,
  CompileOptions,
  EvaluateOptions,
  EvaluateLogs,
  FitOptions,
  History,
  Logs,
  MetricName,
  NonFiniteAction,
  NonFiniteLoss,
  OptimizerLike,
  TrainableModel,
  TrainingContext,
  TrainingParams,
} from './types.js';
export type { Labels } from './targets.js';
