// A bare PyTorch state_dict (safetensors, as safetensors.torch.save_file
// writes model.state_dict()) of an nn.Sequential of Linear, PReLU,
// BatchNorm1d, LayerNorm, Dropout and activation modules, with the
// architecture given as nodegrad layers (a state dict holds tensors, not
// modules: ReLU, Dropout, LeakyReLU's slope, a norm layer's eps and
// momentum leave no trace in it). Module i of the nn.Sequential is the i-th PyTorch module of the
// layer list: a Dense with a fused activation counts as two (Linear, then
// the activation), as in lib/io/torch-layout.ts, so
// nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)) is
// [new Dense(4, 8), new ReLU(), new Dense(8, 2)] or
// [new Dense(4, 8, { activation: 'relu' }), new Dense(8, 2)].
// The file's header is checked against the layers (names, shapes, dtypes)
// before the model is built; nothing is allocated for a refused file.
import { readFile } from 'node:fs/promises';
import type { BackendName } from '../backend/index.js';
import { typeError } from '../errors.js';
import { BatchNorm1d } from '../layers/batch-norm.js';
import { Dense } from '../layers/dense.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { Layer } from '../layers/layer.js';
import { PReLU } from '../layers/prelu.js';
import { Sequential } from '../model/sequential.js';
import { loadWeights, ModelFileError } from './model-files.js';

export interface FromStateDictOptions {
  backend?: BackendName;
  /** Needed only when the first layer does not fix its input features (an activation layer). */
  inputFeatures?: number;
}

interface Expected {
  name: string;
  shape: number[];
  where: string;
  /** PyTorch stores this one as int64 (num_batches_tracked); read as float32. */
  int64?: boolean;
}

/** The state-dict tensors an nn.Sequential equal to `layers` has, computed without building anything. */
function expectedTensors(layers: readonly Layer[], inputFeatures: number | undefined, source: string): Expected[] {
  const out: Expected[] = [];
  let features = inputFeatures ?? layers[0]!.expectedInFeatures();
  let slot = 0;
  layers.forEach((layer, i) => {
    const where = `layers[${i}] (${layer.className})`;
    if (layer instanceof Dense) {
      if (features !== undefined && layer.inFeatures !== features) {
        throw new RangeError(`fromStateDict: ${where} inFeatures must be ${features} to match the layer before it, got ${layer.inFeatures}`);
      }
      out.push({ name: `${slot}.weight`, shape: [layer.outFeatures, layer.inFeatures], where: `${where}, nn.Linear weight [out, in]` });
      if (layer.hasBias) out.push({ name: `${slot}.bias`, shape: [layer.outFeatures], where: `${where}, nn.Linear bias` });
      features = layer.outFeatures;
      slot += layer.activation === null ? 1 : 2;
      return;
    }
    if (layer instanceof BatchNorm1d || layer instanceof LayerNorm) {
      if (features !== undefined && layer.inFeatures !== features) {
        throw new RangeError(`fromStateDict: ${where} features must be ${features} to match the layer before it, got ${layer.inFeatures}`);
      }
      const module = layer instanceof BatchNorm1d ? 'nn.BatchNorm1d' : 'nn.LayerNorm';
      // weight, bias (with affine) and BatchNorm1d's running_mean, running_var,
      // num_batches_tracked (with trackRunningStats), under PyTorch's names.
      for (const p of layer.paramSpecs()) out.push({ name: `${slot}.${p.name}`, shape: [...p.shape], where: `${where}, ${module} ${p.name}` });
      for (const b of layer.bufferSpecs()) {
        out.push({ name: `${slot}.${b.name}`, shape: [...b.shape], where: `${where}, ${module} ${b.name}`, ...(b.name === 'num_batches_tracked' ? { int64: true } : {}) });
      }
      features = layer.inFeatures;
    } else if (layer.className === 'Embedding' || layer.className === 'Concat') {
      // nn.Embedding's weight [numEmbeddings, dim]; a Concat's tables under their branch index
      // ("<slot>.<branch>.weight", an nn.ModuleList's names), as lib/io/torch-layout.ts saves them.
      for (const p of layer.paramSpecs()) out.push({ name: `${slot}.${p.name}`, shape: [...p.shape], where: `${where}, ${layer.className === 'Embedding' ? 'nn.Embedding' : 'branch'} ${p.name}` });
      if (layer.className === 'Concat') features = layer.outFeatures;
      else if (features !== undefined) features *= (layer.config() as { dim: number }).dim;
    } else if (layer instanceof PReLU) {
      if (layer.perFeature && features === undefined) {
        throw new RangeError(`fromStateDict: options.inputFeatures must be given when layers[0] (PReLU) does not fix its input features, got undefined`);
      }
      out.push({ name: `${slot}.weight`, shape: [layer.perFeature ? features! : 1], where: `${where}, nn.PReLU weight` });
    } else if (layer.paramSpecs().length > 0) {
      // paramSpecs() of an unbuilt layer only reports what it would allocate.
      throw new ModelFileError(source, `fromStateDict: ${where} has parameters with no PyTorch module mapping`);
    }
    slot += 1;
  });
  return out;
}

interface HeaderEntry {
  dtype: unknown;
  shape: unknown;
}

/** The safetensors header alone (names, dtypes, shapes): enough to refuse a file before reading its tensors. */
function readHeader(bytes: Uint8Array, source: string): Map<string, HeaderEntry> {
  if (bytes.length < 8) throw new ModelFileError(source, `${source}: not a safetensors file (${bytes.length} bytes, shorter than the 8-byte header length)`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) throw new ModelFileError(source, `${source}: not a safetensors file (header length ${n} exceeds the file)`);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, Number(n)).toString('utf8'));
  } catch (e) {
    throw new ModelFileError(source, `${source}: the safetensors header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new ModelFileError(source, `${source}: the safetensors header must be a JSON object`);
  const out = new Map<string, HeaderEntry>();
  for (const [k, v] of Object.entries(header as Record<string, unknown>)) {
    if (k === '__metadata__') continue;
    const e = (v ?? {}) as Record<string, unknown>;
    out.set(k, { dtype: e.dtype, shape: e.shape });
  }
  return out;
}

/**
 * Builds a Sequential of `layers` holding the weights of a PyTorch
 * state_dict saved with safetensors (`file`: a path or the file's bytes).
 * BatchNorm1d's num_batches_tracked may be int64, as PyTorch saves it.
 * A tensor the layers do not account for (a Conv weight, a BatchNorm's
 * running_mean where the layers have none), a missing one, a shape or dtype that does not match, is a
 * ModelFileError naming the tensor, thrown before the model is built (the
 * layers stay unbuilt and usable).
 */
export async function fromStateDict(file: string | Uint8Array, layers: readonly Layer[], options: FromStateDictOptions = {}): Promise<Sequential> {
  const fn = 'fromStateDict';
  if (typeof file !== 'string' && !(file instanceof Uint8Array)) throw typeError(fn, 'file', 'a path or a Uint8Array', file);
  if (!Array.isArray(layers) || layers.length === 0) throw typeError(fn, 'layers', 'a non-empty array of layers', layers);
  layers.forEach((l, i) => {
    if (!(l instanceof Layer)) throw typeError(fn, `layers[${i}]`, 'a Layer', l);
  });
  if (options === null || typeof options !== 'object') throw typeError(fn, 'options', 'an object', options);
  const source = typeof file === 'string' ? file : 'state_dict';
  let bytes: Uint8Array;
  if (typeof file === 'string') {
    try {
      bytes = await readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ModelFileError(file, `${fn}: cannot read ${file}${code === 'ENOENT' ? ' (no such file)' : ` (${code ?? (e as Error).message})`}`);
    }
  } else {
    bytes = file;
  }

  const expected = expectedTensors(layers, options.inputFeatures, source);
  const header = readHeader(bytes, source);
  const names = new Set(expected.map((e) => e.name));
  const extra = [...header.keys()].filter((k) => !names.has(k));
  if (extra.length > 0) {
    throw new ModelFileError(source, 
      `${source}: tensor${extra.length > 1 ? 's' : ''} ${extra.join(', ')} ${extra.length > 1 ? 'are' : 'is'} not part of the given layers (nodegrad imports nn.Sequential of Linear, PReLU, BatchNorm1d, LayerNorm and parameter-free modules such as activations and Dropout; a module index shifted by a missing activation layer shows here too)`,
    );
  }
  for (const e of expected) {
    const h = header.get(e.name);
    if (!h) throw new ModelFileError(source, `${source}: tensor ${e.name} (${e.where}) is missing`);
    if (h.dtype !== 'F32' && !(e.int64 && h.dtype === 'I64')) {
      throw new ModelFileError(source, `${source}: tensor ${e.name} (${e.where}) has dtype ${JSON.stringify(h.dtype)}; only F32 is supported (save model.float().state_dict())`);
    }
    const s = h.shape;
    if (!Array.isArray(s) || s.length !== e.shape.length || s.some((d, k) => d !== e.shape[k])) {
      throw new ModelFileError(source, `${source}: tensor ${e.name} (${e.where}) must have shape [${e.shape.join(', ')}], got ${JSON.stringify(s)}`);
    }
  }

  let model: Sequential;
  try {
    model = new Sequential(layers, { ...(options.backend ? { backend: options.backend } : {}), ...(options.inputFeatures ? { inputFeatures: options.inputFeatures } : {}) });
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) throw e;
    throw new ModelFileError(source, `${fn}: ${(e as Error).message}`, { cause: e });
  }
  try {
    // Full validation (byte ranges, finite values), then the copy with [out, in] → [in, out].
    const int64 = new Set(expected.filter((e) => e.int64).map((e) => e.name));
    loadWeights(model, bytes, source, { int64: (name) => int64.has(name) });
  } catch (e) {
    throw e instanceof ModelFileError ? e : new ModelFileError(source, (e as Error).message, { cause: e });
  }
  return model;
}
