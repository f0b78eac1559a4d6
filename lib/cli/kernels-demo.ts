// `nodegrad kernels`: every activation forward and backward on one large
// tensor, natively and through the reference backend; prints throughput
// (GB/s of bytes read + written), the speed-up, and the largest disagreement
// between the two. A demo, not a benchmark: bench/ has the careful numbers.
import { backend, info, type Kernels } from '../backend/index.js';
import { nativeLoadError, tryLoadNative } from '../backend/native.js';
import { Rng } from '../random.js';
import { intFlag, parse, UsageError } from './args.js';

interface Op {
  name: string;
  /** Bytes read + written per element. */
  bytes: number;
  /** Whether native must match the reference bitwise (the ReLU family). */
  exact: boolean;
  run(k: Kernels, t: Tensors): void;
  /** The outputs to compare. */
  outputs(t: Tensors): Float32Array[];
}

interface Tensors {
  x: Float32Array;
  dy: Float32Array;
  s: Float32Array; // a sigmoid output, input of sigmoidBackward
  th: Float32Array; // a tanh output, input of tanhBackward
  alpha: Float32Array;
  out: Float32Array;
  dalpha: Float32Array;
}

const PRELU_FEATURES = 64;

const OPS: Op[] = [
  { name: 'relu', bytes: 8, exact: true, run: (k, t) => k.relu(t.x, t.out), outputs: (t) => [t.out] },
  { name: 'reluBackward', bytes: 12, exact: true, run: (k, t) => k.reluBackward(t.x, t.dy, t.out), outputs: (t) => [t.out] },
  { name: 'leakyRelu', bytes: 8, exact: true, run: (k, t) => k.leakyRelu(t.x, t.out), outputs: (t) => [t.out] },
  { name: 'leakyReluBackward', bytes: 12, exact: true, run: (k, t) => k.leakyReluBackward(t.x, t.dy, t.out), outputs: (t) => [t.out] },
  { name: 'prelu', bytes: 8, exact: true, run: (k, t) => k.prelu(t.x, t.alpha, t.out), outputs: (t) => [t.out] },
  {
    name: 'preluBackward',
    bytes: 12,
    exact: true,
    run: (k, t) => k.preluBackward(t.x, t.alpha, t.dy, t.out, t.dalpha),
    outputs: (t) => [t.out, t.dalpha],
  },
  { name: 'elu', bytes: 8, exact: false, run: (k, t) => k.elu(t.x, t.out), outputs: (t) => [t.out] },
  { name: 'eluBackward', bytes: 12, exact: false, run: (k, t) => k.eluBackward(t.x, t.dy, t.out), outputs: (t) => [t.out] },
  { name: 'sigmoid', bytes: 8, exact: false, run: (k, t) => k.sigmoid(t.x, t.out), outputs: (t) => [t.out] },
  { name: 'sigmoidBackward', bytes: 12, exact: false, run: (k, t) => k.sigmoidBackward(t.s, t.dy, t.out), outputs: (t) => [t.out] },
  { name: 'tanh', bytes: 8, exact: false, run: (k, t) => k.tanh(t.x, t.out), outputs: (t) => [t.out] },
  { name: 'tanhBackward', bytes: 12, exact: false, run: (k, t) => k.tanhBackward(t.th, t.dy, t.out), outputs: (t) => [t.out] },
];

function tensors(n: number, seed: number): Tensors {
  const rng = new Rng(seed);
  const x = new Float32Array(n);
  const dy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal() * 3;
    dy[i] = rng.normal();
  }
  const s = x.map((v) => 1 / (1 + Math.exp(-v)));
  const th = x.map((v) => Math.tanh(v));
  const alpha = Float32Array.from({ length: PRELU_FEATURES }, (_, j) => 0.25 - 0.002 * j);
  return { x, dy, s, th, alpha, out: new Float32Array(n), dalpha: new Float32Array(PRELU_FEATURES) };
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
function ordinal(v: number): number {
  f32[0] = v;
  const i = i32[0]!;
  return i < 0 ? -0x80000000 - i : i;
}

/** Largest distance in float32 ulps (NaN matching NaN counts as 0). */
function maxUlp(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    const q = b[i]!;
    if (Number.isNaN(p) || Number.isNaN(q)) {
      if (Number.isNaN(p) !== Number.isNaN(q)) return Infinity;
      continue;
    }
    const d = Math.abs(ordinal(p) - ordinal(q));
    if (d > worst) worst = d;
  }
  return worst;
}

/** Median seconds per call, over `reps` timed calls after one warm-up call. */
function time(run: () => void, reps: number): number {
  run();
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    run();
    t.push((performance.now() - start) / 1000);
  }
  t.sort((p, q) => p - q);
  return t[Math.floor(t.length / 2)]!;
}

export const KERNELS_HELP = `Usage: nodegrad kernels [options]

Runs every activation kernel forward and backward on one large tensor,
natively and on the reference backend, and prints the throughput, the
speed-up and the largest disagreement (a demo; bench/ has the careful
numbers). Takes about 10 seconds.

Options:
  --size N    elements per tensor, a multiple of ${PRELU_FEATURES} (default 4194304)
  --help      this text
`;

/** The element count, or undefined when --help asked for the text. */
function parseSize(args: string[]): number | undefined {
  const { values } = parse(args, { size: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) return undefined;
  if (values.size === undefined) return 1 << 22;
  const n = intFlag('size', values.size, 1 << 22, PRELU_FEATURES, 1 << 28);
  if (n % PRELU_FEATURES !== 0) throw new UsageError(`--size must be a positive multiple of ${PRELU_FEATURES}, got ${JSON.stringify(values.size)}`);
  return n;
}

export function runKernelsDemo(args: string[]): number {
  const n = parseSize(args);
  if (n === undefined) {
    process.stdout.write(KERNELS_HELP);
    return 0;
  }
  const native = tryLoadNative();
  const i = info();
  console.log(`nodegrad ${i.version}: activation kernels on ${n.toLocaleString('en-US')} float32 elements (PReLU: ${PRELU_FEATURES} features)`);
  if (native) console.log(`native SIMD path: ${native.isa} (available: ${native.isaAvailable.join(', ')}); set NODEGRAD_SIMD to choose`);
  else console.log(`native addon unavailable, reference only:\n${nativeLoadError()!.message}`);
  console.log('');

  const ref = backend('reference');
  const nat = native ? backend('native') : undefined;
  const tRef = tensors(n, 1);
  const tNat = tensors(n, 1);
  const header = ['kernel', 'native GB/s', 'reference GB/s', 'speed-up', 'max difference'];
  const rows: string[][] = [];
  for (const op of OPS) {
    const refSec = time(() => op.run(ref, tRef), 2);
    const refGBs = (op.bytes * n) / refSec / 1e9;
    if (!nat) {
      rows.push([op.name, '-', refGBs.toFixed(2), '-', '-']);
      continue;
    }
    const natSec = time(() => op.run(nat, tNat), 7);
    const natGBs = (op.bytes * n) / natSec / 1e9;
    const ulps = Math.max(...op.outputs(tNat).map((o, j) => maxUlp(o, op.outputs(tRef)[j]!)));
    const diff = ulps === 0 ? (op.exact ? '0 (bitwise)' : '0 ulp') : `${ulps} ulp`;
    rows.push([op.name, natGBs.toFixed(2), refGBs.toFixed(2), `${(refSec / natSec).toFixed(1)}x`, diff]);
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log('\nGB/s counts bytes read + written (median of timed calls, one thread). Differences are in float32 ulps');
  console.log('against the float64 reference; the ReLU family must be bitwise equal. Careful numbers: npm run bench.');
  return 0;
}
