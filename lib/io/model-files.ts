// model.save(dir) / Sequential.load(dir): the architecture and training
// configuration in model.json, the weights in model-<id>.safetensors
// (PyTorch nn.Sequential names and layouts), the optimizer state in
// optimizer-<id>.json. <id> is the save's id, recorded in every file; see
// checkpoint.ts for how a save is committed as one unit.
//
// Loading reads model.json, then only the weights file's header, and checks
// every tensor's name, dtype, shape and byte range against the architecture
// before any model is allocated, so a hand-edited model.json that claims a
// huge layer is refused at the cost of reading a header. Every failure is a
// ModelFileError naming the file, with the underlying error as `cause`.
import { join } from 'node:path';
import type { BackendName } from '../backend/index.js';
import { rawBackend } from '../backend/index.js';
import { checkObject, rangeError, typeError } from '../errors.js';
import { layerFromJSON, type Layer } from '../layers/layer.js';
import { Rng } from '../random.js';
import { Sequential, type SequentialJSON } from '../model/sequential.js';
import { assertFree } from '../train/plan-guard.js';
import type { Optimizer, Schedule } from '../optim/index.js';
import { commit, idOfFile, newSaveId, SAVE_ID, serialised } from './checkpoint.js';
import { fsOps } from './fs-ops.js';
import { asModelFileError, ModelFileError } from './model-file-error.js';
import { describeOptimizer, optimizerFromConfig, type OptimizerConfig } from './optimizer-config.js';
import { decodeTensors, headerLength, parseSafetensorsHeader, readSafetensors, writeSafetensors, type ReadOptions, type SafetensorsHeader } from './safetensors.js';
import { loadTorchTensors, toTorchTensors, torchLayout, torchSlots, type TorchSlot } from './torch-layout.js';

export { ModelFileError };
export const MODEL_FILE = 'model.json';
/** The names version-1 files used (still read). */
export const WEIGHTS_FILE = 'model.safetensors';
export const OPTIMIZER_FILE = 'optimizer.json';
const FORMAT = 'nodegrad.model';
const OPTIMIZER_FORMAT = 'nodegrad.optimizer';
const VERSION = 2;
const STEMS = [
  { stem: 'model', ext: '.safetensors' },
  { stem: 'optimizer', ext: '.json' },
] as const;
/** Metadata key of the save id in the weights file. */
const ID_KEY = 'nodegrad.save_id';

export const weightsFileOf = (id: string): string => `model-${id}.safetensors`;
export const optimizerFileOf = (id: string): string => `optimizer-${id}.json`;

/** What model.json holds besides the architecture. */
export interface TrainingConfig {
  loss: string;
  metrics: string[];
  optimizer: OptimizerConfig;
}

export interface ModelJSON {
  format: typeof FORMAT;
  version: number;
  /** Version 2: the save's id, also in the weights file's metadata and in the optimizer file. */
  saveId?: string;
  model: SequentialJSON;
  training: TrainingConfig | null;
  weights: string;
  optimizerState: string | null;
}

/** The weights as a safetensors file in PyTorch's nn.Sequential layout. */
export function weightsToSafetensors(model: Sequential, metadata: Record<string, string> = {}): Uint8Array {
  return writeSafetensors(toTorchTensors(torchLayout(model)), { format: 'pt', producer: 'nodegrad', ...metadata });
}

/**
 * Loads safetensors bytes (ours or PyTorch's) into `model`; throws a
 * ModelFileError naming `source`, leaving the model untouched, when any
 * tensor is missing, extra, misshapen, not F32 or not finite, or the file is
 * corrupt.
 */
export function loadWeights(model: Sequential, bytes: Uint8Array, source = 'weights', options: ReadOptions = {}): void {
  assertFree('loadWeights', model); // a background fit or predictAsync is using the weights
  try {
    const file = readSafetensors(bytes, source, options);
    loadTorchTensors(torchLayout(model), file.tensors, source);
  } catch (e) {
    throw asModelFileError(source, e);
  }
}

/** What save writes besides the weights. */
export interface SaveParts {
  /** Loss, metrics and optimizer of a compiled model, or null. */
  training: { loss: string; metrics: readonly string[]; optimizer: Optimizer } | null;
  /** Also write the optimizer state. */
  withOptimizerState: boolean;
}

/** A directory argument: a TypeError for a non-string, a RangeError for ''. */
function checkDir(fn: string, dir: unknown): asserts dir is string {
  if (typeof dir !== 'string') throw typeError(fn, 'dir', 'a non-empty string', dir);
  if (dir === '') throw rangeError(fn, 'dir', 'a non-empty string', 'an empty string');
}

/**
 * Saves `model` into `dir`. Everything is serialised synchronously, at the
 * call, so the files describe one instant even if a fit continues; the
 * writing is queued behind earlier saves to the same directory.
 */
export function saveModel(model: Sequential, dir: string, parts: SaveParts): Promise<void> {
  try {
    checkDir('save', dir);
  } catch (e) {
    return Promise.reject(e);
  }
  let files: { name: string; data: string | Uint8Array }[];
  let manifest: string;
  const id = newSaveId();
  try {
    const training: TrainingConfig | null = parts.training
      ? { loss: parts.training.loss, metrics: [...parts.training.metrics], optimizer: describeOptimizer(parts.training.optimizer, model) }
      : null;
    const state = parts.training && parts.withOptimizerState ? parts.training.optimizer.stateDict() : null;
    files = [{ name: weightsFileOf(id), data: weightsToSafetensors(model, { [ID_KEY]: id }) }];
    if (state !== null) files.push({ name: optimizerFileOf(id), data: JSON.stringify({ format: OPTIMIZER_FORMAT, saveId: id, state }) });
    const json: ModelJSON = {
      format: FORMAT,
      version: VERSION,
      saveId: id,
      model: model.toJSON(),
      training,
      weights: weightsFileOf(id),
      optimizerState: state === null ? null : optimizerFileOf(id),
    };
    manifest = JSON.stringify(json, null, 2) + '\n';
  } catch (e) {
    return Promise.reject(e);
  }
  return serialised(dir, () =>
    commit({
      dir,
      id,
      files,
      manifest: { name: MODEL_FILE, data: manifest },
      stems: STEMS,
      referenced: async () => {
        const text = await fsOps.readFile(join(dir, MODEL_FILE), 'utf8');
        const j = JSON.parse(text) as Partial<ModelJSON>;
        return new Set([j.weights, j.optimizerState].filter((n): n is string => typeof n === 'string'));
      },
    }),
  );
}

export interface LoadOptions {
  backend?: BackendName;
  /** The schedule, when the file records that it was a user function. */
  schedule?: Schedule;
}

export interface LoadedModel {
  model: Sequential;
  training: TrainingConfig | null;
  optimizerState: unknown;
  /** The files read, for messages. */
  files: { model: string; weights: string; optimizer: string | null };
}

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

class Missing extends ModelFileError {}

/** A problem this module found itself: the cause is the TypeError/RangeError a lower layer would have thrown. */
function refusal(path: string, what: string, Cls: typeof TypeError | typeof RangeError): ModelFileError {
  return new ModelFileError(path, what, { cause: new Cls(what) });
}

async function readWhole(path: string): Promise<Buffer> {
  try {
    return await fsOps.readFile(path);
  } catch (e) {
    const code = codeOf(e);
    const Cls = code === 'ENOENT' ? Missing : ModelFileError;
    throw new Cls(path, `load: cannot read ${path}${code === 'ENOENT' ? ' (no such file)' : ` (${code})`}`, { cause: e });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function parseModelJson(text: string, path: string): ModelJSON {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(path, `not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const bad = (what: string): never => {
    throw refusal(path, what, TypeError);
  };
  if (!isObject(j) || j.format !== FORMAT) bad(`not a nodegrad model file (format must be "${FORMAT}")`);
  const o = j as Record<string, unknown>;
  if (o.version !== 1 && o.version !== VERSION) bad(`unsupported version ${JSON.stringify(o.version) ?? 'undefined'} (this nodegrad reads versions 1 and ${VERSION})`);
  if (!isObject(o.model)) bad('"model" (the architecture) is missing');
  if (o.version === 1) {
    if (o.weights !== WEIGHTS_FILE) bad(`"weights" must be "${WEIGHTS_FILE}"`);
    if (o.optimizerState !== null && o.optimizerState !== OPTIMIZER_FILE) bad(`"optimizerState" must be "${OPTIMIZER_FILE}" or null`);
  } else {
    if (typeof o.saveId !== 'string' || !SAVE_ID.test(o.saveId)) bad(`"saveId" must be a save id, got ${JSON.stringify(o.saveId) ?? 'undefined'}`);
    const id = o.saveId as string;
    if (o.weights !== weightsFileOf(id)) bad(`"weights" must be "${weightsFileOf(id)}" (the file of this save)`);
    if (o.optimizerState !== null && o.optimizerState !== optimizerFileOf(id)) bad(`"optimizerState" must be "${optimizerFileOf(id)}" or null`);
  }
  const t = o.training;
  if (t !== null && t !== undefined) {
    if (!isObject(t) || typeof t.loss !== 'string' || !Array.isArray(t.metrics) || !isObject(t.optimizer) || typeof t.optimizer.name !== 'string') {
      bad('"training" must be null or { loss, metrics, optimizer: { name, ... } }');
    }
  }
  return { ...(o as unknown as ModelJSON), training: (t as TrainingConfig | undefined) ?? null };
}

/**
 * Builds throwaway layers from the architecture (cheap: no parameter is
 * allocated) to learn every tensor the weights file must hold.
 */
function expectedTensors(json: SequentialJSON, backend: BackendName | undefined): TorchSlot[] {
  if (!isObject(json) || json.className !== 'Sequential' || !isObject(json.config) || !Array.isArray(json.config.layers)) {
    throw new TypeError("the architecture must be { className: 'Sequential', config: { inputFeatures, layers } }");
  }
  const layers: Layer[] = json.config.layers.map((l, i) => {
    try {
      return layerFromJSON(l);
    } catch (e) {
      throw new RangeError(`layers[${i}]: ${(e as Error).message}`, { cause: e });
    }
  });
  if (layers.length === 0) throw new RangeError('the architecture has no layers');
  const raw = rawBackend(backend);
  const given = json.config.inputFeatures as unknown;
  if (given !== undefined && !(Number.isSafeInteger(given) && (given as number) >= 1)) {
    throw new RangeError(`inputFeatures must be an integer >= 1, got ${JSON.stringify(given)}`);
  }
  let features = (given as number | undefined) ?? layers[0]!.expectedInFeatures();
  if (features === undefined) throw new RangeError(`inputFeatures must be given when layers[0] (${layers[0]!.className}) does not fix it`);
  layers.forEach((l, i) => {
    const want = l.expectedInFeatures();
    if (want !== undefined && want !== features) throw new RangeError(`layers[${i}] (${l.className}) takes ${want} features but receives ${features}`);
    l.build(features!, raw, new Rng(0));
    features = l.outFeatures;
  });
  return torchSlots(layers);
}

/** Checks a weights header against the tensors the architecture needs; throws a plain Error saying what differs. */
function checkAgainst(header: SafetensorsHeader, slots: readonly TorchSlot[], id: string | undefined): void {
  if (id !== undefined && header.metadata[ID_KEY] !== id) {
    throw new Error(`belongs to save ${JSON.stringify(header.metadata[ID_KEY] ?? null)}, not to save "${id}" that model.json describes (files of different saves mixed)`);
  }
  const byName = new Map(header.entries.map((e) => [e.name, e]));
  const expected = new Set(slots.map((s) => s.name));
  const missing = slots.filter((s) => !byName.has(s.name)).map((s) => `${s.name} (${s.where})`);
  const extra = header.entries.filter((e) => !expected.has(e.name)).map((e) => e.name);
  if (missing.length > 0 || extra.length > 0) {
    const parts = [];
    if (missing.length) parts.push(`missing ${missing.join(', ')}`);
    if (extra.length) parts.push(`unexpected ${extra.join(', ')}`);
    throw new Error(`tensors do not match the model: ${parts.join('; ')}`);
  }
  for (const s of slots) {
    const e = byName.get(s.name)!;
    if (e.shape.length !== s.shape.length || e.shape.some((d, i) => d !== s.shape[i])) {
      throw new Error(`tensor ${s.name} (${s.where}) must have shape [${s.shape.join(', ')}], got [${e.shape.join(', ')}]`);
    }
  }
}

/** Reads the header of the weights file first, checks it, then its data. */
async function readWeights(path: string, slots: readonly TorchSlot[], id: string | undefined): Promise<Map<string, { name: string; shape: readonly number[]; data: Float32Array }>> {
  let fh;
  try {
    fh = await fsOps.open(path, 'r');
  } catch (e) {
    const code = codeOf(e);
    const Cls = code === 'ENOENT' ? Missing : ModelFileError;
    throw new Cls(path, `load: cannot read ${path}${code === 'ENOENT' ? ' (no such file)' : ` (${code})`}`, { cause: e });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      const cause = Object.assign(new Error(`EISDIR: not a regular file, read '${path}'`), { code: 'EISDIR' });
      throw new ModelFileError(path, `load: cannot read ${path} (not a regular file)`, { cause });
    }
    const size = st.size;
    const first = Buffer.alloc(8);
    await fh.read(first, 0, Math.min(8, size), 0);
    const n = headerLength(first, size, path);
    const headerBytes = Buffer.alloc(n);
    await fh.read(headerBytes, 0, n, 8);
    const header = parseSafetensorsHeader(headerBytes, size, path);
    checkAgainst(header, slots, id);
    // Only now, with the byte ranges matching the architecture, is the data read.
    const data = Buffer.alloc(size - header.dataStart);
    await fh.read(data, 0, data.length, header.dataStart);
    return decodeTensors(header, data);
  } catch (e) {
    throw asModelFileError(path, e);
  } finally {
    await fh.close();
  }
}

function parseOptimizerFile(text: string, path: string, version: number, id: string | undefined): unknown {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(path, `not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (version === 1) return j;
  if (!isObject(j) || j.format !== OPTIMIZER_FORMAT) throw refusal(path, `not a nodegrad optimizer file (format must be "${OPTIMIZER_FORMAT}")`, TypeError);
  if (j.saveId !== id) {
    throw refusal(path, `belongs to save ${JSON.stringify(j.saveId) ?? 'undefined'}, not to save "${id}" that model.json describes (files of different saves mixed)`, RangeError);
  }
  return j.state;
}

async function loadOnce(dir: string, options: LoadOptions): Promise<LoadedModel> {
  const path = join(dir, MODEL_FILE);
  const json = parseModelJson((await readWhole(path)).toString('utf8'), path);
  const id = json.version === 1 ? undefined : json.saveId;
  let slots: TorchSlot[];
  try {
    slots = expectedTensors(json.model, options.backend);
  } catch (e) {
    throw asModelFileError(path, e, 'the architecture is invalid');
  }
  const weightsPath = join(dir, json.weights);
  const tensors = await readWeights(weightsPath, slots, id);
  let optimizerState: unknown = null;
  const optimizerPath = json.optimizerState === null ? null : join(dir, json.optimizerState);
  if (optimizerPath !== null) optimizerState = parseOptimizerFile((await readWhole(optimizerPath)).toString('utf8'), optimizerPath, json.version, id);
  let model: Sequential;
  try {
    model = Sequential.fromConfig(json.model, options.backend ? { backend: options.backend } : {});
  } catch (e) {
    throw asModelFileError(path, e, 'the architecture is invalid');
  }
  try {
    loadTorchTensors(torchLayout(model), tensors, weightsPath);
  } catch (e) {
    throw asModelFileError(weightsPath, e);
  }
  return { model, training: json.training, optimizerState, files: { model: path, weights: weightsPath, optimizer: optimizerPath } };
}

/**
 * Reads and checks every file of a saved model; returns a new model
 * (nothing is shared with an existing one). A save committed while this
 * load reads (and removing the files it replaced) is caught by the file
 * being gone: the load then starts over from the new model.json.
 */
export async function loadModel(dir: string, options: LoadOptions = {}): Promise<LoadedModel> {
  checkDir('load', dir);
  checkObject('load', 'options', options);
  for (let attempt = 0; ; attempt++) {
    try {
      return await loadOnce(dir, options);
    } catch (e) {
      // model.json itself missing is final; a data file gone is a concurrent save's cleanup.
      if (!(e instanceof Missing) || e.file === join(dir, MODEL_FILE) || attempt >= 4) throw e;
    }
  }
}

/** What compiling a loaded model needs (Sequential.prototype.compile's argument). */
export type Compile = (model: Sequential, options: { optimizer: Optimizer; loss: string; metrics: string[] }) => void;

/**
 * loadModel, then the optimizer built again from model.json with the state
 * of the optimizer file, and the model compiled: a failure of either is a
 * ModelFileError naming the file whose content does not fit.
 */
export async function loadCompiled(dir: string, options: LoadOptions, compile: Compile): Promise<Sequential> {
  const { model, training, optimizerState, files } = await loadModel(dir, options);
  if (!training) {
    if (options.schedule !== undefined) throw refusal(files.model, 'load: schedule was given but the model was saved without a training configuration', RangeError);
    return model;
  }
  let optimizer: Optimizer;
  try {
    optimizer = optimizerFromConfig(training.optimizer, model, options.schedule !== undefined ? { schedule: options.schedule } : {});
  } catch (e) {
    throw asModelFileError(files.model, e, 'training.optimizer does not fit the model');
  }
  if (optimizerState !== null) {
    try {
      // loadStateDict validates before changing anything.
      optimizer.loadStateDict(optimizerState as Parameters<Optimizer['loadStateDict']>[0]);
    } catch (e) {
      throw asModelFileError(files.optimizer!, e, 'the optimizer state does not fit the model');
    }
  }
  try {
    compile(model, { optimizer, loss: training.loss, metrics: training.metrics as string[] });
  } catch (e) {
    throw asModelFileError(files.model, e, 'training (loss, metrics) is invalid');
  }
  return model;
}

/** The id of a saved file's name (model-<id>.safetensors, optimizer-<id>.json), else undefined. */
export function saveIdOfFile(name: string): string | undefined {
  return idOfFile(name, STEMS);
}
