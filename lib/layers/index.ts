export { Layer, BatchBuffer, registerLayer, layerFromJSON } from './layer.js';
export type { BoundParam, LayerJSON, ParamSpec } from './layer.js';
export { Dense } from './dense.js';
export type { DenseActivation, DenseOptions } from './dense.js';
export { ELU, LeakyReLU, ReLU, Sigmoid, Tanh } from './activations.js';
export { PReLU } from './prelu.js';
export type { PReLUOptions } from './prelu.js';
export type { InitName } from './init.js';
