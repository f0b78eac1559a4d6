// TensorFlow.js Layers import: a model.json (tfjs-core's ModelJSON) with
// its weight shards, as tfjs-layers' model.save() or the Keras converter
// writes them, becomes a Sequential. Everything is read and checked — the
// topology (only layers nodegrad has), the manifest (float32, no
// quantization, names and shapes that match the topology), the shard sizes
// and finite values — before the model is built, so a refused file
// allocates no model and names the layer or tensor at fault.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackendName } from '../backend/index.js';
// Every layer module, for its registerLayer() side effect: layers are made
// through layerFromJSON, and a program (the CLI) may not have loaded them all.
import { ELU, LeakyReLU, ReLU } from '../activation-layers.js';
import '../layers/index.js';
import type { DenseActivation } from '../layers/dense.js';
import { layerFromJSON, type Layer, type LayerJSON } from '../layers/layer.js';
import { PReLU } from '../layers/prelu.js';
import { Standardize } from '../data/standardize.js';
import { Sequential } from '../model/sequential.js';
import { ModelFileError } from './model-files.js';
import { TFJS_MODEL_FILE } from './tfjs-format.js';

export interface TfjsImportOptions {
  backend?: BackendName;
  /**
   * A final softmax (a Softmax layer, or a last Dense with activation
   * 'softmax') is refused by default: nodegrad models output logits and
   * train them with softmaxCrossEntropy. `true` drops it, so the imported
   * model outputs the logits the tfjs model turned into probabilities.
   */
  dropFinalSoftmax?: boolean;
}

type Obj = Record<string, unknown>;

/** num_batches_tracked of each BatchNorm1d being imported (from nodegrad's metadata; Keras has no counter), set once the model is built. */
const batchesTracked = new WeakMap<Layer, number>();
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** True when `json` is a TF.js Layers model.json rather than nodegrad's own (which has no modelTopology). */
export function isTfjsModelJson(json: unknown): boolean {
  return isObj(json) && 'modelTopology' in json && 'weightsManifest' in json;
}

/** Tensors one planned layer needs, by their tfjs names. */
interface Want {
  name: string;
  shape: number[];
  /** Fills the built layer's parameter `param` with the tensor (-1: a constructor input, see Planned.make, or a buffer). */
  param: number;
  /** Fills the built layer's buffer of this index instead (BatchNorm1d's running statistics). */
  buffer?: number;
  layer: number;
}

interface Planned {
  /** Builds the layer; `values` holds every wanted tensor (a Standardize takes its mean and variance here). */
  make: (values: ReadonlyMap<string, Float32Array>) => Layer;
  wants: Want[];
}

const SUPPORTED = 'Dense, Activation (relu, sigmoid, tanh, elu, gelu, gelu_new, swish, linear), ReLU, LeakyReLU, ELU, PReLU, Dropout, BatchNormalization, LayerNormalization, Embedding (with a Flatten after it), Flatten, InputLayer';

/** Keras's feature axis of a [batch, features] input: -1, 1, or a one-element list of them. */
function isFeatureAxis(axis: unknown): boolean {
  return axis === undefined || axis === -1 || axis === 1 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 1));
}

/** A normalisation layer's center/scale pair as nodegrad's one affine flag (both or neither). */
function affineOf(c: Obj, refuse: (why: string) => never, flag: string): boolean {
  const center = c.center ?? true;
  const scale = c.scale ?? true;
  if (typeof center !== 'boolean' || typeof scale !== 'boolean') refuse(`center and scale must be booleans, got ${JSON.stringify(center)} and ${JSON.stringify(scale)}`);
  if (center !== scale) refuse(`center ${String(center)} with scale ${String(scale)} is not supported (nodegrad's ${flag} learns both weight and bias, or neither)`);
  for (const k of ['beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint']) {
    // Harmless for predictions, but fine-tuning here would silently drop them.
    if (c[k] !== undefined && c[k] !== null) refuse(`${k} is not supported`);
  }
  return center as boolean;
}

/** epsilon as nodegrad's norm layers take it: a float32-finite number > 0. */
function epsOf(c: Obj, refuse: (why: string) => never): number {
  const eps = c.epsilon ?? 0.001;
  if (typeof eps !== 'number' || !(eps > 0) || !(Math.abs(eps) <= 3.4028234663852886e38)) refuse(`epsilon must be a finite number > 0, got ${JSON.stringify(eps)}`);
  return eps as number;
}

/** tfjs activation identifiers nodegrad has a kernel for: the kernel name and its parameter. */
const TFJS_ACTIVATIONS: Record<string, { name: string; className: string; config: Record<string, unknown> }> = {
  relu: { name: 'relu', className: 'ReLU', config: {} },
  sigmoid: { name: 'sigmoid', className: 'Sigmoid', config: {} },
  tanh: { name: 'tanh', className: 'Tanh', config: {} },
  // tfjs's elu activation has α = 1.
  elu: { name: 'elu', className: 'ELU', config: { alpha: 1 } },
  // x·Φ(x) with erf, and the tanh approximation (tfjs-layers' Gelu, GeluNew).
  gelu: { name: 'gelu', className: 'GELU', config: { approximate: 'none' } },
  gelu_new: { name: 'gelu', className: 'GELU', config: { approximate: 'tanh' } },
  // x·σ(x)
  swish: { name: 'silu', className: 'SiLU', config: {} },
};

/** A factory for a registered layer, tried once now so a build without it refuses at plan time. */
function available(make: () => Layer): (() => Layer) | null {
  try {
    make();
    return make;
  } catch {
    return null;
  }
}

/** A factory tried once now; what the layer's constructor refuses (an ε below float32's range, say) is refused naming the layer. */
function buildable(make: () => Layer, refuse: (why: string) => never): () => Layer {
  try {
    make();
  } catch (e) {
    refuse((e as Error).message);
  }
  return make;
}

function plan(topology: unknown, path: string, dropFinalSoftmax: boolean, schema: Obj | null): { inputFeatures: number; layers: Planned[] } {
  let top = topology;
  // The Keras converter wraps the model in { keras_version, backend, model_config }.
  if (isObj(top) && isObj(top.model_config)) top = top.model_config;
  if (!isObj(top)) throw new ModelFileError(path, `${path}: modelTopology must be an object`);
  if (top.class_name !== 'Sequential') {
    throw new ModelFileError(path, `${path}: only Sequential models can be imported, got class_name ${JSON.stringify(top.class_name)}`);
  }
  const cfg = top.config;
  const list = Array.isArray(cfg) ? cfg : isObj(cfg) ? cfg.layers : undefined;
  if (!Array.isArray(list) || list.length === 0) throw new ModelFileError(path, `${path}: modelTopology.config.layers must be a non-empty array`);

  let features: number | undefined;
  let inputFeatures = 0;
  const out: Planned[] = [];
  const names = new Set<string>();
  const last = list.length - 1;
  list.forEach((raw, i) => {
    if (!isObj(raw) || typeof raw.class_name !== 'string' || !isObj(raw.config)) {
      throw new ModelFileError(path, `${path}: layers[${i}] must be { class_name, config }`);
    }
    const c = raw.config;
    const cls = raw.class_name;
    const name = typeof c.name === 'string' ? c.name : `layer_${i}`;
    const where = `layers[${i}] (${cls} "${name}")`;
    const refuse = (why: string): never => {
      throw new ModelFileError(path, `${path}: ${where}: ${why}`);
    };
    if (names.has(name)) refuse('duplicate layer name');
    names.add(name);
    const shape = c.batch_input_shape ?? (Array.isArray(c.batch_shape) ? c.batch_shape : undefined);
    if (shape !== undefined && features === undefined) {
      const f = Array.isArray(shape) && shape.length === 2 ? (shape[1] as unknown) : undefined;
      if (typeof f !== 'number' || !Number.isSafeInteger(f) || f < 1) {
        refuse(`input shape must be [null, features], got ${JSON.stringify(shape)} (nodegrad models take [batch, features])`);
      }
      features = inputFeatures = f as number;
    }
    const need = (): number => features ?? refuse('the input feature count is unknown (no batch_input_shape on the first layer)');
    const idx = out.length;
    const isLastSoftmax = (act: unknown): boolean => act === 'softmax' && i === last && dropFinalSoftmax;
    const activationLayer = (act: unknown): (() => Layer) | null => {
      if (act === 'linear') return null;
      if (act === 'softmax') {
        if (isLastSoftmax(act)) return null;
        return refuse(`activation 'softmax' is not a nodegrad layer (models output logits for softmaxCrossEntropy); a final softmax can be dropped with { dropFinalSoftmax: true }`);
      }
      const a = typeof act === 'string' && Object.hasOwn(TFJS_ACTIVATIONS, act) ? TFJS_ACTIVATIONS[act]! : undefined;
      if (!a) return refuse(`activation ${JSON.stringify(act)} is not supported (supported: ${Object.keys(TFJS_ACTIVATIONS).join(', ')}, linear)`);
      const make = available(() => layerFromJSON({ className: a.className, config: a.config }));
      return make ?? refuse(`activation ${JSON.stringify(act)} needs nodegrad's ${a.className} layer, which this build does not have`);
    };
    switch (cls) {
      case 'InputLayer':
        need();
        return;
      case 'Dense': {
        const units = c.units;
        if (!Number.isSafeInteger(units) || (units as number) < 1) refuse(`units must be a positive integer, got ${JSON.stringify(units)}`);
        const inF = need();
        const bias = c.use_bias ?? true;
        if (typeof bias !== 'boolean') refuse(`use_bias must be a boolean, got ${JSON.stringify(bias)}`);
        for (const k of ['kernel_constraint', 'bias_constraint', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer']) {
          // Harmless for predictions, but fine-tuning here would silently drop them.
          if (c[k] !== undefined && c[k] !== null) refuse(`${k} is not supported`);
        }
        const act = c.activation ?? 'linear';
        const separate = activationLayer(act); // refuses what nodegrad cannot compute (a softmax unless dropped)
        const a = typeof act === 'string' && Object.hasOwn(TFJS_ACTIVATIONS, act) ? TFJS_ACTIVATIONS[act]! : undefined;
        const dense = (activation: string | null, extra: Record<string, unknown> = {}) => () =>
          layerFromJSON({ className: 'Dense', config: { inFeatures: inF, outFeatures: units, bias, activation: activation as DenseActivation | null, ...extra } });
        // Fused where Dense has the activation; else a linear Dense and the activation layer (the same computation).
        const fused = a ? available(dense(a.name, a.config)) : null;
        const wants: Want[] = [{ name: `${name}/kernel`, shape: [inF, units as number], param: 0, layer: idx }];
        if (bias) wants.push({ name: `${name}/bias`, shape: [units as number], param: 1, layer: idx });
        out.push({ make: fused ?? dense(null), wants });
        if (!fused && separate) out.push({ make: separate, wants: [] });
        features = units as number;
        return;
      }
      case 'Activation': {
        need();
        const make = activationLayer(c.activation);
        if (make) out.push({ make, wants: [] });
        return;
      }
      case 'ReLU': {
        need();
        if (c.max_value != null) refuse(`max_value ${JSON.stringify(c.max_value)} (a clipped ReLU) is not supported`);
        if (c.negative_slope != null && c.negative_slope !== 0) refuse('negative_slope is not supported (use LeakyReLU)');
        if (c.threshold != null && c.threshold !== 0) refuse('a threshold is not supported');
        out.push({ make: () => new ReLU(), wants: [] });
        return;
      }
      case 'LeakyReLU': {
        need();
        // tfjs and Keras default alpha: 0.3 (nodegrad's default is 0.01).
        const alpha = c.alpha ?? c.negative_slope ?? 0.3;
        if (typeof alpha !== 'number' || !Number.isFinite(alpha)) refuse(`alpha must be a finite number, got ${JSON.stringify(alpha)}`);
        out.push({ make: () => new LeakyReLU(alpha as number), wants: [] });
        return;
      }
      case 'ELU': {
        need();
        const alpha = c.alpha ?? 1;
        if (typeof alpha !== 'number' || !Number.isFinite(alpha)) refuse(`alpha must be a finite number, got ${JSON.stringify(alpha)}`);
        out.push({ make: () => new ELU(alpha as number), wants: [] });
        return;
      }
      case 'PReLU': {
        const f = need();
        const axes = c.shared_axes;
        let shared: boolean;
        if (axes === null || axes === undefined) shared = false;
        else if (Array.isArray(axes) && axes.length === 1 && axes[0] === 1) shared = true;
        else shared = refuse(`shared_axes ${JSON.stringify(axes)} is not supported (null: one α per feature, [1]: one shared α)`);
        if (c.alpha_constraint != null || c.alpha_regularizer != null) refuse('alpha constraints and regularizers are not supported');
        out.push({ make: () => new PReLU({ perFeature: !shared }), wants: [{ name: `${name}/alpha`, shape: [shared ? 1 : f], param: 0, layer: idx }] });
        return;
      }
      case 'BatchNormalization': {
        const f = need();
        if (!isFeatureAxis(c.axis)) refuse(`axis ${JSON.stringify(c.axis)} is not the feature axis`);
        const meanName = `${name}/moving_mean`;
        const varName = `${name}/moving_variance`;
        if (c.center === false && c.scale === false && c.trainable === false) {
          // Frozen, with no learned scale or offset: a fixed standardisation,
          // the form nodegrad's Standardize exports as (ε 0):
          // (x − moving_mean) / √(moving_variance + ε).
          const e = c.epsilon ?? 0.001;
          if (typeof e !== 'number' || !(e >= 0) || !Number.isFinite(e)) refuse(`epsilon must be a finite number >= 0, got ${JSON.stringify(e)}`);
          const extra = {
            ...(Array.isArray(schema?.featureNames) && out.length === 0 ? { featureNames: schema!.featureNames as string[] } : {}),
            ...(Array.isArray(schema?.classLabels) && out.length === 0 ? { classLabels: schema!.classLabels as string[] } : {}),
          };
          out.push({
            make: (v) => new Standardize({ mean: v.get(meanName)!, std: v.get(varName)!.map((x) => Math.sqrt(x + (e as number))), ...extra }),
            wants: [
              { name: meanName, shape: [f], param: -1, layer: idx },
              { name: varName, shape: [f], param: -1, layer: idx },
            ],
          });
          return;
        }
        // A BatchNorm1d: Keras's momentum k weighs the old moving value, PyTorch's
        // m the new batch, so m = 1 − k (nodegrad's export records its exact m,
        // which 1 − (1 − m) may miss by an ulp, and num_batches_tracked).
        const affine = affineOf(c, refuse, 'BatchNorm1d');
        const eps = epsOf(c, refuse);
        const k = c.momentum ?? 0.99;
        if (typeof k !== 'number' || !(k >= 0 && k <= 1)) refuse(`momentum must be a number in [0, 1], got ${JSON.stringify(k)}`);
        const recorded = isObj(schema?.batchNorm) && isObj(schema.batchNorm[name]) ? (schema.batchNorm[name] as Obj) : null;
        const exact = recorded && typeof recorded.momentum === 'number' && 1 - recorded.momentum === k ? recorded.momentum : null;
        const momentum = exact ?? 1 - (k as number);
        const b = recorded ? recorded.batchesTracked : 0;
        if (!Number.isSafeInteger(b) || (b as number) < 0 || (b as number) > 2 ** 24) {
          refuse(`userDefinedMetadata.nodegrad.batchNorm["${name}"].batchesTracked must be an integer in [0, 2^24], got ${JSON.stringify(b)}`);
        }
        const batches = b as number;
        const wants: Want[] = [];
        if (affine) {
          wants.push({ name: `${name}/gamma`, shape: [f], param: 0, layer: idx }, { name: `${name}/beta`, shape: [f], param: 1, layer: idx });
        }
        wants.push({ name: meanName, shape: [f], param: -1, buffer: 0, layer: idx }, { name: varName, shape: [f], param: -1, buffer: 1, layer: idx });
        const make = buildable(() => layerFromJSON({ className: 'BatchNorm1d', config: { features: f, eps, momentum, affine, trackRunningStats: true } }), refuse);
        out.push({
          make: () => {
            const l = make!();
            batchesTracked.set(l, batches);
            return l;
          },
          wants,
        });
        return;
      }
      case 'LayerNormalization': {
        const f = need();
        if (!isFeatureAxis(c.axis)) refuse(`axis ${JSON.stringify(c.axis)} is not the feature axis (nodegrad's LayerNorm normalises each row over its features)`);
        const affine = affineOf(c, refuse, 'LayerNorm');
        const eps = epsOf(c, refuse);
        const make = buildable(() => layerFromJSON({ className: 'LayerNorm', config: { features: f, eps, elementwiseAffine: affine } }), refuse);
        out.push({ make: make!, wants: affine ? [{ name: `${name}/gamma`, shape: [f], param: 0, layer: idx }, { name: `${name}/beta`, shape: [f], param: 1, layer: idx }] : [] });
        return;
      }
      case 'Dropout': {
        need();
        const rate = c.rate;
        if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) refuse(`rate must be a number in [0, 1), got ${JSON.stringify(rate)}`);
        if (c.noise_shape != null) refuse('noise_shape is not supported');
        const make = available(() => layerFromJSON({ className: 'Dropout', config: { p: rate } }));
        if (!make) refuse("nodegrad's Dropout layer is not in this build");
        out.push({ make: make!, wants: [] });
        return;
      }
      case 'Embedding': {
        // Keras's [batch, k, dim] output; nodegrad's Embedding gives [batch, k·dim], what a Flatten right after makes of it.
        const k = need();
        const next = list[i + 1] as Obj | undefined;
        if (!isObj(next) || next.class_name !== 'Flatten') refuse("an Embedding must be followed by a Flatten (nodegrad's Embedding outputs [batch, columns·dim])");
        const inDim = c.input_dim;
        const outDim = c.output_dim;
        if (!Number.isSafeInteger(inDim) || (inDim as number) < 1) refuse(`input_dim must be a positive integer, got ${JSON.stringify(inDim)}`);
        if (!Number.isSafeInteger(outDim) || (outDim as number) < 1) refuse(`output_dim must be a positive integer, got ${JSON.stringify(outDim)}`);
        if (c.input_length != null && c.input_length !== k && !(Array.isArray(c.input_length) && c.input_length.length === 1 && c.input_length[0] === k)) {
          refuse(`input_length ${JSON.stringify(c.input_length)} does not match the ${k} input columns`);
        }
        if (c.mask_zero === true) refuse('mask_zero is not supported');
        for (const key of ['embeddings_regularizer', 'embeddings_constraint', 'activity_regularizer']) if (c[key] != null) refuse(`${key} is not supported`);
        // Last (only a Flatten after it): nodegrad's Embedding. Followed by more layers: a Concat
        // with that Embedding over every column, which a Sequential chains (an Embedding's output
        // width is known to the model only inside a Concat).
        const lastLayers = i + 1 === last;
        const embedding = { className: 'Embedding', config: { numEmbeddings: inDim, dim: outDim } };
        const json = lastLayers ? embedding : { className: 'Concat', config: { inFeatures: k, branches: [{ columns: Array.from({ length: k }, (_, c) => c), layer: embedding }] } };
        const make = available(() => layerFromJSON(json as LayerJSON));
        if (!make) refuse(`nodegrad's ${json.className} layer is not in this build`);
        out.push({ make: make!, wants: [{ name: `${name}/embeddings`, shape: [inDim as number, outDim as number], param: 0, layer: idx }] });
        features = k * (outDim as number);
        return;
      }
      case 'Flatten':
        // On [batch, features] (and after an Embedding, where nodegrad's layer flattens itself) it changes nothing.
        need();
        return;
      case 'Softmax':
        if (i === last && dropFinalSoftmax) return;
        return refuse('Softmax is not a nodegrad layer (models output logits for softmaxCrossEntropy); a final one can be dropped with { dropFinalSoftmax: true }');
      default:
        refuse(`this layer class is not supported (supported: ${SUPPORTED})`);
    }
  });
  if (features === undefined) throw new ModelFileError(path, `${path}: no layer gives the input shape (batch_input_shape)`);
  if (out.length === 0) throw new ModelFileError(path, `${path}: the model has no layer nodegrad can represent`);
  return { inputFeatures, layers: out };
}

interface ManifestWeight {
  name: string;
  shape: number[];
  group: number;
  /** Byte offset inside the group's concatenated shards. */
  offset: number;
}

function parseManifest(manifest: unknown, path: string): { groups: string[][]; weights: Map<string, ManifestWeight>; groupBytes: number[] } {
  if (!Array.isArray(manifest)) throw new ModelFileError(path, `${path}: weightsManifest must be an array of { paths, weights }`);
  const groups: string[][] = [];
  const groupBytes: number[] = [];
  const weights = new Map<string, ManifestWeight>();
  manifest.forEach((g, gi) => {
    if (!isObj(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new ModelFileError(path, `${path}: weightsManifest[${gi}] must be { paths, weights }`);
    for (const p of g.paths) {
      // Shards live beside model.json: no absolute paths, no "..", no URLs.
      if (typeof p !== 'string' || p === '' || p.includes('..') || p.startsWith('/') || p.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(p)) {
        throw new ModelFileError(path, `${path}: weightsManifest[${gi}].paths holds ${JSON.stringify(p)}; only file names beside model.json are read`);
      }
    }
    groups.push(g.paths as string[]);
    let offset = 0;
    for (const w of g.weights as unknown[]) {
      if (!isObj(w) || typeof w.name !== 'string') throw new ModelFileError(path, `${path}: weightsManifest[${gi}] has an entry without a name`);
      const where = `${path}: tensor "${w.name}"`;
      if (w.dtype !== 'float32') throw new ModelFileError(path, `${where} has dtype ${JSON.stringify(w.dtype)}; only float32 is supported`);
      if (w.quantization !== undefined) throw new ModelFileError(path, `${where} is quantized; only plain float32 weights are supported`);
      if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw new ModelFileError(path, `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(w.shape)}`);
      }
      if (weights.has(w.name)) throw new ModelFileError(path, `${where} appears twice in the manifest`);
      const shape = w.shape as number[];
      weights.set(w.name, { name: w.name, shape, group: gi, offset });
      offset += 4 * shape.reduce((a, b) => a * b, 1);
    }
    groupBytes.push(offset);
  });
  return { groups, weights, groupBytes };
}

async function readShard(dir: string, name: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, name));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(join(dir, name), `importTfjs: cannot read weight shard ${join(dir, name)}${code === 'ENOENT' ? ' (no such file)' : ` (${code ?? (e as Error).message})`}`);
  }
}

/** Reads a TF.js Layers model (model.json + shards) from `dir` as a new, uncompiled Sequential. */
export async function importTfjs(dir: string, options: TfjsImportOptions = {}): Promise<Sequential> {
  if (typeof dir !== 'string' || dir === '') throw new TypeError('importTfjs: dir must be a non-empty string');
  if (options === null || typeof options !== 'object') throw new TypeError('importTfjs: options must be an object');
  const path = join(dir, TFJS_MODEL_FILE);
  let json: unknown;
  try {
    json = JSON.parse((await readFile(path)).toString('utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(path, code ? `importTfjs: cannot read ${path} (${code})` : `${path}: not valid JSON (${(e as Error).message})`);
  }
  return importTfjsJson(json, dir, options, path);
}

/** As importTfjs, with model.json already parsed (shards are read from `dir`). */
export async function importTfjsJson(json: unknown, dir: string, options: TfjsImportOptions = {}, path = join(dir, TFJS_MODEL_FILE)): Promise<Sequential> {
  if (!isTfjsModelJson(json)) throw new ModelFileError(path, `${path}: not a TF.js Layers model.json (modelTopology and weightsManifest are required)`);
  const j = json as Obj;
  if (j.format !== undefined && j.format !== 'layers-model') {
    throw new ModelFileError(path, `${path}: format ${JSON.stringify(j.format)} is not a Layers model ("layers-model"); graph models cannot be imported`);
  }
  const drop = options.dropFinalSoftmax ?? false;
  if (typeof drop !== 'boolean') throw new TypeError(`importTfjs: options.dropFinalSoftmax must be a boolean, got ${typeof drop}`);
  // The feature names and class labels nodegrad's export keeps (userDefinedMetadata.nodegrad).
  const meta = isObj(j.userDefinedMetadata) && isObj(j.userDefinedMetadata.nodegrad) ? j.userDefinedMetadata.nodegrad : null;
  const { inputFeatures, layers } = plan(j.modelTopology, path, drop, meta);
  const manifest = parseManifest(j.weightsManifest, path);

  // Names and shapes against the topology, before any shard is read.
  const wants = layers.flatMap((l) => l.wants);
  const wanted = new Set(wants.map((w) => w.name));
  const missing = wants.filter((w) => !manifest.weights.has(w.name)).map((w) => w.name);
  const extra = [...manifest.weights.keys()].filter((n) => !wanted.has(n));
  if (missing.length || extra.length) {
    const parts = [];
    if (missing.length) parts.push(`missing tensor${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    if (extra.length) parts.push(`unexpected tensor${extra.length > 1 ? 's' : ''} ${extra.join(', ')} (no layer nodegrad imports uses ${extra.length > 1 ? 'them' : 'it'})`);
    throw new ModelFileError(path, `${path}: the weights do not match the layers: ${parts.join('; ')}`);
  }
  for (const w of wants) {
    const m = manifest.weights.get(w.name)!;
    if (m.shape.length !== w.shape.length || m.shape.some((d, k) => d !== w.shape[k])) {
      throw new ModelFileError(path, `${path}: tensor "${w.name}" must have shape [${w.shape.join(', ')}], got [${m.shape.join(', ')}]`);
    }
  }

  // Shards: each group's files back to back must hold exactly its weights.
  const groupData: Buffer[] = [];
  for (let g = 0; g < manifest.groups.length; g++) {
    const parts = [];
    for (const p of manifest.groups[g]!) parts.push(await readShard(dir, p));
    const data = Buffer.concat(parts);
    if (data.length !== manifest.groupBytes[g]) {
      throw new ModelFileError(path, `${path}: weight group ${g} (${manifest.groups[g]!.join(', ')}) holds ${data.length} bytes, the manifest needs ${manifest.groupBytes[g]}`);
    }
    groupData.push(data);
  }
  const values = new Map<string, Float32Array>();
  for (const w of wants) {
    const m = manifest.weights.get(w.name)!;
    const n = w.shape.reduce((a, b) => a * b, 1);
    const buf = groupData[m.group]!;
    const v = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const x = buf.readFloatLE(m.offset + 4 * k);
      if (!Number.isFinite(x)) throw new ModelFileError(path, `${path}: tensor "${w.name}" holds a non-finite value at index ${k}`);
      v[k] = x;
    }
    values.set(w.name, v);
  }

  let model: Sequential;
  try {
    model = new Sequential(layers.map((l) => l.make(values)), { inputFeatures, ...(options.backend ? { backend: options.backend } : {}) });
  } catch (e) {
    throw new ModelFileError(path, `${path}: the architecture is invalid: ${(e as Error).message}`);
  }
  // Keras [in, out] kernels are nodegrad's layout: copied as they are.
  for (const w of wants) {
    const layer = model.layers[w.layer]!;
    if (w.param >= 0) layer.parameters()[w.param]!.value.data.set(values.get(w.name)!);
    else if (w.buffer !== undefined) layer.buffers()[w.buffer]!.value.data.set(values.get(w.name)!);
  }
  for (const layer of model.layers) {
    const n = batchesTracked.get(layer);
    // num_batches_tracked is BatchNorm1d's third buffer.
    if (n !== undefined) layer.buffers()[2]!.value.data[0] = n;
  }
  return model;
}
