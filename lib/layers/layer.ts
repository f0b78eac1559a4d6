// The Layer contract and the registry that maps class names to factories
// (for toJSON / fromConfig). A layer is built once, by the model that owns
// it: it learns its input feature count, declares its parameters, and gets
// views into the model's arenas, the model's backend and its own seeded
// random stream.
import type { RawBackend } from '../backend/index.js';
import { rangeError, typeError } from '../errors.js';
import type { Parameter } from '../parameter.js';
import type { Rng } from '../random.js';
import { Tensor } from '../tensor.js';
import type { Regularizer } from './regularizer.js';

/** A parameter a layer asks for; the model allocates it in its arenas. */
export interface ParamSpec {
  /** Local name, e.g. "weight"; the model prefixes the layer index. */
  readonly name: string;
  readonly shape: readonly number[];
  /** Fills the freshly allocated value (the gradient starts at zero). */
  init(value: Float32Array, rng: Rng): void;
  /** An L1/L2 penalty on this parameter (a layer's kernelRegularizer), applied by fit and evaluate. */
  readonly regularizer?: Regularizer;
}

/**
 * State a layer keeps that is not trained (BatchNorm1d's running statistics):
 * saved and loaded with the parameters, never seen by an optimizer.
 */
export interface BufferSpec {
  /** Local name, e.g. "running_mean" (PyTorch's state-dict name). */
  readonly name: string;
  readonly shape: readonly number[];
  init(value: Float32Array): void;
}

/** A buffer as bound by the model, named like a parameter ("1.running_mean"). */
export interface Buffer {
  readonly name: string;
  readonly value: Tensor;
}

/** A parameter's value and gradient views, as bound by the model. */
export interface BoundParam {
  readonly value: Tensor;
  readonly grad: Tensor;
}

/** A JSON-able description of one layer. */
export interface LayerJSON {
  className: string;
  config: Record<string, unknown>;
}

export abstract class Layer {
  /** The registered class name (stable across minification). */
  abstract readonly className: string;
  private built = false;
  private params: readonly Parameter[] = [];
  private bufs: readonly Buffer[] = [];
  protected raw!: RawBackend;
  /** This layer's random stream, derived from the model's seed (for what it draws while training, e.g. dropout masks). */
  protected rng!: Rng;
  protected inF = -1;
  protected outF = -1;

  /** The input feature count this layer requires, or undefined if it takes any. */
  abstract expectedInFeatures(): number | undefined;
  /** The output feature count for a given input feature count. */
  protected abstract outFeaturesFor(inFeatures: number): number;
  /** A short description for summary(), e.g. "Dense(4→3, relu)". */
  abstract describe(): string;
  abstract config(): Record<string, unknown>;
  /** y = layer(x); x is [batch, inFeatures]. The returned Tensor is reused by later calls of the same batch size. */
  abstract forward(x: Tensor, training: boolean): Tensor;
  /** dx from dy ([batch, outFeatures]); parameter gradients are ACCUMULATED. */
  abstract backward(dy: Tensor): Tensor;

  /**
   * Only the parameter gradients, for the first layer of a model whose caller
   * does not need dL/dx. Layers without parameters do nothing; the default
   * runs the full backward.
   */
  backwardParams(dy: Tensor): void {
    if (this.params.length > 0) this.backward(dy);
  }

  /**
   * Checks the values of a whole input x ([rows, features]) before fit,
   * evaluate or predict computes anything, for a first layer whose inputs
   * must be valid values and not only of the right shape (Embedding's
   * indices). Throws a RangeError naming `arg` and the element; the default
   * accepts any values.
   */
  checkInput(_fn: string, _arg: string, _x: Float32Array, _rows: number, _features: number): void {}

  /** The parameters this layer needs (after build). */
  paramSpecs(): ParamSpec[] {
    return [];
  }

  /** Called by the model with one BoundParam per ParamSpec, in order. */
  protected bindParams(_params: readonly BoundParam[]): void {}

  /** The buffers this layer keeps (after build). */
  bufferSpecs(): BufferSpec[] {
    return [];
  }

  /** Called by the model with one Tensor per BufferSpec, in order. */
  protected bindBuffers(_buffers: readonly Tensor[]): void {}

  /** @internal Called by the model with one Buffer per BufferSpec, in order. */
  bindBufferViews(buffers: readonly Buffer[]): void {
    this.bufs = buffers;
    this.bindBuffers(buffers.map((b) => b.value));
  }

  /** This layer's buffers, named as in the owning model; empty before build. */
  buffers(): readonly Buffer[] {
    return this.bufs;
  }

  /** True once a model has built this layer (a layer belongs to one model). */
  get isBuilt(): boolean {
    return this.built;
  }

  get inFeatures(): number {
    return this.inF;
  }

  get outFeatures(): number {
    return this.outF;
  }

  /** Called once by the owning model, with its backend's kernels and this layer's random stream. */
  build(inFeatures: number, raw: RawBackend, rng: Rng): void {
    if (this.built) throw rangeError('Layer.build', 'layer', 'a layer not already part of a model', `a built ${this.className}`);
    this.inF = inFeatures;
    this.outF = this.outFeaturesFor(inFeatures);
    this.raw = raw;
    this.rng = rng;
    this.built = true;
  }

  /** @internal Called by the model with one Parameter per ParamSpec, in order. */
  bind(params: readonly Parameter[]): void {
    this.params = params;
    this.bindParams(params);
  }

  /** This layer's parameters, named as in the owning model (e.g. "0.weight"); empty before build. */
  parameters(): readonly Parameter[] {
    return this.params;
  }

  toJSON(): LayerJSON {
    return { className: this.className, config: this.config() };
  }
}

/** A [batch, features] output reused for as long as the batch size stays the same. */
export class BatchBuffer {
  private t: Tensor | undefined;

  get(batch: number, features: number): Tensor {
    const t = this.t;
    if (t && t.shape[0] === batch && t.shape[1] === features) return t;
    this.t = Tensor.zeros([batch, features]);
    return this.t;
  }
}

type Factory = (config: Record<string, unknown>) => Layer;
const registry = new Map<string, Factory>();

/** Registers a layer class's fromConfig under its class name. */
export function registerLayer(className: string, fromConfig: Factory): void {
  registry.set(className, fromConfig);
}

export function layerFromJSON(json: LayerJSON): Layer {
  if (json === null || typeof json !== 'object') throw typeError('layerFromJSON', 'json', 'an object { className, config }', json);
  const make = registry.get(json.className);
  if (!make) {
    throw rangeError('layerFromJSON', 'json.className', `one of ${[...registry.keys()].join(', ')}`, JSON.stringify(json.className));
  }
  return make(json.config ?? {});
}
