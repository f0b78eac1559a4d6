export { Tensor } from './tensor.js';
export type { Shape, RandomOptions } from './tensor.js';
export { Rng } from './random.js';
export { backend, info, kernels, useBackend } from './backend/index.js';
export type { BackendName, Info, Kernels } from './backend/index.js';
export { Optimizer, SGD, Momentum, AdaGrad, RMSProp, Adam, AdamW, createOptimizer, CONVENTIONS } from './optim/index.js';
export type {
  AdagradHyper, AdagradOptions, AdamHyper, AdamOptions, CommonHyper, Convention, GroupStateDict, MomentumHyper, MomentumOptions,
  OptimizerName, OptimizerOptions, OptimizerStateDict, ParamGroup, RmspropHyper, RmspropOptions, SgdHyper, SgdOptions,
} from './optim/index.js';
export * as schedules from './optim/schedules.js';
export { getThreads, setThreads } from './threads.js';
