// A Sequential as a flat list of operations, the common ground of the
// TF.js and ONNX exporters: a Dense with a fused activation becomes a
// linear Dense followed by that activation, so each writer maps one
// operation to one layer or node. Weights are views of the model's arena
// (nothing is copied here); the writers copy what they serialise.
import { Standardize } from '../data/standardize.js';
import { BatchNorm1d } from '../layers/batch-norm.js';
import { Dense } from '../layers/dense.js';
import { LayerNorm } from '../layers/layer-norm.js';
import type { Layer } from '../layers/layer.js';
import { PReLU } from '../layers/prelu.js';
import type { Sequential } from '../model/sequential.js';
import { ModelFileError } from './model-files.js';

export type ActivationOp =
  | { kind: 'relu' }
  | { kind: 'sigmoid' }
  | { kind: 'tanh' }
  | { kind: 'leakyRelu'; alpha: number }
  | { kind: 'elu'; alpha: number }
  /** x·Φ(x): 'none' with the exact erf, 'tanh' the tanh approximation (PyTorch's approximate='tanh'). */
  | { kind: 'gelu'; approximate: 'none' | 'tanh' }
  /** x·σ(x) (swish). */
  | { kind: 'silu' };

/** Activation layer class → kernel name (the activation family's list). */
const ACTIVATION_LAYERS: Record<string, ActivationOp['kind']> = {
  ReLU: 'relu',
  LeakyReLU: 'leakyRelu',
  ELU: 'elu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  GELU: 'gelu',
  SiLU: 'silu',
};

/**
 * The error for a model this format cannot hold: names the function, the
 * layer and, when there is one, the destination (nothing is written there).
 */
export function exportError(fn: string, target: string, message: string): ModelFileError {
  return new ModelFileError(target, `${fn}: ${message}${target ? ` (nothing was written to ${target})` : ''}`);
}

/** The operation of activation `kind` with its parameter read from `param` (a layer's config, or a Dense's). */
function activationOp(kind: ActivationOp['kind'], param: { alpha?: unknown; approximate?: unknown }, where: string, fn: string, target: string): ActivationOp {
  switch (kind) {
    case 'leakyRelu':
    case 'elu':
      if (typeof param.alpha !== 'number') throw exportError(fn, target, `${where} has no numeric alpha`);
      return { kind, alpha: param.alpha };
    case 'gelu': {
      const a = param.approximate ?? 'none';
      if (a !== 'none' && a !== 'tanh') throw exportError(fn, target, `${where} has GELU approximate ${JSON.stringify(a)}; only 'none' and 'tanh' are exported`);
      return { kind, approximate: a };
    }
    default:
      return { kind };
  }
}

export interface DenseOp {
  kind: 'dense';
  inFeatures: number;
  outFeatures: number;
  /** [in, out] row-major (nodegrad's and Keras's layout). */
  weight: Float32Array;
  bias: Float32Array | null;
}

export interface PReLUOp {
  kind: 'prelu';
  /** [features], or [1] when shared. */
  alpha: Float32Array;
  shared: boolean;
  features: number;
}

/** y = (x − mean) / std per feature: a CLI-trained model's first layer (lib/data/standardize.ts). */
export interface StandardizeOp {
  kind: 'standardize';
  mean: Float32Array;
  std: Float32Array;
}

/** Dropout: the identity at inference; the rate is kept where the format has the layer (tfjs). */
export interface DropoutOp {
  kind: 'dropout';
  rate: number;
}

/**
 * BatchNorm1d with PyTorch's conventions as nodegrad keeps them: `momentum`
 * m weighs the new batch (running ← (1 − m)·running + m·batch; Keras and
 * ONNX write 1 − m), `runningVar` is the unbiased running variance, used as
 * it is at inference (so every format's inference formula gives the same
 * numbers). Without running statistics (`running` null) inference uses the
 * batch's own statistics.
 */
export interface BatchNormOp {
  kind: 'batchNorm';
  features: number;
  eps: number;
  momentum: number;
  /** [features] each, or null without affine. */
  weight: Float32Array | null;
  bias: Float32Array | null;
  running: { mean: Float32Array; variance: Float32Array; batches: number } | null;
}

/** LayerNorm over the feature axis (biased variance), then weight and bias per feature. */
export interface LayerNormOp {
  kind: 'layerNorm';
  features: number;
  eps: number;
  weight: Float32Array | null;
  bias: Float32Array | null;
}

/** A lookup table [numEmbeddings, dim] (PyTorch's layout) over `columns` index columns: [batch, columns] → [batch, columns·dim]. */
export interface EmbeddingOp {
  kind: 'embedding';
  numEmbeddings: number;
  dim: number;
  columns: number;
  table: Float32Array;
}

/** One branch of a Concat: input columns, looked up in a table or passed through. */
export interface ConcatBranchOp {
  columns: number[];
  embedding: { numEmbeddings: number; dim: number; table: Float32Array } | null;
}

/** Concat: the branches' outputs side by side, from an input of `inFeatures` columns. */
export interface ConcatOp {
  kind: 'concat';
  inFeatures: number;
  branches: ConcatBranchOp[];
}

export type ExportOp = (DenseOp | PReLUOp | StandardizeOp | DropoutOp | BatchNormOp | LayerNormOp | EmbeddingOp | ConcatOp | ActivationOp) & {
  /** The nodegrad layer it comes from, for messages: "layers[2] (Dense)". */
  where: string;
  /** That layer's index. */
  layer: number;
};

const SUPPORTED = 'Dense, PReLU, Standardize, Dropout, BatchNorm1d, LayerNorm, Embedding, Concat (ONNX), ReLU, LeakyReLU, ELU, Sigmoid, Tanh, GELU, SiLU';

/** What a Standardize layer knows about the data besides its numbers: kept as metadata by the exports. */
export interface DataSchema {
  featureNames?: readonly string[];
  classLabels?: readonly string[];
}

export function dataSchema(model: Sequential): DataSchema | null {
  const s = model.layers.find((l): l is Standardize => l instanceof Standardize);
  if (!s || (!s.featureNames && !s.classLabels)) return null;
  return { ...(s.featureNames ? { featureNames: [...s.featureNames] } : {}), ...(s.classLabels ? { classLabels: [...s.classLabels] } : {}) };
}

/** The model's layers as operations; a layer class without a mapping is a ModelFileError naming it. */
export function exportOps(model: Sequential, fn: string, target = ''): ExportOp[] {
  const ops: ExportOp[] = [];
  model.layers.forEach((layer: Layer, i) => {
    const where = `layers[${i}] (${layer.className})`;
    const at = { where, layer: i };
    if (layer instanceof Dense) {
      const [w, b] = layer.parameters();
      ops.push({ kind: 'dense', inFeatures: layer.inFeatures, outFeatures: layer.outFeatures, weight: w!.value.data, bias: b ? b.value.data : null, ...at });
      if (layer.activation !== null) {
        const kind = Object.values(ACTIVATION_LAYERS).find((k) => k === layer.activation);
        if (!kind) throw exportError(fn, target, `${where} has activation ${JSON.stringify(layer.activation)}, which has no mapping to this format`);
        ops.push({ ...activationOp(kind, layer.config(), where, fn, target), ...at });
      }
    } else if (layer.className === 'Dropout' && layer.parameters().length === 0 && typeof layer.config().p === 'number') {
      ops.push({ kind: 'dropout', rate: layer.config().p as number, ...at });
    } else if (layer instanceof Standardize) {
      ops.push({ kind: 'standardize', mean: layer.mean, std: layer.std, ...at });
    } else if (layer instanceof BatchNorm1d) {
      const [w, b] = layer.parameters();
      const stats = layer.runningStats;
      ops.push({
        kind: 'batchNorm',
        features: layer.inFeatures,
        eps: layer.eps,
        momentum: layer.momentum,
        weight: w ? w.value.data : null,
        bias: b ? b.value.data : null,
        running: stats ?? null,
        ...at,
      });
    } else if (layer instanceof LayerNorm) {
      const [w, b] = layer.parameters();
      ops.push({ kind: 'layerNorm', features: layer.inFeatures, eps: layer.eps, weight: w ? w.value.data : null, bias: b ? b.value.data : null, ...at });
    } else if (layer.className === 'Embedding' && layer.parameters().length === 1) {
      // Read through config() and parameters(): the layer's own module is not needed here.
      const c = layer.config();
      ops.push({ kind: 'embedding', numEmbeddings: c.numEmbeddings as number, dim: c.dim as number, columns: layer.inFeatures, table: layer.parameters()[0]!.value.data, ...at });
    } else if (layer.className === 'Concat') {
      const c = layer.config() as { inFeatures: number; branches: { columns: number[]; layer: { className: string; config: Record<string, unknown> } | null }[] };
      const params = layer.parameters();
      let p = 0;
      const branches = c.branches.map((b, k): ConcatBranchOp => {
        if (b.layer === null) return { columns: [...b.columns], embedding: null };
        if (b.layer.className !== 'Embedding') throw exportError(fn, target, `${where} branch ${k} holds a ${b.layer.className}, which has no mapping to this format`);
        const table = params[p++]!.value.data;
        return { columns: [...b.columns], embedding: { numEmbeddings: b.layer.config.numEmbeddings as number, dim: b.layer.config.dim as number, table } };
      });
      ops.push({ kind: 'concat', inFeatures: c.inFeatures, branches, ...at });
    } else if (layer instanceof PReLU) {
      const a = layer.parameters()[0]!.value.data;
      ops.push({ kind: 'prelu', alpha: a, shared: !layer.perFeature, features: layer.inFeatures, ...at });
    } else if (Object.hasOwn(ACTIVATION_LAYERS, layer.className) && layer.parameters().length === 0) {
      ops.push({ ...activationOp(ACTIVATION_LAYERS[layer.className]!, layer.config(), where, fn, target), ...at });
    } else {
      throw exportError(fn, target, `${where} has no mapping to this format (supported: ${SUPPORTED})`);
    }
  });
  return ops;
}
