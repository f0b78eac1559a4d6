// Models: the shared Model base (compile / fit / evaluate / predict) and Sequential.
export { Model } from './model.js';
export { Sequential } from './sequential.js';
export type { LoadOptions, SaveOptions, SequentialJSON, SequentialOptions } from './sequential.js';
