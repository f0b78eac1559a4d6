import { ACTIVATION_LAYERS } from './layers/index.js';

export { Tensor } from './tensor.js';
export type { Shape, RandomOptions } from './tensor.js';
export { Rng } from './random.js';
export { backend, info, kernels, useBackend } from './backend/index.js';
export type { BackendName, Info, Kernels } from './backend/index.js';
export { ACTIVATION_LAYERS, ACTIVATION_NAMES, Dense, Layer, PReLU, layerFromJSON, registerLayer } from './layers/index.js';
export type { ActivationLayerClass, ActivationName, GeluApproximate } from './layers/index.js';
// The activation layer classes under their public names; the classes are
// derived from the activation family's list (lib/backend/families/activations.ts).
// GELU and SiLU join here once their kernels are in the backends.
export const { ReLU, LeakyReLU, ELU, Sigmoid, Tanh } = ACTIVATION_LAYERS;
export type ReLU = InstanceType<typeof ReLU>;
export type LeakyReLU = InstanceType<typeof LeakyReLU>;
export type ELU = InstanceType<typeof ELU>;
export type Sigmoid = InstanceType<typeof Sigmoid>;
export type Tanh = InstanceType<typeof Tanh>;
export type { DenseActivation, DenseOptions, InitName, LayerJSON, PReLUOptions } from './layers/index.js';
export { Model, Sequential } from './model/index.js';
export type { LoadOptions, SaveOptions, SequentialJSON, SequentialOptions } from './model/index.js';
export { Loss, LOSS_NAMES, loss } from './losses.js';
export type { LossName, LossOptions } from './losses.js';
export type { Parameter } from './parameter.js';
export * from './train/index.js';
export { loadWeights, weightsToSafetensors, ModelFileError } from './io/model-files.js';
export { readSafetensors, writeSafetensors, SafetensorsError } from './io/safetensors.js';
export type { NamedTensor, SafetensorsFile } from './io/safetensors.js';
export { Optimizer, SGD, Momentum, AdaGrad, RMSProp, Adam, AdamW, createOptimizer, CONVENTIONS, OPTIMIZER_NAMES } from './optim/index.js';
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
