// `nodegrad export`, run as a process from compiled JavaScript: a model
// saved by nodegrad becomes a TF.js Layers model and an ONNX file that their
// runtimes load; bad flags and models give one line on stderr, exit code 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sequential } from '../../lib/index.js';
import { buildJs } from '../train/helpers.js';
import { amplification, F32_FORWARD_TOL, f64Predict, fillWeights, input, MAX_AMPLIFICATION, maxAbsDiff, TFJS_CASES } from './helpers.js';
import { fileLoadHandler } from './tfjs-node-io.js';

let cli = '';
const work = mkdtempSync(join(tmpdir(), 'nodegrad-export-cli-'));
beforeAll(() => {
  cli = join(buildJs('export-cli'), 'cli.js');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('nodegrad export', () => {
  it('writes a TF.js Layers model and an ONNX file that tfjs and onnxruntime run', async () => {
    const model = fillWeights(TFJS_CASES[0]!.make(), 9);
    const dir = join(work, 'saved');
    await model.save(dir);
    const x = input(8, 1);
    const oracle = f64Predict(model, x);

    const tfjsDir = join(work, 'web');
    const a = run(['export', '--model', dir, '--format', 'tfjs', '--out', tfjsDir]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(`exported 7 layers (${model.values.length} parameters) to ${tfjsDir} as a TF.js Layers model\n`);
    await tf.setBackend('cpu');
    const t = await tf.loadLayersModel(fileLoadHandler(tf, tfjsDir));
    const theirs = tf.tidy(() => (t.predict(tf.tensor2d(x.data, [8, 5])) as tf.Tensor).dataSync());
    expect(maxAbsDiff(theirs, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    t.dispose();

    const file = join(work, 'model.onnx');
    const b = run(['export', '--model', dir, '--format', 'onnx', '--out', file]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('as ONNX (opset 17)');
    const s = await ort.InferenceSession.create(file);
    const out = await s.run({ input: new ort.Tensor('float32', x.data, [8, 5]) });
    expect(maxAbsDiff(out.output!.data as Float32Array, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    await s.release();

    // A TF.js model can be the input too (tfjs → ONNX).
    const c = run(['export', '--model', tfjsDir, '--format', 'onnx', '--out', join(work, 'from-tfjs.onnx'), '--softmax']);
    expect(c.code).toBe(0);
    expect((await Sequential.load(tfjsDir)).values).toEqual(model.values);
  });

  it('a model trained by `nodegrad train --data` (Standardize first, text labels) exports to both formats', async () => {
    const csv = ['x1,x2,x3,label'];
    for (let i = 0; i < 120; i++) {
      const c = i % 2;
      csv.push(`${(100 + 30 * c + 5 * Math.sin(i)).toFixed(3)},${(Math.cos(i * 1.3) * 2).toFixed(3)},${(0.01 * c + 0.003 * Math.sin(i * 2.1)).toFixed(4)},${c ? 'spam' : 'ham'}`);
    }
    const file = join(work, 'tiny.csv');
    writeFileSync(file, csv.join('\n') + '\n');
    const dir = join(work, 'cli-model');
    const t = run(['train', '--data', file, '--layers', '8', '--epochs', '2', '--backend', 'reference', '--save', dir]);
    expect(t.code, t.stderr).toBe(0);
    const model = await Sequential.load(dir);
    expect(model.layers[0]!.className).toBe('Standardize');
    const x = input(6, 3, 3);
    for (let i = 0; i < x.data.length; i++) x.data[i] = [115, 0, 0.005][i % 3]! + [15, 2, 0.005][i % 3]! * x.data[i]!;
    const oracle = f64Predict(model, x);
    const web = join(work, 'cli-web');
    expect(run(['export', '--model', dir, '--format', 'tfjs', '--out', web]).code).toBe(0);
    const tm = await tf.loadLayersModel(fileLoadHandler(tf, web));
    expect(maxAbsDiff(tf.tidy(() => (tm.predict(tf.tensor2d(x.data, [6, 3])) as tf.Tensor).dataSync()), oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    tm.dispose();
    const onnxFile = join(work, 'cli.onnx');
    expect(run(['export', '--model', dir, '--format', 'onnx', '--out', onnxFile]).code).toBe(0);
    const s = await ort.InferenceSession.create(onnxFile);
    const out = await s.run({ input: new ort.Tensor('float32', x.data, [6, 3]) });
    expect(maxAbsDiff(out.output!.data as Float32Array, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    await s.release();
  });

  it('a model with BatchNorm1d, LayerNorm and Dropout (trained: running statistics set) exports to both formats; a tfjs refusal names the layer', async () => {
    const { BatchNorm1d, Dense, Dropout, LayerNorm, Tensor } = await import('../../lib/index.js');
    const model = new Sequential([new Dense(5, 8, { activation: 'tanh' }), new BatchNorm1d(8, { momentum: 0.2 }), new Dropout(0.25), new LayerNorm(8), new Dense(8, 3)]);
    const xs = input(64, 4);
    const ys = new Tensor(Float32Array.from({ length: 64 * 3 }, (_, i) => Math.sin(xs.data[Math.floor(i / 3) * 5 + (i % 3)]!)), [64, 3]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await model.fit(xs, ys, { epochs: 3, batchSize: 16, seed: 1, verbose: 0 });
    expect((model.layers[1] as InstanceType<typeof BatchNorm1d>).runningStats!.batches).toBe(12);
    const dir = join(work, 'norm-model');
    await model.save(dir);
    const x = input(9, 5);
    const oracle = f64Predict(model, x);
    // Norm layers amplify float32 error by at most A (helpers.ts, measured on x).
    const a = amplification(model, x);
    expect(a).toBeLessThanOrEqual(MAX_AMPLIFICATION);

    const web = join(work, 'norm-web');
    const r1 = run(['export', '--model', dir, '--format', 'tfjs', '--out', web]);
    expect(r1.stderr).toBe('');
    expect(r1.stdout).toBe(`exported 5 layers (${model.values.length} parameters) to ${web} as a TF.js Layers model\n`);
    await tf.setBackend('cpu');
    const t = await tf.loadLayersModel(fileLoadHandler(tf, web));
    expect(t.layers.map((l) => l.getClassName())).toEqual(['Dense', 'BatchNormalization', 'Dropout', 'LayerNormalization', 'Dense']);
    expect(maxAbsDiff(tf.tidy(() => (t.predict(tf.tensor2d(x.data, [9, 5])) as tf.Tensor).dataSync()), oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL * a);
    t.dispose();
    // And back, running statistics included.
    const back = await Sequential.load(web);
    expect(Array.from(back.bufferValues)).toEqual(Array.from(model.bufferValues));

    const onnxFile = join(work, 'norm.onnx');
    const r2 = run(['export', '--model', dir, '--format', 'onnx', '--out', onnxFile]);
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
    const s = await ort.InferenceSession.create(onnxFile);
    const out = await s.run({ input: new ort.Tensor('float32', x.data, [9, 5]) });
    expect(maxAbsDiff(out.output!.data as Float32Array, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL * a);
    await s.release();

    const noStats = join(work, 'no-stats');
    await new Sequential([new Dense(2, 3), new BatchNorm1d(3, { trackRunningStats: false })]).save(noStats);
    const r3 = run(['export', '--model', noStats, '--format', 'tfjs', '--out', join(work, 'no-stats-web')]);
    expect(r3.stderr).toMatch(/^nodegrad: exportTfjs: layers\[1\] \(BatchNorm1d\) has trackRunningStats false/);
    expect(r3.code).toBe(2);
    expect(run(['export', '--model', noStats, '--format', 'onnx', '--out', join(work, 'no-stats.onnx')]).code).toBe(0);
  });

  it('bad flags and models: one line on stderr, exit code 2', async () => {
    const dir = join(work, 'elu');
    const { Dense, ELU } = await import('../../lib/index.js');
    await new Sequential([new Dense(2, 3), new ELU(0.5)]).save(dir);
    const cases: [string[], RegExp, number][] = [
      [['export', '--format', 'tfjs', '--out', 'x'], /^nodegrad: export: --model DIR is required\n$/, 2],
      [['export', '--model', dir, '--out', 'x'], /^nodegrad: export: --format tfjs\|onnx is required\n$/, 2],
      [['export', '--model', dir, '--format', 'keras', '--out', 'x'], /^nodegrad: --format must be one of tfjs\|onnx, got "keras"\n$/, 2],
      [['export', '--model', dir, '--format', 'onnx'], /^nodegrad: export: --out PATH is required\n$/, 2],
      [['export', '--model', join(work, 'none'), '--format', 'onnx', '--out', 'x'], /^nodegrad: load: cannot read .*none\/model\.json \(no such file\)\n$/, 2],
      [['export', '--model', dir, '--format', 'tfjs', '--out', join(work, 'elu-web')], /^nodegrad: exportTfjs: layers\[1\] \(ELU\) uses ELU with alpha 0\.5; TensorFlow\.js Layers \(4\.22\) supports only alpha 1/, 2],
    ];
    for (const [args, message, code] of cases) {
      const r = run(args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.code, args.join(' ')).toBe(code);
    }
    expect(run(['export', '--help']).stdout).toContain('Usage: nodegrad export --model DIR --format tfjs|onnx --out PATH');
  });
});
