// The training API; importing it attaches compile/fit/evaluate/predict/save to Sequential.
import './attach.js';
import './plan-predict.js';

export type { EvaluateOptions, LoadOptions, SaveOptions } from './attach.js';
export type { PredictAsyncOptions } from './plan-predict.js';
export { earlyStopping } from './callbacks.js';
export type { EarlyStoppingOptions } from './callbacks.js';
export { AbortError } from './fit.js';
export { diagnostics } from './diagnostics.js';
export type { DiagnosticsOptions, LayerDiagnostics } from './diagnostics.js';
export type {
  Callback,
  CompileOptions,
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
