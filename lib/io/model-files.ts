// model.save(dir) / Sequential.load(dir): the architecture and training
// configuration in model.json, the weights in model.safetensors (PyTorch
// nn.Sequential names and layouts), the optimizer state in optimizer.json.
// Files are written under temporary names and renamed, and loading reads
// and validates everything before it builds the model it returns.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackendName } from '../backend/index.js';
import { rangeError, typeError } from '../errors.js';
import { Sequential, type SequentialJSON } from '../model/sequential.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { loadTorchTensors, toTorchTensors, torchLayout } from './torch-layout.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'model.safetensors';
export const OPTIMIZER_FILE = 'optimizer.json';
const FORMAT = 'nodegrad.model';
const VERSION = 1;

/** What model.json holds besides the architecture. */
export interface TrainingConfig {
  loss: string;
  metrics: string[];
  /** The optimizer's name and hyper-parameters, enough to build it again. */
  optimizer: { name: string; options: Record<string, unknown> };
}

export interface ModelJSON {
  format: typeof FORMAT;
  version: number;
  model: SequentialJSON;
  training: TrainingConfig | null;
  weights: string;
  optimizerState: string | null;
}

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

/** The weights as a safetensors file in PyTorch's nn.Sequential layout. */
export function weightsToSafetensors(model: Sequential): Uint8Array {
  return writeSafetensors(toTorchTensors(torchLayout(model)), { format: 'pt', producer: 'nodegrad' });
}

/**
 * Loads safetensors bytes (ours or PyTorch's) into `model`; throws, leaving
 * the model untouched, when any tensor is missing, extra, misshapen, not F32
 * or not finite, or the file is corrupt.
 */
export function loadWeights(model: Sequential, bytes: Uint8Array, source = 'weights'): void {
  const file = readSafetensors(bytes, source);
  loadTorchTensors(torchLayout(model), file.tensors, source);
}

export interface SaveParts {
  training: TrainingConfig | null;
  /** The optimizer's stateDict(), or null to leave it out. */
  optimizerState: unknown;
}

function checkDir(fn: string, dir: unknown): void {
  if (typeof dir !== 'string') throw typeError(fn, 'dir', 'a non-empty string', dir);
  if (dir === '') throw rangeError(fn, 'dir', 'a non-empty string', 'an empty string');
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function saveModel(model: Sequential, dir: string, parts: SaveParts): Promise<void> {
  checkDir('save', dir);
  // Everything is serialised synchronously first, so the files describe one
  // instant of the model even if a fit continues while they are written.
  const weights = weightsToSafetensors(model);
  const optimizerJson = parts.optimizerState == null ? null : JSON.stringify(parts.optimizerState);
  const json: ModelJSON = {
    format: FORMAT,
    version: VERSION,
    model: model.toJSON(),
    training: parts.training,
    weights: WEIGHTS_FILE,
    optimizerState: optimizerJson === null ? null : OPTIMIZER_FILE,
  };
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, WEIGHTS_FILE), weights);
  if (optimizerJson !== null) await writeAtomic(join(dir, OPTIMIZER_FILE), optimizerJson);
  // model.json last: a reader never sees it pointing at files not yet written.
  await writeAtomic(join(dir, MODEL_FILE), JSON.stringify(json, null, 2) + '\n');
}

export interface LoadedModel {
  model: Sequential;
  training: TrainingConfig | null;
  optimizerState: unknown;
}

async function read(dir: string, name: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, name));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(`load: cannot read ${join(dir, name)}${code === 'ENOENT' ? ' (no such file)' : ` (${code ?? (e as Error).message})`}`);
  }
}

function parseModelJson(text: string, path: string): ModelJSON {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const o = j as Partial<ModelJSON> | null;
  if (o === null || typeof o !== 'object' || o.format !== FORMAT) throw new ModelFileError(`${path}: not a nodegrad model file (format must be "${FORMAT}")`);
  if (o.version !== VERSION) throw new ModelFileError(`${path}: unsupported version ${String(o.version)} (this nodegrad reads version ${VERSION})`);
  if (o.model === null || typeof o.model !== 'object') throw new ModelFileError(`${path}: "model" (the architecture) is missing`);
  if (o.weights !== WEIGHTS_FILE) throw new ModelFileError(`${path}: "weights" must be "${WEIGHTS_FILE}"`);
  if (o.optimizerState !== null && o.optimizerState !== OPTIMIZER_FILE) throw new ModelFileError(`${path}: "optimizerState" must be "${OPTIMIZER_FILE}" or null`);
  const t = o.training;
  if (t !== null && t !== undefined) {
    if (typeof t !== 'object' || typeof t.loss !== 'string' || !Array.isArray(t.metrics) || typeof t.optimizer?.name !== 'string') {
      throw new ModelFileError(`${path}: "training" must be null or { loss, metrics, optimizer: { name, options } }`);
    }
  }
  return { ...(o as ModelJSON), training: t ?? null };
}

/** Reads and checks every file of a saved model; returns a new model (nothing is shared with an existing one). */
export async function loadModel(dir: string, options: { backend?: BackendName } = {}): Promise<LoadedModel> {
  checkDir('load', dir);
  const path = join(dir, MODEL_FILE);
  const json = parseModelJson((await read(dir, MODEL_FILE)).toString('utf8'), path);
  const weights = await read(dir, WEIGHTS_FILE);
  let optimizerState: unknown = null;
  if (json.optimizerState !== null) {
    const text = (await read(dir, OPTIMIZER_FILE)).toString('utf8');
    try {
      optimizerState = JSON.parse(text);
    } catch (e) {
      throw new ModelFileError(`${join(dir, OPTIMIZER_FILE)}: not valid JSON (${(e as Error).message})`);
    }
  }
  let model: Sequential;
  try {
    model = Sequential.fromConfig(json.model, options.backend ? { backend: options.backend } : {});
  } catch (e) {
    throw new ModelFileError(`${path}: the architecture is invalid: ${(e as Error).message}`);
  }
  loadWeights(model, weights, join(dir, WEIGHTS_FILE));
  return { model, training: json.training, optimizerState };
}
