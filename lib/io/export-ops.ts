// A Sequential as a flat list of operations, the common ground of the
// TF.js and ONNX exporters: a Dense with a fused activation becomes a
// linear Dense followed by that activation, so each writer maps one
// operation to one layer or node. Weights are views of the model's arena
// (nothing is copied here); the writers copy what they serialise.
import { ELU, LeakyReLU, ReLU, Sigmoid, Tanh } from '../layers/activations.js';
import { Dense } from '../layers/dense.js';
import { PReLU } from '../layers/prelu.js';
import type { Sequential } from '../model/sequential.js';
import { ModelFileError } from './model-files.js';

export type ActivationOp =
  | { kind: 'relu' }
  | { kind: 'sigmoid' }
  | { kind: 'tanh' }
  | { kind: 'leakyRelu'; alpha: number }
  | { kind: 'elu'; alpha: number };

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

export type ExportOp = (DenseOp | PReLUOp | ActivationOp) & {
  /** The nodegrad layer it comes from, for messages: "layers[2] (Dense)". */
  where: string;
  /** That layer's index. */
  layer: number;
};

/** The model's layers as operations; a layer class without a mapping is a ModelFileError naming it. */
export function exportOps(model: Sequential, fn: string): ExportOp[] {
  const ops: ExportOp[] = [];
  model.layers.forEach((layer, i) => {
    const where = `layers[${i}] (${layer.className})`;
    const at = { where, layer: i };
    if (layer instanceof Dense) {
      const [w, b] = layer.parameters();
      ops.push({ kind: 'dense', inFeatures: layer.inFeatures, outFeatures: layer.outFeatures, weight: w!.value.data, bias: b ? b.value.data : null, ...at });
      switch (layer.activation) {
        case null:
          break;
        case 'leakyRelu':
        case 'elu':
          ops.push({ kind: layer.activation, alpha: layer.alpha, ...at });
          break;
        default:
          ops.push({ kind: layer.activation, ...at });
      }
    } else if (layer instanceof PReLU) {
      const a = layer.parameters()[0]!.value.data;
      ops.push({ kind: 'prelu', alpha: a, shared: !layer.perFeature, features: layer.inFeatures, ...at });
    } else if (layer instanceof LeakyReLU) {
      ops.push({ kind: 'leakyRelu', alpha: layer.alpha, ...at });
    } else if (layer instanceof ELU) {
      ops.push({ kind: 'elu', alpha: layer.alpha, ...at });
    } else if (layer instanceof ReLU) {
      ops.push({ kind: 'relu', ...at });
    } else if (layer instanceof Sigmoid) {
      ops.push({ kind: 'sigmoid', ...at });
    } else if (layer instanceof Tanh) {
      ops.push({ kind: 'tanh', ...at });
    } else {
      throw new ModelFileError(`${fn}: ${where} has no mapping to this format (supported: Dense, ReLU, LeakyReLU, ELU, PReLU, Sigmoid, Tanh)`);
    }
  });
  return ops;
}
