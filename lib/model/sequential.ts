// Sequential: a chain of layers over one backend, with every parameter in
// one flat Float32Array arena and every gradient in another (each parameter
// a view), so an optimizer can update the whole model in one native call.
// compile/fit/evaluate/predict come from Model; save/load are here because
// the file format describes a Sequential.
import { savesNothing } from '../distributed/data-parallel.js';
import { defaultBackendName, rawBackend, type BackendName, type RawBackend } from '../backend/index.js';
import { checkF32, checkInteger, checkObject, rangeError, typeError } from '../errors.js';
import { exportIfAsked, tfjsModelJsonIn, type SaveFormat } from '../io/formats.js';
import { loadCompiled, saveModel, type LoadOptions as FileLoadOptions } from '../io/model-files.js';
import { importTfjsJson } from '../io/tfjs-import.js';
import { fromStateDict, type FromStateDictOptions } from '../io/torch-import.js';
import { Layer, layerFromJSON, type Buffer, type LayerJSON, type ParamSpec } from '../layers/layer.js';
import { applyRegularizers, type Regularized } from '../layers/regularizer.js';
import type { Parameter } from '../parameter.js';
import { Rng } from '../random.js';
import { Tensor } from '../tensor.js';
import type { LossName, MetricName } from '../train/types.js';
import { Model } from './model.js';
import { streamSeed } from './seeds.js';

export interface SequentialOptions {
  /** Backend for this model's kernels (default: the default backend at construction). */
  backend?: BackendName;
  /** Seed of the PRNG the initialisers draw from (default 0: models are reproducible). */
  seed?: number;
  /** Input features; needed only when the first layer does not fix it (an activation layer). */
  inputFeatures?: number;
}

export interface SaveOptions {
  /** Also save the optimizer state, so training resumes exactly (default true). */
  optimizer?: boolean;
  /** 'nodegrad' (default), 'tfjs' (a TF.js Layers model.json + shards in `dir`) or 'onnx' (`dir` is the .onnx file). */
  format?: SaveFormat;
  /** tfjs, onnx: append a softmax so the export outputs probabilities instead of logits (default false). */
  softmax?: boolean;
}

/** backend: of the model and its optimizer (default: the default backend); schedule: see lib/io/optimizer-config.ts. */
export interface LoadOptions extends FileLoadOptions {
  backend?: BackendName;
  /** TF.js models: drop a final softmax instead of refusing it (nodegrad models output logits). */
  dropFinalSoftmax?: boolean;
}

export interface SequentialJSON {
  className: 'Sequential';
  config: { inputFeatures: number; layers: LayerJSON[] };
}

export class Sequential extends Model {
  readonly layers: readonly Layer[];
  readonly backend: BackendName;
  readonly inputFeatures: number;
  readonly outputFeatures: number;
  /** All parameter values, in parameters() order, contiguous. */
  readonly values: Float32Array;
  /** All gradients, laid out as `values`. */
  readonly grads: Float32Array;
  /** Every layer's buffers (non-trained state such as running statistics), contiguous; empty when none has any. */
  readonly bufferValues: Float32Array;
  private readonly params: readonly Parameter[];
  private readonly bufferList: readonly Buffer[];
  private readonly regularized: readonly Regularized[];
  private readonly raw: RawBackend;
  private lastBatch = -1;

  constructor(layers: readonly Layer[], options: SequentialOptions = {}) {
    super();
    const fn = 'Sequential';
    if (!Array.isArray(layers)) throw typeError(fn, 'layers', 'an array of layers', layers);
    if (layers.length === 0) throw rangeError(fn, 'layers', 'a non-empty array', 'an empty array');
    layers.forEach((l, i) => {
      if (!(l instanceof Layer)) throw typeError(fn, `layers[${i}]`, 'a Layer', l);
      if (layers.indexOf(l) !== i) throw rangeError(fn, `layers[${i}]`, 'a layer not already in this model', `the same layer as layers[${layers.indexOf(l)}]`);
    });
    if (options === null || typeof options !== 'object') throw typeError(fn, 'options', 'an object', options);
    const { backend = defaultBackendName(), seed = 0, inputFeatures } = options;
    const raw = rawBackend(backend);
    checkInteger(fn, 'options.seed', seed, 0);

    // Validate the whole chain before touching any layer, so a failed
    // construction leaves the layers usable.
    const first = layers[0]!.expectedInFeatures();
    if (inputFeatures !== undefined) checkInteger(fn, 'options.inputFeatures', inputFeatures, 1);
    const inF = inputFeatures ?? first;
    if (inF === undefined) {
      throw rangeError(fn, 'options.inputFeatures', `given when layers[0] (${layers[0]!.className}) does not fix its input features`, 'undefined');
    }
    if (first !== undefined && first !== inF) {
      throw rangeError(fn, `layers[0] (${layers[0]!.className}) inFeatures`, `${inF} (options.inputFeatures)`, first);
    }
    let features = inF;
    const featuresIn: number[] = [];
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      const want = l.expectedInFeatures();
      if (want !== undefined && want !== features) {
        const from = i === 0 ? 'options.inputFeatures' : `the output of layers[${i - 1}] (${layers[i - 1]!.className})`;
        throw rangeError(fn, `layers[${i}] (${l.className}) inFeatures`, `${features} to match ${from}`, want);
      }
      if (l.isBuilt) {
        throw rangeError(fn, `layers[${i}] (${l.className})`, 'a layer not already part of a model', 'a built layer');
      }
      featuresIn.push(features);
      features = want !== undefined ? l.outFeatures : features;
    }

    // Each layer's own random stream (Dropout's masks), apart from the initialisers' one below.
    layers.forEach((l, i) => l.build(featuresIn[i]!, raw, new Rng(streamSeed(seed, i))));
    const specs: ParamSpec[][] = layers.map((l: Layer) => l.paramSpecs());
    let total = 0;
    for (const list of specs) for (const s of list) total += s.shape.reduce((a: number, b: number) => a * b, 1);
    this.values = new Float32Array(total);
    this.grads = new Float32Array(total);
    const rng = new Rng(seed);
    const params: Parameter[] = [];
    const regularized: Regularized[] = [];
    let offset = 0;
    specs.forEach((list, i) => {
      const bound = list.map((s) => {
        const size = s.shape.reduce((a: number, b: number) => a * b, 1);
        const value = new Tensor(this.values.subarray(offset, offset + size), s.shape);
        const grad = new Tensor(this.grads.subarray(offset, offset + size), s.shape);
        offset += size;
        s.init(value.data, rng);
        const p = { name: `${i}.${s.name}`, value, grad };
        params.push(p);
        if (s.regularizer) regularized.push({ param: p, regularizer: s.regularizer });
        return p;
      });
      layers[i]!.bind(bound);
    });
    // Buffers (non-trained state, e.g. running statistics) in an arena of their own.
    const bufferSpecs = layers.map((l: Layer) => l.bufferSpecs());
    this.bufferValues = new Float32Array(bufferSpecs.flat().reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0));
    const buffers: Buffer[] = [];
    let bOffset = 0;
    bufferSpecs.forEach((list, i) => {
      const bound = list.map((s) => {
        const size = s.shape.reduce((a: number, b: number) => a * b, 1);
        const value = new Tensor(this.bufferValues.subarray(bOffset, bOffset + size), s.shape);
        bOffset += size;
        s.init(value.data);
        return { name: `${i}.${s.name}`, value };
      });
      buffers.push(...bound);
      layers[i]!.bindBufferViews(bound);
    });
    this.bufferList = Object.freeze(buffers);

    this.layers = Object.freeze([...layers]);
    this.params = Object.freeze(params);
    this.regularized = Object.freeze(regularized);
    this.raw = raw;
    this.backend = backend;
    this.inputFeatures = inF;
    this.outputFeatures = layers[layers.length - 1]!.outFeatures;
  }

  /** x: [batch, inputFeatures] → [batch, outputFeatures]. The result is reused by the next forward of the same batch size. */
  forward(x: Tensor, training = true): Tensor {
    const fn = 'Sequential.forward';
    if (!(x instanceof Tensor)) throw typeError(fn, 'x', 'a Tensor', x);
    checkF32(fn, 'x.data', x.data); // a Tensor's buffer can be detached after construction
    if (x.rank !== 2 || x.shape[1] !== this.inputFeatures) {
      throw rangeError(fn, 'x', `of shape [batch, ${this.inputFeatures}]`, `shape [${x.shape.join(', ')}]`);
    }
    let h = x;
    for (const l of this.layers) h = l.forward(h, training);
    this.lastBatch = x.shape[0]!;
    return h;
  }

  /**
   * dLoss: [batch, outputFeatures] for the last forward. Accumulates into the
   * gradients; returns dX (reused), or null with `{ inputGradient: false }`,
   * which skips computing it (the first Dense's dX GEMM).
   */
  backward(dLoss: Tensor): Tensor;
  backward(dLoss: Tensor, options: { inputGradient: false }): null;
  backward(dLoss: Tensor, options?: { inputGradient?: boolean }): Tensor | null;
  backward(dLoss: Tensor, options?: { inputGradient?: boolean }): Tensor | null {
    const fn = 'Sequential.backward';
    if (!(dLoss instanceof Tensor)) throw typeError(fn, 'dLoss', 'a Tensor', dLoss);
    checkF32(fn, 'dLoss.data', dLoss.data);
    if (this.lastBatch < 0) throw rangeError(fn, 'dLoss', 'given after a forward pass', 'no forward pass yet');
    if (dLoss.rank !== 2 || dLoss.shape[0] !== this.lastBatch || dLoss.shape[1] !== this.outputFeatures) {
      throw rangeError(fn, 'dLoss', `of shape [${this.lastBatch}, ${this.outputFeatures}] (the last forward's output)`, `shape [${dLoss.shape.join(', ')}]`);
    }
    if (options !== undefined && (options === null || typeof options !== 'object')) throw typeError(fn, 'options', 'an object', options);
    const inputGradient = options?.inputGradient ?? true;
    if (typeof inputGradient !== 'boolean') throw typeError(fn, 'options.inputGradient', 'a boolean', inputGradient);
    let g = dLoss;
    for (let i = this.layers.length - 1; i >= 1; i--) g = this.layers[i]!.backward(g);
    if (!inputGradient) {
      this.layers[0]!.backwardParams(g);
      return null;
    }
    return this.layers[0]!.backward(g);
  }

  /**
   * Writes model.json, model-<id>.safetensors and (by default)
   * optimizer-<id>.json into `dir`, committed as one unit (lib/io/checkpoint.ts).
   * After a data-parallel fit, only rank 0 writes (every rank holds the same bits).
   */
  save(dir: string, options: SaveOptions = {}): Promise<void> {
    if (savesNothing(this)) return Promise.resolve();
    try {
      checkObject('save', 'options', options, 'an object { optimizer?, format?, softmax? }');
    } catch (e) {
      return Promise.reject(e);
    }
    // format 'tfjs' / 'onnx' (lib/io/formats.ts): an export, not a checkpoint.
    const exported = exportIfAsked(this, dir, options);
    if (exported) return exported;
    const c = this.compiled;
    const withOptimizer = options.optimizer ?? true;
    return saveModel(this, dir, {
      training: c ? { loss: c.lossName, metrics: c.metricNames, optimizer: c.optimizer } : null,
      withOptimizerState: withOptimizer,
    });
  }

  /** A model saved by save(); compiled again (optimizer state included) when the files hold a training configuration. */
  static async load(dir: string, options: LoadOptions = {}): Promise<Sequential> {
    // A TF.js Layers model.json (modelTopology + weightsManifest) is imported instead.
    const tfjs = await tfjsModelJsonIn(dir);
    if (tfjs !== null) return importTfjsJson(tfjs, dir, options);
    return loadCompiled(dir, options, (model, o) => {
      model.compile({ optimizer: o.optimizer, loss: o.loss as LossName, metrics: o.metrics as MetricName[] });
    });
  }

  /** A model of `layers` with the weights of a PyTorch nn.Sequential state_dict saved as safetensors (lib/io/torch-import.ts). */
  static fromStateDict(file: string | Uint8Array, layers: readonly Layer[], options?: FromStateDictOptions): Promise<Sequential> {
    return fromStateDict(file, layers, options);
  }

  /** Parameters in layer order (a Dense: weight, then bias; a PReLU: its α as "weight"). */
  /** Every layer's buffers, in layer order, named like parameters ("1.running_mean"). */
  buffers(): readonly Buffer[] {
    return this.bufferList;
  }

  parameters(): readonly Parameter[] {
    return this.params;
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  /**
   * The layers' L1/L2 penalties at the current weights (0 without any
   * kernelRegularizer); with `addGradient`, their gradients are also added
   * to the parameters' gradients. fit and evaluate call it (lib/train).
   */
  regularization(addGradient = false): number {
    return this.regularized.length === 0 ? 0 : applyRegularizers(this.regularized, addGradient);
  }

  /** Whether any layer has a kernelRegularizer. */
  get hasRegularizers(): boolean {
    return this.regularized.length > 0;
  }

  /**
   * Checks the values of a whole input ([rows, inputFeatures]) against the
   * first layer (Embedding indices in range), before anything is computed.
   */
  checkInput(fn: string, arg: string, x: Float32Array, rows: number): void {
    this.layers[0]!.checkInput(fn, arg, x, rows, this.inputFeatures);
  }

  /** The unchecked kernels of this model's backend (for optimizers). */
  rawKernels(): RawBackend {
    return this.raw;
  }

  summary(): string {
    const rows = this.layers.map((l, i) => {
      const n = l.paramSpecs().reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
      return [String(i), l.describe(), `[batch, ${l.outFeatures}]`, String(n)];
    });
    const head = ['#', 'layer', 'output', 'params'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (r: string[]): string => r.map((s, c) => (c === 3 ? s.padStart(widths[c]!) : s.padEnd(widths[c]!))).join('  ').trimEnd();
    return [
      `Sequential (${this.backend} backend, input [batch, ${this.inputFeatures}])`,
      line(head),
      ...rows.map(line),
      `total parameters: ${this.values.length}`,
    ].join('\n');
  }

  toJSON(): SequentialJSON {
    return { className: 'Sequential', config: { inputFeatures: this.inputFeatures, layers: this.layers.map((l) => l.toJSON()) } };
  }

  /** A fresh model (new initialisation) of the architecture `json` describes. */
  static fromConfig(json: SequentialJSON, options: Omit<SequentialOptions, 'inputFeatures'> = {}): Sequential {
    if (json === null || typeof json !== 'object' || json.className !== 'Sequential' || !Array.isArray(json.config?.layers)) {
      throw typeError('Sequential.fromConfig', 'json', "an object { className: 'Sequential', config: { inputFeatures, layers } }", json);
    }
    return new Sequential(json.config.layers.map(layerFromJSON), { ...options, inputFeatures: json.config.inputFeatures });
  }
}
