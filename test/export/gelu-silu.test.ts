// GELU (erf and tanh forms) and SiLU through every format: TF.js ('gelu',
// 'gelu_new', 'swish'), ONNX opset 17 (no Gelu operator: the Erf and Tanh
// forms in basic operators; SiLU as Sigmoid·x) and PyTorch (nn.GELU,
// nn.SiLU). Runs where nodegrad has the GELU and SiLU layers (their kernels
// came first); says so and skips where it does not. The float64 oracle's erf
// is checked here too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerFromJSON, Sequential, Tensor, type Layer } from '../../lib/index.js';
import { erf } from './f64-oracle.js';
import { F32_FORWARD_TOL, f64Predict, fillWeights, FEATURES, input, Largest, maxAbsDiff } from './helpers.js';
import { fileLoadHandler, registerFileSaveRouter } from './tfjs-node-io.js';

function make(className: string, config: Record<string, unknown>): Layer | null {
  try {
    return layerFromJSON({ className, config });
  } catch {
    return null;
  }
}
const haveLayers = make('GELU', { approximate: 'tanh' }) !== null && make('SiLU', {}) !== null && make('Dense', { inFeatures: 1, outFeatures: 1, activation: 'gelu' }) !== null;
if (!haveLayers) console.warn('SKIPPED: GELU/SiLU through TF.js, ONNX and PyTorch (this build has no GELU or SiLU layer yet)');

const work = mkdtempSync(join(tmpdir(), 'nodegrad-gelu-'));
const largest = new Largest();
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  if (haveLayers) largest.print('largest |difference| of predictions with GELU/SiLU (runtime vs nodegrad):');
});

describe('the float64 oracle', () => {
  it('erf matches published values (Python math.erf, to 1e-15)', () => {
    const table: [number, number][] = [
      [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527],
      [2.5, 0.999593047982555], [3, 0.9999779095030014], [4, 0.9999999845827421], [-1.5, -0.9661051464753108],
    ];
    for (const [x, v] of table) expect(Math.abs(erf(x) - v)).toBeLessThanOrEqual(1e-14);
    expect(erf(0)).toBe(0);
  });
});

/** Layers through the registry (the classes come from the activation list). */
const L = (className: string, config: Record<string, unknown> = {}): Layer => make(className, config)!;
const dense = (inF: number, outF: number, activation: string | null = null, extra: Record<string, unknown> = {}): Layer =>
  L('Dense', { inFeatures: inF, outFeatures: outF, activation, bias: true, ...extra });

describe.skipIf(!haveLayers)('GELU and SiLU export and import', () => {
  const build = (): Sequential =>
    fillWeights(
      new Sequential([
        dense(FEATURES, 8, 'gelu'),
        L('GELU', { approximate: 'tanh' }),
        dense(8, 6, 'silu'),
        L('GELU', { approximate: 'none' }),
        dense(6, 5, 'gelu', { approximate: 'tanh' }),
        L('SiLU'),
        dense(5, 3),
      ]),
      77,
    );

  beforeAll(async () => {
    await tf.setBackend('cpu');
    registerFileSaveRouter(tf);
  });

  it('TF.js: exported as gelu / swish, loaded by tfjs; and back. The tanh form is refused (tfjs cannot load its gelu_new)', async () => {
    const model = fillWeights(new Sequential([dense(FEATURES, 8, 'gelu'), L('SiLU'), dense(8, 6, 'silu'), L('GELU'), dense(6, 3)]), 78);
    const dir = join(work, 'tfjs');
    await model.save(dir, { format: 'tfjs' });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const acts = json.modelTopology.config.layers.map((l: { config: { activation?: string } }) => l.config.activation);
    expect(acts).toEqual(['gelu', 'swish', 'swish', 'gelu', 'linear']);
    const t = await tf.loadLayersModel(fileLoadHandler(tf, dir));
    const x = input(13, 3);
    const theirs = tf.tidy(() => (t.predict(tf.tensor2d(x.data, [13, FEATURES])) as tf.Tensor).dataSync());
    const oracle = f64Predict(model, x);
    // tfjs's erf is Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7), far inside the float32 bound.
    expect(maxAbsDiff(theirs, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    expect(maxAbsDiff(model.predict(x).data, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    largest.note('tfjs', maxAbsDiff(theirs, model.predict(x).data));
    const back = await Sequential.load(dir);
    expect(back.layers.map((l) => l.describe())).toEqual(model.layers.map((l) => l.describe()));
    expect(Array.from(back.values)).toEqual(Array.from(model.values));
    t.dispose();
    await expect(build().save(join(work, 'tanh'), { format: 'tfjs' })).rejects.toThrow(/layers\[1\] \(GELU\) uses GELU with approximate 'tanh'; TensorFlow\.js Layers \(4\.22\) cannot load its own 'gelu_new'/);
  });

  it('TF.js: a model tfjs-layers made with gelu, gelu_new and swish imports and predicts what tfjs predicts', async () => {
    const t = tf.sequential();
    t.add(tf.layers.dense({ units: 6, activation: 'gelu', inputShape: [4] }));
    t.add(tf.layers.activation({ activation: 'gelu_new' }));
    t.add(tf.layers.dense({ units: 5, activation: 'swish' }));
    t.add(tf.layers.activation({ activation: 'swish' }));
    t.add(tf.layers.dense({ units: 2 }));
    const dir = join(work, 'tfjs-made');
    await t.save(pathToFileURL(dir).href);
    const m = await Sequential.load(dir);
    const x = input(9, 4, 4);
    const theirs = tf.tidy(() => (t.predict(tf.tensor2d(x.data, [9, 4])) as tf.Tensor).dataSync());
    expect(maxAbsDiff(theirs, f64Predict(m, x))).toBeLessThanOrEqual(F32_FORWARD_TOL);
    largest.note('tfjs-made', maxAbsDiff(theirs, m.predict(x).data));
    t.dispose();
  });

  it('ONNX (opset 17): the Erf and Tanh forms and Sigmoid·x run in onnxruntime', async () => {
    const model = build();
    const file = join(work, 'g.onnx');
    await model.save(file, { format: 'onnx' });
    const s = await ort.InferenceSession.create(file);
    for (const rows of [1, 17]) {
      const x = input(rows, rows);
      const out = await s.run({ input: new ort.Tensor('float32', x.data, [rows, FEATURES]) });
      const theirs = out.output!.data as Float32Array;
      expect(maxAbsDiff(theirs, f64Predict(model, x))).toBeLessThanOrEqual(F32_FORWARD_TOL);
      largest.note('onnxruntime', maxAbsDiff(theirs, model.predict(x).data));
    }
    await s.release();
  });

  const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
  if (!torch) console.warn('SKIPPED: GELU/SiLU with PyTorch (/usr/bin/python3 cannot import torch)');
  it.skipIf(!torch)('PyTorch: nn.GELU (both forms) and nn.SiLU both ways', async () => {
    const spec = [['Linear', 5, 7], ['GELU', 'none'], ['Linear', 7, 6], ['GELU', 'tanh'], ['Linear', 6, 4], ['SiLU'], ['Linear', 4, 2]];
    const st = join(work, 'g.safetensors');
    const io = join(work, 'g.json');
    const script = join(new URL('.', import.meta.url).pathname, 'torch_fixture.py');
    const jobs = join(work, 'jobs.json');
    writeFileSync(jobs, JSON.stringify([['save', JSON.stringify(spec), st, io]]));
    expect(spawnSync('/usr/bin/python3', [script, 'batch', jobs], { encoding: 'utf8' }).status).toBe(0);
    const { x, y } = JSON.parse(readFileSync(io, 'utf8')) as { x: number[]; y: number[] };
    const layers = [dense(5, 7, 'gelu'), dense(7, 6, 'gelu', { approximate: 'tanh' }), dense(6, 4, 'silu'), dense(4, 2)];
    const model = await Sequential.fromStateDict(st, layers);
    const xt = new Tensor(Float32Array.from(x), [x.length / 5, 5]);
    const oracle = f64Predict(model, xt);
    const ours = model.predict(xt).data;
    expect(maxAbsDiff(y, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    expect(maxAbsDiff(ours, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    largest.note('torch', maxAbsDiff(y, ours));
    // And back: nodegrad's save, loaded strictly and run by torch.
    const dir = join(work, 'g-save');
    await model.save(dir);
    const weights = join(dir, (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weights: string }).weights);
    const out = join(work, 'g-out.json');
    writeFileSync(jobs, JSON.stringify([['run', JSON.stringify(spec), weights, io, out]]));
    expect(spawnSync('/usr/bin/python3', [script, 'batch', jobs], { encoding: 'utf8' }).status).toBe(0);
    const back = (JSON.parse(readFileSync(out, 'utf8')) as { y: number[] }).y;
    expect(maxAbsDiff(back, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    largest.note('nodegrad save run by torch', maxAbsDiff(back, ours));
  });
});
