export { Tensor } from './tensor.js';
export type { Shape, RandomOptions } from './tensor.js';
export { Rng } from './random.js';
export { backend, info, kernels, useBackend } from './backend/index.js';
export type { BackendName, Info, Kernels } from './backend/index.js';
export { getThreads, setThreads } from './threads.js';
