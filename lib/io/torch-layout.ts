// Maps a Sequential's parameters (and buffers) to the state-dict names and
// layouts of the same network built with PyTorch's nn.Sequential: Linear
// weights stored [out, in] (ours are [in, out], so they are transposed),
// biases [out]; every other layer's parameters and buffers under their own
// names (a PReLU's α is "weight", BatchNorm1d's running statistics
// "running_mean", …). A Dense with a fused activation is two modules in
// PyTorch (Linear, then the activation), so it takes two indices there.
import { Dense } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';
import type { Sequential } from '../model/sequential.js';
import type { NamedTensor } from './safetensors.js';

/** Where one file tensor goes, known from the (built) layers alone. */
export interface TorchSlot {
  /** PyTorch state-dict name, e.g. "0.weight". */
  name: string;
  /** Shape in the file. */
  shape: number[];
  /** Our layer index and parameter, for messages. */
  where: string;
  /** Index of the parameter in the model's parameters() order (-1 for a buffer). */
  param: number;
  /** Index of the buffer in the model's buffers() order, for a buffer. */
  buffer?: number;
  /** [rows, cols] of our [in, out] matrix when the file holds its transpose. */
  transpose?: [number, number];
}

export interface TorchTensorSpec extends TorchSlot {
  /** The parameter value this tensor is stored from / loaded into. */
  value: Float32Array;
}

/**
 * The file tensors of a chain of built layers (a model's, or layers built
 * only to learn their shapes before a model is allocated). Parameters are
 * numbered in layer order, each layer's paramSpecs() in order, as
 * Sequential allocates them.
 */
export function torchSlots(layers: readonly Layer[]): TorchSlot[] {
  const slots: TorchSlot[] = [];
  let slot = 0;
  let param = 0;
  let buffer = 0;
  layers.forEach((layer, i) => {
    const specs = layer.paramSpecs();
    const bufferSpecs = layer.bufferSpecs();
    const index = new Map(specs.map((s, j) => [s.name, param + j]));
    param += specs.length;
    const where = `layers[${i}] (${layer.className})`;
    if (layer instanceof Dense) {
      slots.push({ name: `${slot}.weight`, shape: [layer.outFeatures, layer.inFeatures], where: `${where} weight`, param: index.get('weight')!, transpose: [layer.inFeatures, layer.outFeatures] });
      if (index.has('bias')) slots.push({ name: `${slot}.bias`, shape: [layer.outFeatures], where: `${where} bias`, param: index.get('bias')! });
      slot += layer.activation === null ? 1 : 2;
      return;
    }
    // Every other layer's parameters and buffers keep their own names in the
    // PyTorch module of the same position (PReLU's α is "weight" there, as here).
    specs.forEach((sp) => slots.push({ name: `${slot}.${sp.name}`, shape: [...sp.shape], where: `${where} ${sp.name}`, param: index.get(sp.name)! }));
    bufferSpecs.forEach((b) => slots.push({ name: `${slot}.${b.name}`, shape: [...b.shape], where: `${where} ${b.name}`, param: -1, buffer: buffer++ }));
    slot += 1;
  });
  return slots;
}

export function torchLayout(model: Sequential): TorchTensorSpec[] {
  const params = model.parameters();
  const buffers = model.buffers();
  return torchSlots(model.layers).map((s) => ({ ...s, value: s.buffer !== undefined ? buffers[s.buffer]!.value.data : params[s.param]!.value.data }));
}

/** The model's parameters as file tensors (weights transposed to [out, in]). */
export function toTorchTensors(specs: readonly TorchTensorSpec[]): NamedTensor[] {
  return specs.map((s) => ({ name: s.name, shape: s.shape, data: s.transpose ? transpose(s.value, ...s.transpose) : s.value }));
}

/** [rows, cols] row-major → [cols, rows]. */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c]!;
  return out;
}

/**
 * Checks that `tensors` holds exactly the model's tensors with the right
 * shapes and finite values, then (only then) copies them into the model.
 */
export function loadTorchTensors(specs: readonly TorchTensorSpec[], tensors: ReadonlyMap<string, NamedTensor>, source: string): void {
  const expected = new Set(specs.map((s) => s.name));
  const missing = specs.filter((s) => !tensors.has(s.name)).map((s) => `${s.name} (${s.where})`);
  const extra = [...tensors.keys()].filter((k) => !expected.has(k));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [];
    if (missing.length) parts.push(`missing ${missing.join(', ')}`);
    if (extra.length) parts.push(`unexpected ${extra.join(', ')}`);
    throw new Error(`${source}: tensors do not match the model: ${parts.join('; ')}`);
  }
  for (const s of specs) {
    const t = tensors.get(s.name)!;
    if (t.shape.length !== s.shape.length || t.shape.some((d, i) => d !== s.shape[i])) {
      throw new Error(`${source}: tensor ${s.name} (${s.where}) must have shape [${s.shape.join(', ')}], got [${t.shape.join(', ')}]`);
    }
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i]!)) throw new Error(`${source}: tensor ${s.name} (${s.where}) holds a non-finite value at index ${i}`);
    }
  }
  for (const s of specs) {
    const t = tensors.get(s.name)!;
    s.value.set(s.transpose ? transpose(t.data, s.transpose[1], s.transpose[0]) : t.data);
  }
}
