// TensorFlow.js Layers export: model.json (tfjs-core's ModelJSON:
// modelTopology, weightsManifest, format, generatedBy) and weight shards
// that tf.loadLayersModel reads, in the browser (over HTTP) or in Node.
// The topology is a Keras Sequential as tfjs-layers' keras_format
// describes it; weights are named "<layer>/kernel", "<layer>/bias",
// "<layer>/alpha", "<layer>/gamma", "<layer>/beta", "<layer>/moving_mean",
// "<layer>/moving_variance" and stored as little-endian float32 in
// manifest order.
// Keras kernels are [in, out], the layout nodegrad's Dense keeps, so they
// are written as they are (PyTorch's [out, in] is the transposed one).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { info } from '../backend/index.js';
import type { Sequential } from '../model/sequential.js';
import { dataSchema, exportError, exportOps, type DataSchema, type ExportOp } from './export-ops.js';

export const TFJS_MODEL_FILE = 'model.json';
/** tfjs's own default shard size (4 MiB): browsers cache files of this size well. */
export const TFJS_SHARD_BYTES = 4 * 1024 * 1024;

export interface TfjsExportOptions {
  /** Append a Softmax layer, so the exported model outputs probabilities instead of nodegrad's logits (default false). */
  softmax?: boolean;
  /** Largest shard in bytes (default 4 MiB, as tfjs writes). */
  shardBytes?: number;
}

export interface KerasLayerJSON {
  class_name: string;
  config: Record<string, unknown>;
}

export interface TfjsWeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface TfjsModelJSON {
  modelTopology: {
    class_name: 'Sequential';
    config: { name: string; layers: KerasLayerJSON[] };
    keras_version: string;
    backend: string;
  };
  weightsManifest: { paths: string[]; weights: TfjsWeightEntry[] }[];
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  /** A Standardize layer's feature names and class labels, and what Keras's BatchNormalization cannot hold (tfjs keeps userDefinedMetadata as is). */
  userDefinedMetadata?: { nodegrad: TfjsNodegradMetadata };
}

/**
 * Per BatchNormalization layer name: nodegrad's own momentum (Keras holds
 * 1 − m, and 1 − (1 − m) is not always m again in float64) and
 * num_batches_tracked (Keras has no such counter), so an import gives back
 * the same config and buffers.
 */
export type BatchNormMetadata = Record<string, { momentum: number; batchesTracked: number }>;

export interface TfjsNodegradMetadata extends DataSchema {
  batchNorm?: BatchNormMetadata;
}

export interface TfjsArtifacts {
  modelJson: TfjsModelJSON;
  /** One Uint8Array per shard, named by modelJson.weightsManifest[0].paths. */
  shards: Uint8Array[];
}

/**
 * tfjs-layers 4.22's ELU layer refuses any alpha but 1 ("Non-default alpha
 * value ... is not supported"), and no other tfjs layer computes
 * α(eˣ − 1) without a custom layer, so such a model cannot be exported.
 */
function eluAlphaCheck(op: ExportOp & { kind: 'elu' }, target: string): void {
  if (op.alpha !== 1) {
    throw exportError(
      'exportTfjs',
      target,
      `${op.where} uses ELU with alpha ${op.alpha}; TensorFlow.js Layers (4.22) supports only alpha 1 for ELU, so this model cannot be exported to tfjs (ONNX keeps any alpha)`,
    );
  }
}

/**
 * The tfjs activation identifier (tfjs-layers' keras_format ActivationIdentifier)
 * of an activation op, or null for one tfjs expresses only as a layer (LeakyReLU)
 * and for non-activation ops. GELU: tfjs's 'gelu' is x·Φ(x) with erf; SiLU is
 * tfjs's 'swish' (x·σ(x)).
 */
function activationName(op: ExportOp, target: string): string | null {
  switch (op.kind) {
    case 'relu':
    case 'sigmoid':
    case 'tanh':
      return op.kind;
    case 'elu':
      eluAlphaCheck(op, target);
      return 'elu';
    case 'gelu':
      // tfjs 4.22 writes its tanh form as 'gelu_new' but cannot read that back
      // (its deserializer looks up 'geluNew'), so only the erf form exports.
      if (op.approximate === 'tanh') {
        throw exportError(
          'exportTfjs',
          target,
          `${op.where} uses GELU with approximate 'tanh'; TensorFlow.js Layers (4.22) cannot load its own 'gelu_new' activation, so this model cannot be exported to tfjs (approximate 'none' can; ONNX keeps both)`,
        );
      }
      return 'gelu';
    case 'silu':
      return 'swish';
    case 'leakyRelu':
    case 'dense':
    case 'prelu':
    case 'standardize':
    case 'dropout':
    case 'batchNorm':
    case 'layerNorm':
    case 'embedding':
    case 'concat':
      return null;
  }
}

/** A Concat that is one Embedding over all its input columns in order: tfjs's Embedding + Flatten. */
function lookupOfEveryColumn(op: ExportOp & { kind: 'concat' }): boolean {
  const [b, ...rest] = op.branches;
  return rest.length === 0 && b!.embedding !== null && b!.columns.length === op.inFeatures && b!.columns.every((c, i) => c === i);
}

/** model.json and shard bytes, built synchronously (one instant of the weights, even while a fit runs). */
export function tfjsArtifacts(model: Sequential, options: TfjsExportOptions = {}, target = ''): TfjsArtifacts {
  if (options === null || typeof options !== 'object') throw new TypeError('exportTfjs: options must be an object');
  const shardBytes = options.shardBytes ?? TFJS_SHARD_BYTES;
  if (!Number.isSafeInteger(shardBytes) || shardBytes < 4 || shardBytes % 4 !== 0) {
    throw new RangeError(`exportTfjs: options.shardBytes must be a positive multiple of 4, got ${String(shardBytes)}`);
  }
  const softmax = options.softmax ?? false;
  if (typeof softmax !== 'boolean') throw new TypeError(`exportTfjs: options.softmax must be a boolean, got ${typeof softmax}`);
  const ops = exportOps(model, 'exportTfjs', target);
  const layers: KerasLayerJSON[] = [];
  const batchNorm: BatchNormMetadata = {};
  const weights: TfjsWeightEntry[] = [];
  const data: Float32Array[] = [];
  const add = (name: string, shape: number[], values: Float32Array): void => {
    weights.push({ name, shape, dtype: 'float32' });
    data.push(values);
  };
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k]!;
    const next = ops[k + 1];
    let layer: KerasLayerJSON;
    if (op.kind === 'dense') {
      // A following activation of the same nodegrad layer is fused back, as Keras writes it (LeakyReLU stays a layer).
      const fused = next && next.layer === op.layer ? activationName(next, target) : null;
      if (fused !== null) k++;
      const name = `dense_${op.layer}`;
      layer = {
        class_name: 'Dense',
        config: { name, trainable: true, dtype: 'float32', units: op.outFeatures, activation: fused ?? 'linear', use_bias: op.bias !== null },
      };
      add(`${name}/kernel`, [op.inFeatures, op.outFeatures], op.weight);
      if (op.bias) add(`${name}/bias`, [op.outFeatures], op.bias);
    } else if (op.kind === 'dropout') {
      layer = { class_name: 'Dropout', config: { name: `dropout_${op.layer}`, trainable: true, rate: op.rate } };
    } else if (op.kind === 'standardize') {
      // tfjs has no standardisation layer; a BatchNormalization in inference
      // mode with ε = 0 and neither scale nor offset is (x − mean) / √variance.
      const name = `standardize_${op.layer}`;
      layer = { class_name: 'BatchNormalization', config: { name, trainable: false, axis: -1, epsilon: 0, center: false, scale: false } };
      add(`${name}/moving_mean`, [op.mean.length], op.mean);
      add(`${name}/moving_variance`, [op.std.length], op.std.map((s) => s * s));
    } else if (op.kind === 'batchNorm') {
      if (!op.running) {
        // tfjs's BatchNormalization always uses its moving statistics at inference.
        throw exportError(
          'exportTfjs',
          target,
          `${op.where} has trackRunningStats false (it normalises with each batch's own statistics at inference); TensorFlow.js's BatchNormalization always uses moving statistics at inference, so this model cannot be exported to tfjs (ONNX keeps it)`,
        );
      }
      const name = `batch_normalization_${op.layer}`;
      // Keras's momentum is the weight of the old moving value: 1 − PyTorch's m.
      // moving_variance is nodegrad's running_var as it is (PyTorch's unbiased
      // one), so inference is the same formula; tfjs, training on, would update
      // it with the biased batch variance.
      const affine = op.weight !== null;
      layer = {
        class_name: 'BatchNormalization',
        config: { name, trainable: true, axis: -1, momentum: 1 - op.momentum, epsilon: op.eps, center: affine, scale: affine },
      };
      if (op.weight) add(`${name}/gamma`, [op.features], op.weight);
      if (op.bias) add(`${name}/beta`, [op.features], op.bias);
      add(`${name}/moving_mean`, [op.features], op.running.mean);
      add(`${name}/moving_variance`, [op.features], op.running.variance);
      batchNorm[name] = { momentum: op.momentum, batchesTracked: op.running.batches };
    } else if (op.kind === 'layerNorm') {
      const name = `layer_normalization_${op.layer}`;
      const affine = op.weight !== null;
      layer = { class_name: 'LayerNormalization', config: { name, trainable: true, axis: -1, epsilon: op.eps, center: affine, scale: affine } };
      if (op.weight) add(`${name}/gamma`, [op.features], op.weight);
      if (op.bias) add(`${name}/beta`, [op.features], op.bias);
    } else if (op.kind === 'embedding' || (op.kind === 'concat' && lookupOfEveryColumn(op))) {
      // Keras's Embedding gives [batch, k, dim]; a Flatten makes it nodegrad's [batch, k·dim].
      // A Concat whose one branch looks up every column in order is the same computation.
      const e = op.kind === 'embedding' ? op : { ...op.branches[0]!.embedding!, columns: op.inFeatures, table: op.branches[0]!.embedding!.table };
      const name = `embedding_${op.layer}`;
      layers.push({ class_name: 'Embedding', config: { name, trainable: true, input_dim: e.numEmbeddings, output_dim: e.dim, input_length: e.columns, mask_zero: false } });
      add(`${name}/embeddings`, [e.numEmbeddings, e.dim], e.table);
      layer = { class_name: 'Flatten', config: { name: `flatten_${op.layer}`, trainable: true } };
    } else if (op.kind === 'concat') {
      // A Keras Sequential is one chain: it has no layer that picks input columns.
      throw exportError(
        'exportTfjs',
        target,
        `${op.where} splits its input into branches; a TensorFlow.js Layers Sequential has no layer that selects input columns, so this model cannot be exported to tfjs (ONNX keeps it; a Concat with one Embedding over every column in order exports to both)`,
      );
    } else if (op.kind === 'prelu') {
      const name = `p_re_lu_${op.layer}`;
      // shared_axes [1]: one α for every feature of a [batch, features] input (alpha shape [1]).
      layer = { class_name: 'PReLU', config: { name, trainable: true, shared_axes: op.shared ? [1] : null } };
      add(`${name}/alpha`, [op.alpha.length], op.alpha);
    } else if (op.kind === 'leakyRelu') {
      // Always written: tfjs's default alpha is 0.3, nodegrad's 0.01.
      layer = { class_name: 'LeakyReLU', config: { name: `leaky_re_lu_${op.layer}`, trainable: true, alpha: op.alpha } };
    } else if (op.kind === 'elu') {
      eluAlphaCheck(op, target);
      layer = { class_name: 'ELU', config: { name: `elu_${op.layer}`, trainable: true, alpha: op.alpha } };
    } else {
      layer = { class_name: 'Activation', config: { name: `activation_${op.layer}`, trainable: true, activation: activationName(op, target)! } };
    }
    layers.push(layer);
  }
  if (softmax) layers.push({ class_name: 'Softmax', config: { name: 'softmax', trainable: true, axis: -1 } });
  layers[0]!.config.batch_input_shape = [null, model.inputFeatures];

  // Every weight back to back, then cut into shards (a weight may span two, as in tfjs).
  const total = data.reduce((n, d) => n + d.length * 4, 0);
  const all = new Uint8Array(total);
  const view = new DataView(all.buffer);
  let pos = 0;
  for (const d of data) for (let i = 0; i < d.length; i++, pos += 4) view.setFloat32(pos, d[i]!, true);
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const shards: Uint8Array[] = [];
  const paths: string[] = [];
  for (let s = 0; s < count; s++) {
    shards.push(all.subarray(s * shardBytes, Math.min(total, (s + 1) * shardBytes)));
    paths.push(`group1-shard${s + 1}of${count}.bin`);
  }
  const version = info().version;
  const schema = dataSchema(model);
  const meta: TfjsNodegradMetadata | null = schema || Object.keys(batchNorm).length ? { ...schema, ...(Object.keys(batchNorm).length ? { batchNorm } : {}) } : null;
  return {
    modelJson: {
      modelTopology: { class_name: 'Sequential', config: { name: 'sequential', layers }, keras_version: `nodegrad ${version}`, backend: 'tensor_flow.js' },
      weightsManifest: [{ paths, weights }],
      format: 'layers-model',
      generatedBy: `nodegrad ${version}`,
      convertedBy: null,
      ...(meta ? { userDefinedMetadata: { nodegrad: meta } } : {}),
    },
    shards,
  };
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Writes model.json and its shards into `dir` (created if needed); model.json last. */
export async function exportTfjs(model: Sequential, dir: string, options: TfjsExportOptions = {}): Promise<void> {
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`exportTfjs: dir must be a non-empty string, got ${typeof dir === 'string' ? 'an empty string' : typeof dir}`);
  const { modelJson, shards } = tfjsArtifacts(model, options, dir);
  await mkdir(dir, { recursive: true });
  const paths = modelJson.weightsManifest[0]!.paths;
  for (let s = 0; s < shards.length; s++) await writeAtomic(join(dir, paths[s]!), shards[s]!);
  // model.json last: a reader never sees it pointing at shards not yet written.
  await writeAtomic(join(dir, TFJS_MODEL_FILE), JSON.stringify(modelJson) + '\n');
}
