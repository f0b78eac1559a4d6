export { Tensor } from './tensor.js';
export type { Shape, RandomOptions } from './tensor.js';
export { Rng } from './random.js';
export { backend, info, kernels, useBackend } from './backend/index.js';
export type { BackendName, Info, Kernels } from './backend/index.js';
export { BatchNorm1d, Dense, Dropout, ELU, GELU, INIT_NAMES, Layer, LayerNorm, LeakyReLU, PReLU, ReLU, SiLU, Sigmoid, Tanh, layerFromJSON, registerLayer } from './layers/index.js';
export type { BatchNorm1dOptions, DenseActivation, DenseOptions, Init, InitName, LayerJSON, LayerNormOptions, PReLUOptions } from './layers/index.js';
export { Model, Sequential } from './model/index.js';
export type { LoadOptions, SaveOptions, SequentialJSON, SequentialOptions } from './model/index.js';
export { Loss, loss } from './losses.js';
export type { LossName, LossOptions } from './losses.js';
export type { Parameter } from './parameter.js';
export * from './train/index.js';
export { loadWeights, weightsToSafetensors, ModelFileError } from './io/model-files.js';
export { readSafetensors, writeSafetensors, SafetensorsError } from './io/safetensors.js';
export type { NamedTensor, SafetensorsFile } from './io/safetensors.js';
export { exportTfjs, tfjsArtifacts } from './io/tfjs-format.js';
export { importTfjs } from './io/tfjs-import.js';
export { exportOnnx, onnxBytes, ONNX_OPSET, ONNX_IR_VERSION } from './io/onnx.js';
export { fromStateDict } from './io/torch-import.js';
export type { TfjsExportOptions, TfjsModelJSON } from './io/tfjs-format.js';
export type { TfjsImportOptions } from './io/tfjs-import.js';
export type { OnnxExportOptions } from './io/onnx.js';
export type { FromStateDictOptions } from './io/torch-import.js';
export type { SaveFormat } from './io/formats.js';
export { Optimizer, SGD, Momentum, AdaGrad, RMSProp, Adam, AdamW, createOptimizer, CONVENTIONS, NonFiniteUpdateError } from './optim/index.js';
export type {
  AdagradHyper, AdagradOptions, AdamHyper, AdamOptions, CommonHyper, Convention, GroupStateDict, MomentumHyper, MomentumOptions,
  OptimizerName, OptimizerOptions, OptimizerStateDict, ParamGroup, RmspropHyper, RmspropOptions, SgdHyper, SgdOptions,
} from './optim/index.js';
export * as schedules from './optim/schedules.js';
export { getThreads, setThreads } from './threads.js';
export { Standardize } from './data/standardize.js';
export type { StandardizeOptions } from './data/standardize.js';
export { argmax, softmax, predictClasses, predictProba } from './data/classes.js';
export type { Predictor } from './data/classes.js';
export { readCsv, DataError } from './io/csv.js';
export type { CsvData, CsvOptions } from './io/csv.js';
export * as distributed from './distributed/index.js';
