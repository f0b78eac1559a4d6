// Sequential.load of TF.js Layers models made by tfjs-layers itself
// (model.save('file://…'), the layout tfjs-node writes: model.json and
// weights.bin), for every layer nodegrad has; the imported model predicts
// what tfjs predicts and fine-tunes with fit. Unsupported content is a
// ModelFileError naming the layer or tensor, raised before the weights are
// read or a model is built.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTfjs, ModelFileError, Sequential, Tensor } from '../../lib/index.js';
import { F32_FORWARD_TOL, f64Predict, input, Largest, maxAbsDiff } from './helpers.js';
import { registerFileSaveRouter } from './tfjs-node-io.js';

const work = mkdtempSync(join(tmpdir(), 'nodegrad-tfjs-import-'));
const largest = new Largest();

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerFileSaveRouter(tf);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  largest.print('largest |difference| of predictions, TF.js import (tfjs vs nodegrad):');
});

/** Seeded non-default weights (PReLU slopes included), so a mix-up of tensors shows. */
function randomizeWeights(m: tf.LayersModel, seed: number): void {
  let s = seed;
  const next = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  m.setWeights(m.getWeights().map((w) => tf.tensor(Array.from({ length: w.size }, next), w.shape)));
}

async function saveTfjs(m: tf.LayersModel, name: string): Promise<string> {
  const dir = join(work, name);
  await m.save(pathToFileURL(dir).href);
  return dir;
}

function tfPredict(m: tf.LayersModel, x: Tensor): Float32Array {
  return tf.tidy(() => (m.predict(tf.tensor2d(x.data, [x.shape[0]!, x.shape[1]!])) as tf.Tensor).dataSync() as Float32Array);
}

const F = 5;
type Build = (m: tf.Sequential) => void;
const CASES: [string, Build, string[]][] = [
  [
    'Dense with relu/sigmoid/tanh/elu/linear activations, no-bias Dense',
    (m) => {
      m.add(tf.layers.dense({ units: 8, activation: 'relu', inputShape: [F] }));
      m.add(tf.layers.dense({ units: 7, activation: 'sigmoid' }));
      m.add(tf.layers.dense({ units: 6, activation: 'tanh' }));
      m.add(tf.layers.dense({ units: 5, activation: 'elu' }));
      m.add(tf.layers.dense({ units: 3, useBias: false }));
    },
    ['Dense(5→8, relu)', 'Dense(8→7, sigmoid)', 'Dense(7→6, tanh)', 'Dense(6→5, elu)', 'Dense(5→3, no bias)'],
  ],
  [
    'LeakyReLU (default 0.3 and 0.1), ELU, PReLU per feature and shared, ReLU, Activation layers',
    (m) => {
      m.add(tf.layers.dense({ units: 8, inputShape: [F] }));
      m.add(tf.layers.leakyReLU({}));
      m.add(tf.layers.dense({ units: 8 }));
      m.add(tf.layers.leakyReLU({ alpha: 0.1 }));
      m.add(tf.layers.prelu({}));
      m.add(tf.layers.dropout({ rate: 0.25 }));
      m.add(tf.layers.elu({}));
      m.add(tf.layers.prelu({ sharedAxes: [1] }));
      m.add(tf.layers.reLU({}));
      m.add(tf.layers.dense({ units: 6 }));
      m.add(tf.layers.activation({ activation: 'sigmoid' }));
      m.add(tf.layers.activation({ activation: 'tanh' }));
      m.add(tf.layers.activation({ activation: 'relu' }));
      m.add(tf.layers.activation({ activation: 'elu' }));
      m.add(tf.layers.activation({ activation: 'linear' }));
      m.add(tf.layers.dense({ units: 2 }));
    },
    ['Dense(5→8)', 'LeakyReLU(0.30000001192092896)', 'Dense(8→8)', 'LeakyReLU(0.10000000149011612)', 'PReLU(per feature)', 'Dropout(0.25)', 'ELU(1)', 'PReLU(shared)', 'ReLU()', 'Dense(8→6)', 'Sigmoid()', 'Tanh()', 'ReLU()', 'ELU(1)', 'Dense(6→2)'],
  ],
];

describe('TF.js Layers import (models saved by tfjs-layers 4.22)', () => {
  CASES.forEach(([name, build, describeLayers], ci) => {
    it(`Sequential.load predicts what tfjs predicts, and round-trips through export: ${name}`, async () => {
      const t = tf.sequential();
      build(t);
      randomizeWeights(t, 100 + ci);
      const dir = await saveTfjs(t, `case${ci}`);
      const m = await Sequential.load(dir, { backend: 'reference' });
      expect(m.layers.map((l) => l.describe())).toEqual(describeLayers);
      const x = input(11, 30 + ci, F);
      const theirs = tfPredict(t, x);
      const ours = m.predict(x).data;
      // nodegrad's model through the float64 oracle: both runtimes within float32 rounding of it.
      const oracle = f64Predict(m, x);
      expect(maxAbsDiff(ours, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
      expect(maxAbsDiff(theirs, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
      largest.note('tfjs-made model', maxAbsDiff(theirs, ours));

      // nodegrad → tfjs again: same weights bit for bit, and tfjs loads them.
      const again = join(work, `again${ci}`);
      await m.save(again, { format: 'tfjs' });
      const back = await Sequential.load(again, { backend: 'reference' });
      expect(Array.from(back.values)).toEqual(Array.from(m.values));
      t.dispose();
    });
  });

  it("reads the Keras converter's layout too: model_config wrapper, an InputLayer, Keras 3 batch_shape", async () => {
    const t = tf.sequential();
    t.add(tf.layers.dense({ units: 4, activation: 'tanh', inputShape: [3], name: 'dense' }));
    t.add(tf.layers.dense({ units: 2, name: 'dense_1' }));
    randomizeWeights(t, 5);
    const dir = await saveTfjs(t, 'keras');
    const j = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const layers = j.modelTopology.config.layers;
    delete layers[0].config.batch_input_shape;
    layers.unshift({ class_name: 'InputLayer', config: { batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'input_layer' } });
    j.modelTopology = { keras_version: '3.3.3', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: { name: 'sequential', layers } } };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    const m = await Sequential.load(dir, { backend: 'reference' });
    expect(m.layers.map((l) => l.describe())).toEqual(['Dense(3→4, tanh)', 'Dense(4→2)']);
    const x = input(6, 8, 3);
    expect(maxAbsDiff(m.predict(x).data, f64Predict(m, x))).toBeLessThanOrEqual(F32_FORWARD_TOL);
    expect(maxAbsDiff(tfPredict(t, x), f64Predict(m, x))).toBeLessThanOrEqual(F32_FORWARD_TOL);
    t.dispose();
  });

  it('the imported model fine-tunes with fit (loss falls) and its weights stay importable', async () => {
    const t = tf.sequential();
    t.add(tf.layers.dense({ units: 16, activation: 'tanh', inputShape: [4] }));
    t.add(tf.layers.prelu({}));
    t.add(tf.layers.dense({ units: 3 }));
    randomizeWeights(t, 7);
    const dir = await saveTfjs(t, 'finetune');
    const m = await Sequential.load(dir);
    // Three classes, each marked by a large first-three feature.
    const n = 120;
    const xs = new Float32Array(n * 4);
    const ys = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      ys[i] = i % 3;
      for (let j = 0; j < 4; j++) xs[i * 4 + j] = (j === i % 3 ? 2 : 0) + Math.sin(i * 7.1 + j);
    }
    const x = new Tensor(xs, [n, 4]);
    const y = new Tensor(ys, [n]);
    m.compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const before = m.evaluate(x, y).loss!;
    await m.fit(x, y, { epochs: 30, batchSize: 16, seed: 1, verbose: 0 });
    const after = m.evaluate(x, y);
    expect(after.loss!).toBeLessThan(before / 2);
    expect(after.accuracy!).toBeGreaterThan(0.9);
  });

  it('a final softmax is refused naming the layer, or dropped with { dropFinalSoftmax: true } (logits remain)', async () => {
    const t = tf.sequential();
    t.add(tf.layers.dense({ units: 4, inputShape: [3] }));
    t.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    randomizeWeights(t, 3);
    const dir = await saveTfjs(t, 'softmax');
    await expect(Sequential.load(dir)).rejects.toThrow(ModelFileError);
    await expect(Sequential.load(dir)).rejects.toThrow(/layers\[1\] \(Dense "dense_Dense\d+"\): activation 'softmax' is not a nodegrad layer/);
    const m = await Sequential.load(dir, { dropFinalSoftmax: true, backend: 'reference' });
    const x = input(5, 2, 3);
    const p = tfPredict(t, x);
    const z = m.predict(x).data;
    for (let r = 0; r < 5; r++) {
      const row = Array.from(z.subarray(r * 3, r * 3 + 3));
      const mx = Math.max(...row);
      const s = row.reduce((a, v) => a + Math.exp(v - mx), 0);
      for (let j = 0; j < 3; j++) expect(Math.abs(Math.exp(row[j]! - mx) / s - p[r * 3 + j]!)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    }
    const t2 = tf.sequential();
    t2.add(tf.layers.dense({ units: 3, inputShape: [3] }));
    t2.add(tf.layers.softmax());
    const dir2 = await saveTfjs(t2, 'softmax-layer');
    await expect(Sequential.load(dir2)).rejects.toThrow(/layers\[1\] \(Softmax "softmax_Softmax\d+"\): Softmax is not a nodegrad layer/);
    expect((await Sequential.load(dir2, { dropFinalSoftmax: true })).layers.length).toBe(1);
  });

  it('unsupported layers and options are refused naming the layer, before the weight shards are read', async () => {
    const cases: [Build, RegExp][] = [
      [(m) => m.add(tf.layers.batchNormalization({ inputShape: [4], scale: false })), /layers\[0\] \(BatchNormalization "batch_normalization_BatchNormalization\d+"\): center true with scale false is not supported/],
      [(m) => m.add(tf.layers.dense({ units: 3, inputShape: [4], activation: 'softplus' })), /layers\[0\] \(Dense "dense_Dense\d+"\): activation "softplus" is not supported/],
      [(m) => m.add(tf.layers.dense({ units: 3, inputShape: [4], kernelRegularizer: 'l1l2' })), /kernel_regularizer is not supported/],
      [(m) => (m.add(tf.layers.dense({ units: 3, inputShape: [4] })), m.add(tf.layers.gaussianNoise({ stddev: 0.5 }))), /layers\[1\] \(GaussianNoise "gaussian_noise_GaussianNoise\d+"\): this layer class is not supported/],
      [(m) => (m.add(tf.layers.dense({ units: 3, inputShape: [4] })), m.add(tf.layers.reLU({ maxValue: 6 }))), /max_value 6 \(a clipped ReLU\) is not supported/],
      [(m) => m.add(tf.layers.dense({ units: 3, inputShape: [4, 2] })), /input shape must be \[null, features\], got \[null,4,2\]/],
    ];
    for (const [k, [build, message]] of cases.entries()) {
      const t = tf.sequential();
      build(t);
      const dir = await saveTfjs(t, `bad${k}`);
      rmSync(join(dir, 'weights.bin')); // the refusal must come from the topology alone
      await expect(importTfjs(dir), `case ${k}`).rejects.toThrow(ModelFileError);
      await expect(importTfjs(dir), `case ${k}`).rejects.toThrow(message);
    }
  });

  it('a manifest that does not fit is refused naming the tensor: dtype, quantization, shape, missing or extra tensor, short shard', async () => {
    const t = tf.sequential();
    t.add(tf.layers.dense({ units: 3, inputShape: [2], name: 'd' }));
    t.add(tf.layers.prelu({ name: 'p' }));
    randomizeWeights(t, 1);
    const dir = await saveTfjs(t, 'manifest');
    const good = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const weights = readFileSync(join(dir, 'weights.bin'));
    const variants: [string, (j: { weightsManifest: { weights: Record<string, unknown>[] }[] }) => void, RegExp][] = [
      ['dtype', (j) => (j.weightsManifest[0]!.weights[0]!.dtype = 'int32'), /tensor "d\/kernel" has dtype "int32"; only float32 is supported/],
      ['quantized', (j) => (j.weightsManifest[0]!.weights[1]!.quantization = { dtype: 'uint8', scale: 1, min: 0 }), /tensor "d\/bias" is quantized/],
      ['shape', (j) => (j.weightsManifest[0]!.weights[0]!.shape = [3, 2]), /tensor "d\/kernel" must have shape \[2, 3\], got \[3, 2\]/],
      ['missing', (j) => j.weightsManifest[0]!.weights.splice(2, 1), /missing tensor p\/alpha/],
      ['extra', (j) => j.weightsManifest[0]!.weights.push({ name: 'q/gamma', shape: [0], dtype: 'float32' }), /unexpected tensor q\/gamma/],
    ];
    for (const [name, change, message] of variants) {
      const j = structuredClone(good);
      change(j);
      const d = join(work, `manifest-${name}`);
      await saveTfjs(t, `manifest-${name}`);
      writeFileSync(join(d, 'model.json'), JSON.stringify(j));
      await expect(Sequential.load(d), name).rejects.toThrow(message);
    }
    const short = join(work, 'manifest-short');
    await saveTfjs(t, 'manifest-short');
    writeFileSync(join(short, 'weights.bin'), weights.subarray(0, weights.length - 4));
    await expect(Sequential.load(short)).rejects.toThrow(/weight group 0 \(weights\.bin\) holds 44 bytes, the manifest needs 48/);
    const nan = join(work, 'manifest-nan');
    await saveTfjs(t, 'manifest-nan');
    const w = Buffer.from(weights);
    w.writeFloatLE(NaN, 8);
    writeFileSync(join(nan, 'weights.bin'), w);
    await expect(Sequential.load(nan)).rejects.toThrow(/tensor "d\/kernel" holds a non-finite value at index 2/);
    const escape = structuredClone(good);
    escape.weightsManifest[0].paths = ['../manifest/weights.bin'];
    writeFileSync(join(short, 'model.json'), JSON.stringify(escape));
    await expect(Sequential.load(short)).rejects.toThrow(/only file names beside model.json are read/);
  });

  it('300 random mutations of a tfjs model.json: each loads or fails with a ModelFileError, never another error', async () => {
    const t = tf.sequential();
    t.add(tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }));
    t.add(tf.layers.prelu({}));
    t.add(tf.layers.leakyReLU({ alpha: 0.1 }));
    t.add(tf.layers.dense({ units: 2 }));
    const dir = await saveTfjs(t, 'fuzz');
    const good = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const leaves = (o: unknown, path: (string | number)[] = []): (string | number)[][] =>
      o !== null && typeof o === 'object' ? Object.entries(o).flatMap(([k, v]) => [[...path, Array.isArray(o) ? Number(k) : k], ...leaves(v, [...path, Array.isArray(o) ? Number(k) : k])]) : [];
    const paths = leaves(good);
    const values: unknown[] = [null, -1, 0, 1, 2.5, 1e9, '', 'x', 'float32', 'int32', [], [null], [null, 3], {}, true];
    let seed = 12345;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    let loaded = 0;
    for (let k = 0; k < 300; k++) {
      const j = structuredClone(good);
      const p = paths[rand(paths.length)]!;
      let o = j;
      for (const key of p.slice(0, -1)) o = o[key];
      o[p.at(-1)!] = values[rand(values.length)];
      writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
      try {
        await Sequential.load(dir, { backend: 'reference' });
        loaded++;
      } catch (e) {
        expect(e, `mutation ${k} at ${p.join('.')}`).toBeInstanceOf(ModelFileError);
      }
    }
    // Some mutations are harmless (names, trainable flags), most are refused.
    expect(loaded).toBeGreaterThan(0);
    expect(loaded).toBeLessThan(300);
  });
});
