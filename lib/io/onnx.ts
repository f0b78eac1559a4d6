// ONNX export: a Sequential as an ONNX ModelProto (IR version 8, default
// domain opset 17), encoded by protobufjs through the onnx-proto package's
// code generated from the official onnx.proto. The graph takes "input"
// [batch, inputFeatures] (batch symbolic, so any batch size runs) and gives
// "output" [batch, outputFeatures]. A Dense is one Gemm with transB = 1 and
// its weight stored [out, in] as PyTorch's torch.onnx.export writes it
// (nodegrad's [in, out] transposed); the activations are the ONNX operators
// of the same name; BatchNorm1d is BatchNormalization in inference mode,
// LayerNorm is LayerNormalization (both in opset 17), Dropout is Identity,
// Embedding is Cast (to int64), Gather and Reshape, Concat is a Gather of
// columns per branch and Concat.
// Initializers are named like the PyTorch state dict ("0.weight", "0.bias",
// a PReLU's α "1.weight", "2.running_mean"): each operation is one
// nn.Sequential module.
import { createRequire } from 'node:module';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { onnx as P } from 'onnx-proto';
import { info } from '../backend/index.js';
import type { Sequential } from '../model/sequential.js';
import { dataSchema, exportOps } from './export-ops.js';
import { transpose } from './torch-layout.js';

// Loaded on the first export, not when nodegrad is imported: protobufjs is
// only needed here, and a program that never exports pays nothing for it.
let proto: typeof P | undefined;
function onnxProto(): typeof P {
  if (!proto) {
    try {
      proto = (createRequire(import.meta.url)('onnx-proto') as { onnx: typeof P }).onnx;
    } catch (e) {
      throw new Error(`exportOnnx: the onnx-proto package (a dependency of nodegrad) cannot be loaded: ${(e as Error).message}`);
    }
  }
  return proto;
}

/** The ONNX operator set the graph uses (default domain). Gemm, Relu, LeakyRelu, Elu, PRelu, Sigmoid, Tanh, Softmax, BatchNormalization and LayerNormalization (new in 17) all exist in it. */
export const ONNX_OPSET = 17;
/** IR version 8 is the one that goes with opset 17 (ONNX 1.12–1.13). */
export const ONNX_IR_VERSION = 8;

export interface OnnxExportOptions {
  /** Append Softmax(axis = -1), so the graph outputs probabilities instead of nodegrad's logits (default false). */
  softmax?: boolean;
}

type Attr = { name: string; type: number; f?: number; i?: number; ints?: number[] };
// onnx.proto's enum values (AttributeProto.AttributeType FLOAT = 1, INT = 2, INTS = 7; TensorProto.DataType FLOAT = 1).
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;
const FLOAT = 1;

function floatAttr(name: string, f: number): Attr {
  return { name, type: ATTR_FLOAT, f };
}

function intAttr(name: string, i: number): Attr {
  return { name, type: ATTR_INT, i };
}

function intsAttr(name: string, ints: number[]): Attr {
  return { name, type: ATTR_INTS, ints };
}

function initializer(name: string, dims: number[], values: Float32Array): P.ITensorProto {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  // raw_data is little-endian whatever the host, per onnx.proto.
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i]!, true);
  return { name, dims, dataType: FLOAT, rawData: raw };
}

// TensorProto.DataType INT64 = 7 (Gather's indices, Reshape's shape, Cast's target).
const INT64 = 7;

function int64Initializer(name: string, dims: number[], values: readonly number[]): P.ITensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(8 * i, BigInt(values[i]!), true);
  return { name, dims, dataType: INT64, rawData: raw };
}

function valueInfo(name: string, features: number): P.IValueInfoProto {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: features }] } } } };
}

/** The encoded ONNX model, built synchronously (one instant of the weights, even while a fit runs). */
export function onnxBytes(model: Sequential, options: OnnxExportOptions = {}, target = ''): Uint8Array {
  if (options === null || typeof options !== 'object') throw new TypeError('exportOnnx: options must be an object');
  const softmax = options.softmax ?? false;
  if (typeof softmax !== 'boolean') throw new TypeError(`exportOnnx: options.softmax must be a boolean, got ${typeof softmax}`);
  const ops = exportOps(model, 'exportOnnx', target);
  const nodes: P.INodeProto[] = [];
  const inits: P.ITensorProto[] = [];
  let h = 'input';
  const total = ops.length + (softmax ? 1 : 0);
  // One node on the running value h. `inner` marks a node inside a
  // multi-node op (GELU, SiLU), never the graph's output; `tag` keeps node
  // names unique when an op uses the same operator twice.
  // A node with exactly these inputs (Gather takes its table first); its output becomes h.
  const nodeOn = (k: number, opType: string, inputs: string[], attribute: Attr[] = [], inner = false, tag = ''): void => {
    const name = `/${k}/${opType}${tag ? `_${tag}` : ''}`;
    const out = k === total - 1 && !inner ? 'output' : `${name}_output_0`;
    nodes.push({ name, opType, input: inputs, output: [out], attribute });
    h = out;
  };
  const node = (k: number, opType: string, inputs: string[], attribute: Attr[] = [], inner = false, tag = ''): void => nodeOn(k, opType, [h, ...inputs], attribute, inner, tag);
  // Indices (float32 integers in nodegrad) → int64 → rows of `table` → [batch, columns·dim].
  const lookup = (k: number, table: string, columns: number, dim: number, inner: boolean, tag: string): void => {
    node(k, 'Cast', [], [intAttr('to', INT64)], true, tag);
    nodeOn(k, 'Gather', [table, h], [intAttr('axis', 0)], true, tag ? `table_${tag}` : 'table');
    inits.push(int64Initializer(`/${k}/shape${tag ? `_${tag}` : ''}`, [2], [0, columns * dim]));
    node(k, 'Reshape', [`/${k}/shape${tag ? `_${tag}` : ''}`], [], inner, tag);
  };
  // A float scalar as an initializer (dims [] broadcast against [batch, features]).
  const constant = (k: number, name: string, value: number): string => {
    const full = `/${k}/${name}`;
    inits.push(initializer(full, [], Float32Array.of(value)));
    return full;
  };
  ops.forEach((op, k) => {
    switch (op.kind) {
      case 'dense': {
        inits.push(initializer(`${k}.weight`, [op.outFeatures, op.inFeatures], transpose(op.weight, op.inFeatures, op.outFeatures)));
        const inputs = [`${k}.weight`];
        if (op.bias) {
          inits.push(initializer(`${k}.bias`, [op.outFeatures], op.bias));
          inputs.push(`${k}.bias`);
        }
        node(k, 'Gemm', inputs, [floatAttr('alpha', 1), floatAttr('beta', 1), intAttr('transB', 1)]);
        break;
      }
      case 'dropout':
        // The identity at inference (ONNX's Dropout would too, but Identity needs no ratio input).
        node(k, 'Identity', []);
        break;
      case 'standardize':
        // (x − mean) / std, both [features], broadcast over [batch, features].
        inits.push(initializer(`${k}.mean`, [op.mean.length], op.mean), initializer(`${k}.std`, [op.std.length], op.std));
        node(k, 'Sub', [`${k}.mean`], [], true);
        node(k, 'Div', [`${k}.std`]);
        break;
      case 'batchNorm': {
        // ONNX's BatchNormalization needs scale and B: ones and zeros without affine.
        const scale = op.weight ? `${k}.weight` : `/${k}/ones`;
        const shift = op.bias ? `${k}.bias` : `/${k}/zeros`;
        inits.push(initializer(scale, [op.features], op.weight ?? new Float32Array(op.features).fill(1)));
        inits.push(initializer(shift, [op.features], op.bias ?? new Float32Array(op.features)));
        if (op.running) {
          // Inference mode (training_mode 0) over the running statistics; ONNX's
          // momentum, like Keras's, weighs the old value: 1 − PyTorch's m.
          inits.push(initializer(`${k}.running_mean`, [op.features], op.running.mean), initializer(`${k}.running_var`, [op.features], op.running.variance));
          node(k, 'BatchNormalization', [scale, shift, `${k}.running_mean`, `${k}.running_var`], [floatAttr('epsilon', op.eps), floatAttr('momentum', 1 - op.momentum), intAttr('training_mode', 0)]);
        } else {
          // No running statistics: nodegrad normalises each batch with its own
          // mean and biased variance at inference too, spelled out over axis 0
          // (ReduceMean's axes is an attribute up to opset 17).
          const x = h;
          const reduce = [intsAttr('axes', [0]), intAttr('keepdims', 1)];
          node(k, 'ReduceMean', [], reduce, true, 'mean');
          const mean = h;
          h = x;
          node(k, 'Sub', [mean], [], true);
          const d = h;
          node(k, 'Mul', [d], [], true, 'square');
          node(k, 'ReduceMean', [], reduce, true, 'var');
          node(k, 'Add', [constant(k, 'eps', op.eps)], [], true, 'eps');
          node(k, 'Sqrt', [], [], true);
          const sd = h;
          h = d;
          node(k, 'Div', [sd], [], true);
          node(k, 'Mul', [scale], [], true, 'scale');
          node(k, 'Add', [shift]);
        }
        break;
      }
      case 'layerNorm': {
        // LayerNormalization (opset 17) over the last axis; Scale is required (ones without affine), B optional.
        const scale = op.weight ? `${k}.weight` : `/${k}/ones`;
        inits.push(initializer(scale, [op.features], op.weight ?? new Float32Array(op.features).fill(1)));
        const inputs = [scale];
        if (op.bias) {
          inits.push(initializer(`${k}.bias`, [op.features], op.bias));
          inputs.push(`${k}.bias`);
        }
        node(k, 'LayerNormalization', inputs, [intAttr('axis', -1), floatAttr('epsilon', op.eps)]);
        break;
      }
      case 'embedding':
        inits.push(initializer(`${k}.weight`, [op.numEmbeddings, op.dim], op.table));
        lookup(k, `${k}.weight`, op.columns, op.dim, false, '');
        break;
      case 'concat': {
        // Each branch: its columns (Gather on axis 1), looked up when it has a table; then Concat on axis 1.
        const x = h;
        const outs: string[] = [];
        op.branches.forEach((b, j) => {
          h = x;
          inits.push(int64Initializer(`/${k}/columns_${j}`, [b.columns.length], b.columns));
          node(k, 'Gather', [`/${k}/columns_${j}`], [intAttr('axis', 1)], true, `${j}`);
          if (b.embedding) {
            inits.push(initializer(`${k}.${j}.weight`, [b.embedding.numEmbeddings, b.embedding.dim], b.embedding.table));
            lookup(k, `${k}.${j}.weight`, b.columns.length, b.embedding.dim, true, `${j}`);
          }
          outs.push(h);
        });
        nodeOn(k, 'Concat', outs, [intAttr('axis', 1)]);
        break;
      }
      case 'prelu':
        // Slope [features] (or [1]) broadcasts over [batch, features].
        inits.push(initializer(`${k}.weight`, [op.alpha.length], op.alpha));
        node(k, 'PRelu', [`${k}.weight`]);
        break;
      case 'leakyRelu':
        node(k, 'LeakyRelu', [], [floatAttr('alpha', op.alpha)]);
        break;
      case 'elu':
        node(k, 'Elu', [], [floatAttr('alpha', op.alpha)]);
        break;
      case 'relu':
        node(k, 'Relu', []);
        break;
      case 'sigmoid':
        node(k, 'Sigmoid', []);
        break;
      case 'tanh':
        node(k, 'Tanh', []);
        break;
      case 'silu': {
        // x·σ(x): Sigmoid, then Mul with the input.
        const x = h;
        node(k, 'Sigmoid', [], [], true);
        node(k, 'Mul', [x]);
        break;
      }
      case 'gelu': {
        // Opset 17 has no Gelu (it arrives in opset 20): the formula in basic operators.
        const x = h;
        if (op.approximate === 'none') {
          // 0.5·x·(1 + erf(x/√2))
          node(k, 'Div', [constant(k, 'sqrt2', Math.SQRT2)], [], true);
          node(k, 'Erf', [], [], true);
        } else {
          // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
          node(k, 'Mul', [x], [], true, 'square');
          node(k, 'Mul', [x], [], true, 'cube');
          node(k, 'Mul', [constant(k, 'c', 0.044715)], [], true, 'scaled');
          node(k, 'Add', [x], [], true);
          node(k, 'Mul', [constant(k, 'sqrt_2_over_pi', Math.sqrt(2 / Math.PI))], [], true, 'arg');
          node(k, 'Tanh', [], [], true);
        }
        node(k, 'Add', [constant(k, 'one', 1)], [], true, 'one_plus');
        node(k, 'Mul', [x], [], true, 'times_x');
        node(k, 'Mul', [constant(k, 'half', 0.5)]);
        break;
      }
      default: {
        const unhandled: never = op;
        throw new Error(`exportOnnx: internal error, no ONNX form for ${JSON.stringify(unhandled)}`);
      }
    }
  });
  if (softmax) node(ops.length, 'Softmax', [], [intAttr('axis', -1)]);
  const version = info().version;
  const onnx = onnxProto();
  if (onnx.AttributeProto.AttributeType.FLOAT !== ATTR_FLOAT || onnx.AttributeProto.AttributeType.INT !== ATTR_INT || onnx.AttributeProto.AttributeType.INTS !== ATTR_INTS || onnx.TensorProto.DataType.FLOAT !== FLOAT) {
    throw new Error('exportOnnx: onnx-proto enum values differ from onnx.proto (an incompatible onnx-proto version)');
  }
  const message = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    producerName: 'nodegrad',
    producerVersion: version,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    // A Standardize layer's column names and class labels, for the serving side.
    metadataProps: Object.entries(dataSchema(model) ?? {}).map(([key, value]) => ({ key: `nodegrad.${key}`, value: JSON.stringify(value) })),
    graph: {
      name: 'nodegrad_sequential',
      node: nodes,
      initializer: inits,
      input: [valueInfo('input', model.inputFeatures)],
      output: [valueInfo('output', model.outputFeatures)],
    },
  });
  const err = onnx.ModelProto.verify(message);
  if (err) throw new Error(`exportOnnx: internal error, the model does not verify: ${err}`);
  return onnx.ModelProto.encode(message).finish();
}

/** Writes the ONNX model to `file` (its directory is created if needed), under a temporary name first. */
export async function exportOnnx(model: Sequential, file: string, options: OnnxExportOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') throw new TypeError(`exportOnnx: file must be a non-empty string, got ${typeof file === 'string' ? 'an empty string' : typeof file}`);
  const bytes = onnxBytes(model, options, file);
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}
