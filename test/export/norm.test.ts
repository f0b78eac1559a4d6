// BatchNorm1d, LayerNorm and Dropout through every format: nodegrad → TF.js
// (tf.loadLayersModel, tfjs 4.22, cpu backend) and ONNX (onnxruntime-node),
// predictions held against a float64 oracle; back into nodegrad with the
// same parameters, buffers and configs bit for bit; training mode (batch
// statistics, running-statistics update) against tfjs's own training mode;
// models made by tfjs itself imported; the one refusal left named.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import onnxProto, { type onnx as P } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d, Dense, Dropout, ELU, GELU, Layer, LayerNorm, ModelFileError, onnxBytes, ReLU, Sequential, Tensor, tfjsArtifacts } from '../../lib/index.js';
import type { TfjsModelJSON } from '../../lib/io/tfjs-format.js';
import type { ParamSpec } from '../../lib/layers/index.js';
import { f64Forward } from './f64-oracle.js';
import { amplification, F32_FORWARD_TOL, f64Predict, FEATURES, input, Largest, MAX_AMPLIFICATION, maxAbsDiff } from './helpers.js';
import { fileLoadHandler, registerFileSaveRouter } from './tfjs-node-io.js';

const { onnx } = onnxProto;
const work = mkdtempSync(join(tmpdir(), 'nodegrad-norm-export-'));
const largest = new Largest();
beforeAll(async () => {
  await tf.setBackend('cpu');
  registerFileSaveRouter(tf);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  largest.print('largest |difference| of predictions, norm layers (runtime vs nodegrad):');
  amplifications.print('norm layers\' error amplification on the test inputs:');
});

/** Within F32_FORWARD_TOL · A of the oracle, A ≤ MAX_AMPLIFICATION checked first; returns A. */
function expectNear(values: ArrayLike<number>, model: Sequential, x: Tensor): number {
  const a = amplification(model, x);
  expect(a).toBeLessThanOrEqual(MAX_AMPLIFICATION);
  expect(maxAbsDiff(values, f64Predict(model, x))).toBeLessThanOrEqual(F32_FORWARD_TOL * a);
  amplifications.note('largest A', a);
  return a;
}
const amplifications = new Largest();

interface NormCase {
  name: string;
  make: () => Sequential;
}

const CASES: NormCase[] = [
  {
    name: 'BatchNorm1d first and after a Dense (momentum 0.3, eps 1e-3), Dropout, LayerNorm after a sigmoid',
    make: () =>
      new Sequential([
        new BatchNorm1d(FEATURES),
        new Dense(FEATURES, 8, { activation: 'sigmoid' }),
        new Dropout(0.3),
        new LayerNorm(8),
        new Dense(8, 6, { activation: 'tanh' }),
        new BatchNorm1d(6, { momentum: 0.3, eps: 1e-3 }),
        new Dense(6, 3),
      ]),
  },
  {
    name: 'LayerNorm without affine (eps 1e-4), BatchNorm1d without affine, ReLU, Dropout(0.5)',
    make: () =>
      new Sequential([
        new LayerNorm(FEATURES, { elementwiseAffine: false, eps: 1e-4 }),
        new Dense(FEATURES, 6),
        new BatchNorm1d(6, { affine: false }),
        new ReLU(),
        new Dropout(0.5),
        new Dense(6, 2),
      ]),
  },
];

/** Trained for a few epochs: running statistics, weights and biases of the norm layers all move away from their initial 0/1. */
async function trained(c: NormCase, seed: number): Promise<Sequential> {
  const model = c.make();
  const n = 96;
  // Columns of different scales and offsets, so the first BatchNorm1d learns real statistics.
  const x = input(n, seed);
  for (let i = 0; i < x.data.length; i++) x.data[i] = (1 + (i % FEATURES)) * x.data[i]! + 2 * (i % FEATURES) - 3;
  const k = model.outputFeatures;
  const y = Tensor.zeros([n, k]);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) y.data[i * k + j] = Math.sin(x.data[i * FEATURES + j]! + x.data[i * FEATURES + ((j + 1) % FEATURES)]!);
  model.compile({ optimizer: 'adam', loss: 'mse' });
  await model.fit(x, y, { epochs: 4, batchSize: 16, seed, verbose: 0 });
  return model;
}

/** Inputs on the training data's scales. */
function rawInput(rows: number, seed: number): Tensor {
  const x = input(rows, seed);
  for (let i = 0; i < x.data.length; i++) x.data[i] = (1 + (i % FEATURES)) * x.data[i]! + 2 * (i % FEATURES) - 3;
  return x;
}

function tfPredict(m: tf.LayersModel, x: Tensor): Float32Array {
  return tf.tidy(() => (m.predict(tf.tensor2d(x.data, [x.shape[0]!, x.shape[1]!])) as tf.Tensor).dataSync() as Float32Array);
}

describe('BatchNorm1d, LayerNorm, Dropout: export and import', () => {
  CASES.forEach((c, ci) => {
    it(`TF.js: tf.loadLayersModel predicts nodegrad's predictions; Sequential.load gives the same parameters, buffers and configs bit for bit: ${c.name}`, async () => {
      const model = await trained(c, 3 + ci);
      const bn = model.layers.filter((l): l is BatchNorm1d => l instanceof BatchNorm1d);
      // The premise: trained statistics, not the initial ones.
      for (const b of bn) expect(b.runningStats!.batches).toBe(4 * 6);
      expect(bn.some((b) => b.runningStats!.variance.some((v) => Math.abs(v - 1) > 0.05))).toBe(true);
      const dir = join(work, `tfjs${ci}`);
      await model.save(dir, { format: 'tfjs' });
      const x = rawInput(17, 40 + ci);
      const ours = model.predict(x).data;
      expectNear(ours, model, x);
      const t = await tf.loadLayersModel(fileLoadHandler(tf, dir));
      const theirs = tfPredict(t, x);
      expectNear(theirs, model, x);
      largest.note('tfjs', maxAbsDiff(theirs, ours));
      // Keras's conventions: momentum 1 − m, epsilon as it is, center/scale for affine.
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const layers = json.modelTopology.config.layers as { class_name: string; config: Record<string, unknown> }[];
      const norm = layers.filter((l) => l.class_name === 'BatchNormalization' || l.class_name === 'LayerNormalization' || l.class_name === 'Dropout');
      expect(norm.map((l) => l.class_name)).toEqual(model.layers.filter((l) => ['BatchNorm1d', 'LayerNorm', 'Dropout'].includes(l.className)).map((l) => ({ BatchNorm1d: 'BatchNormalization', LayerNorm: 'LayerNormalization', Dropout: 'Dropout' })[l.className]));
      for (const b of bn) {
        const k = layers.find((l) => l.config.name === `batch_normalization_${model.layers.indexOf(b)}`)!;
        expect(k.config.momentum).toBe(1 - b.momentum);
        expect(k.config.epsilon).toBe(b.eps);
        expect(k.config.scale).toBe(b.affine);
        // tfjs holds the running statistics as its moving ones, unchanged.
        const tl = t.getLayer(k.config.name as string);
        const weights = tl.getWeights().map((w) => Array.from(w.dataSync()));
        expect(weights.slice(-2)).toEqual([Array.from(b.runningStats!.mean), Array.from(b.runningStats!.variance)]);
      }
      t.dispose();

      // The default backend, as `model`'s, so the predictions can be compared bit for bit.
      const back = await Sequential.load(dir);
      expect(back.layers.map((l) => l.toJSON())).toEqual(model.layers.map((l) => l.toJSON()));
      expect(Array.from(back.values)).toEqual(Array.from(model.values));
      expect(Array.from(back.bufferValues)).toEqual(Array.from(model.bufferValues));
      expect(Array.from(back.predict(x).data)).toEqual(Array.from(ours));
    });

    it(`ONNX: onnxruntime at batch 1, 7 and 64 predicts nodegrad's predictions (BatchNormalization in inference mode, LayerNormalization, Identity): ${c.name}`, async () => {
      const model = await trained(c, 3 + ci);
      const file = join(work, `norm${ci}.onnx`);
      await model.save(file, { format: 'onnx' });
      const session = await ort.InferenceSession.create(file);
      for (const rows of [1, 7, 64]) {
        const x = rawInput(rows, 60 + rows);
        const ours = model.predict(x).data;
        const out = await session.run({ input: new ort.Tensor('float32', x.data, [rows, FEATURES]) });
        const theirs = out.output!.data as Float32Array;
        expectNear(ours, model, x);
        expectNear(theirs, model, x);
        largest.note('onnxruntime', maxAbsDiff(theirs, ours));
      }
      await session.release();
      const g = onnx.ModelProto.decode(readFileSync(file)).graph as P.GraphProto;
      const ops = g.node.map((n) => n.opType);
      expect(ops.filter((o) => ['BatchNormalization', 'LayerNormalization', 'Identity'].includes(o ?? ''))).toEqual(
        model.layers.filter((l) => ['BatchNorm1d', 'LayerNorm', 'Dropout'].includes(l.className)).map((l) => ({ BatchNorm1d: 'BatchNormalization', LayerNorm: 'LayerNormalization', Dropout: 'Identity' })[l.className]),
      );
      // Nodes are numbered by nn.Sequential module (a Dense with a fused activation is two), as the initializers are.
      const bnNodes = g.node.filter((v) => v.opType === 'BatchNormalization') as P.NodeProto[];
      const bnLayers = model.layers.filter((l): l is BatchNorm1d => l instanceof BatchNorm1d);
      expect(bnNodes.length).toBe(bnLayers.length);
      bnLayers.forEach((l, i) => {
        const n = bnNodes[i]!;
        const k = /^\/(\d+)\//.exec(n.name)![1]!;
        const attr = (name: string) => n.attribute.find((a) => a.name === name)!;
        // ONNX's momentum, like Keras's, weighs the old value: 1 − m, stored as a float32.
        expect(attr('momentum').f).toBe(Math.fround(1 - l.momentum));
        expect(attr('epsilon').f).toBe(Math.fround(l.eps));
        expect(Number(attr('training_mode').i)).toBe(0);
        expect(n.input.slice(1)).toEqual([l.affine ? `${k}.weight` : `/${k}/ones`, l.affine ? `${k}.bias` : `/${k}/zeros`, `${k}.running_mean`, `${k}.running_var`]);
        const init = (name: string) => {
          const t = g.initializer.find((v) => v.name === name) as P.TensorProto;
          const raw = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
          return Array.from({ length: t.rawData.byteLength / 4 }, (_, i) => raw.getFloat32(4 * i, true));
        };
        expect(init(`${k}.running_var`)).toEqual(Array.from(l.runningStats!.variance));
        expect(init(`${k}.running_mean`)).toEqual(Array.from(l.runningStats!.mean));
      });
    });
  });

  it('training mode: tfjs in training mode normalises with the batch statistics as nodegrad does, and updates its moving statistics with momentum 1 − m; the running variance differs only by Bessel\'s n/(n − 1)', async () => {
    const m = 0.25;
    const model = await trained({ name: 'bn', make: () => new Sequential([new Dense(FEATURES, 6, { activation: 'tanh' }), new BatchNorm1d(6, { momentum: m }), new Dense(6, 2)]) }, 11);
    const dir = join(work, 'training-mode');
    await model.save(dir, { format: 'tfjs' });
    const t = await tf.loadLayersModel(fileLoadHandler(tf, dir));
    const bn = model.layers[1] as BatchNorm1d;
    const before = { mean: Float64Array.from(bn.runningStats!.mean), variance: Float64Array.from(bn.runningStats!.variance) };
    const n = 20;
    const x = rawInput(n, 77);
    // The batch statistics of the BatchNorm1d's input, in float64, from the oracle.
    const h = new Float64Array(n * 6);
    f64Forward(model, x.data, n, (i, v) => void (i === 1 && h.set(v)));
    const mean = new Float64Array(6);
    const biased = new Float64Array(6);
    for (let r = 0; r < n; r++) for (let j = 0; j < 6; j++) mean[j]! += h[r * 6 + j]! / n;
    for (let r = 0; r < n; r++) for (let j = 0; j < 6; j++) biased[j]! += (h[r * 6 + j]! - mean[j]!) ** 2 / n;

    const inference = model.predict(x).data.slice();
    const oursTraining = model.forward(x, true).data.slice();
    const theirsTraining = tf.tidy(() => (t.apply(tf.tensor2d(x.data, [n, FEATURES]), { training: true }) as tf.Tensor).dataSync());
    // Same output in training mode (batch statistics, biased variance), well away from inference mode's.
    // Tolerance: F32_FORWARD_TOL amplified by max|w|/σ_batch, checked ≤ 5 here.
    const sigma = Math.min(...Array.from(biased, (v) => Math.sqrt(v + bn.eps)));
    const a = Math.max(1, Math.max(...Array.from(model.parameters()[2]!.value.data, Math.abs)) / sigma);
    expect(a).toBeLessThanOrEqual(MAX_AMPLIFICATION);
    expect(maxAbsDiff(theirsTraining, oursTraining)).toBeLessThanOrEqual(F32_FORWARD_TOL * a);
    largest.note('tfjs, training mode', maxAbsDiff(theirsTraining, oursTraining));
    expect(maxAbsDiff(oursTraining, inference)).toBeGreaterThan(100 * F32_FORWARD_TOL * MAX_AMPLIFICATION);

    // The moving statistics after that one training-mode forward, against the formulas in float64:
    // both frameworks weigh the batch by m; PyTorch (and nodegrad) keep the unbiased variance, Keras the biased one.
    const [movingMean, movingVariance] = t.getLayer('batch_normalization_1').getWeights().slice(-2).map((w) => w.dataSync());
    for (let j = 0; j < 6; j++) {
      const wantMean = (1 - m) * before.mean[j]! + m * mean[j]!;
      // float32 rounding of values ≤ 10, a few operations each: 1e-5 absolute.
      expect(Math.abs(bn.runningStats!.mean[j]! - wantMean)).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(movingMean![j]! - wantMean)).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(bn.runningStats!.variance[j]! - ((1 - m) * before.variance[j]! + m * biased[j]! * (n / (n - 1))))).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(movingVariance![j]! - ((1 - m) * before.variance[j]! + m * biased[j]!))).toBeLessThanOrEqual(1e-5);
    }
    // And the difference is really there (m·var/(n − 1) ≫ 1e-5), so the check above tells the conventions apart.
    expect(Math.max(...Array.from(biased, (v) => (m * v) / (n - 1)))).toBeGreaterThan(1e-3);
    t.dispose();
  });

  it('BatchNorm1d without running statistics: ONNX spells out the batch statistics (onnxruntime agrees at batch 7 and 64); tfjs cannot, a ModelFileError names the layer and nothing is written', async () => {
    const model = new Sequential([new Dense(FEATURES, 6, { activation: 'relu' }), new BatchNorm1d(6, { trackRunningStats: false }), new Dense(6, 2)]);
    const w = model.parameters()[2]!.value.data;
    for (let j = 0; j < 6; j++) w[j] = 0.5 + j / 6;
    const session = await ort.InferenceSession.create(onnxBytes(model));
    for (const rows of [7, 64]) {
      const x = input(rows, 90 + rows);
      const out = await session.run({ input: new ort.Tensor('float32', x.data, [rows, FEATURES]) });
      expectNear(out.output!.data as Float32Array, model, x);
      expectNear(model.predict(x).data, model, x);
      largest.note('onnxruntime', maxAbsDiff(out.output!.data as Float32Array, model.predict(x).data));
    }
    await session.release();
    const dir = join(work, 'no-running-stats');
    await expect(model.save(dir, { format: 'tfjs' })).rejects.toThrow(ModelFileError);
    await expect(model.save(dir, { format: 'tfjs' })).rejects.toThrow(/^exportTfjs: layers\[1\] \(BatchNorm1d\) has trackRunningStats false .* TensorFlow\.js's BatchNormalization always uses moving statistics at inference/);
    expect(() => tfjsArtifacts(model)).toThrow(/layers\[1\] \(BatchNorm1d\)/);
    expect(() => statSync(dir)).toThrow();
  });
});

describe('BatchNormalization, LayerNormalization, Dropout made by tfjs-layers 4.22, imported', () => {
  /**
   * Seeded weights that a trained model could have: gamma and moving variance
   * in [0.5, 1.5), everything else in [-0.5, 0.5) (tfjs 4.22 cannot train a
   * BatchNormalization without center and scale, so no fit here).
   */
  function setWeights(t: tf.LayersModel, seed: number): void {
    let s = seed;
    const next = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const w of t.weights) {
      const positive = /gamma|moving_variance/.test(w.originalName);
      const v = w.read();
      w.write(tf.tensor(Array.from({ length: v.size }, () => (positive ? 0.5 : -0.5) + next()), v.shape));
    }
  }

  async function tfjsModel(seed: number, build: (m: tf.Sequential) => void): Promise<tf.Sequential> {
    const t = tf.sequential();
    build(t);
    setWeights(t, seed);
    return t;
  }

  it('predicts what tfjs predicts, with momentum 1 − k and tfjs\'s epsilon; re-exported, the weights are the same bits', async () => {
    const t = await tfjsModel(5, (m) => {
      m.add(tf.layers.batchNormalization({ inputShape: [FEATURES], momentum: 0.9, epsilon: 0.01 }));
      m.add(tf.layers.dense({ units: 8, activation: 'relu' }));
      m.add(tf.layers.dropout({ rate: 0.2 }));
      m.add(tf.layers.layerNormalization({}));
      m.add(tf.layers.dense({ units: 6 }));
      m.add(tf.layers.layerNormalization({ center: false, scale: false, epsilon: 1e-5 }));
      m.add(tf.layers.batchNormalization({ center: false, scale: false }));
      m.add(tf.layers.dense({ units: 3 }));
    });
    const dir = join(work, 'tfjs-made');
    await t.save(pathToFileURL(dir).href);
    const m = await Sequential.load(dir, { backend: 'reference' });
    expect(m.layers.map((l) => l.describe())).toEqual(['BatchNorm1d(5)', 'Dense(5→8, relu)', 'Dropout(0.2)', 'LayerNorm(8)', 'Dense(8→6)', 'LayerNorm(6, no affine)', 'BatchNorm1d(6)', 'Dense(6→3)']);
    const [b0, , , l3, , l5, b6] = m.layers as [BatchNorm1d, Dense, Dropout, LayerNorm, Dense, LayerNorm, BatchNorm1d];
    expect([b0.momentum, b0.eps, b0.affine]).toEqual([1 - 0.9, 0.01, true]);
    expect([b6.momentum, b6.eps, b6.affine]).toEqual([1 - 0.99, 0.001, false]);
    expect([l3.eps, l3.elementwiseAffine, l5.eps, l5.elementwiseAffine]).toEqual([0.001, true, 1e-5, false]);
    // tfjs's trained moving statistics arrived as the running ones.
    expect(Array.from(b0.runningStats!.variance)).toEqual(Array.from(t.layers[0]!.getWeights()[3]!.dataSync()));
    expect(b0.runningStats!.variance.some((v) => Math.abs(v - 1) > 0.05)).toBe(true);
    const x = input(13, 8);
    const theirs = tfPredict(t, x);
    expectNear(theirs, m, x);
    expectNear(m.predict(x).data, m, x);
    largest.note('tfjs-made model', maxAbsDiff(theirs, m.predict(x).data));

    const again = join(work, 'tfjs-made-again');
    await m.save(again, { format: 'tfjs' });
    const back = await Sequential.load(again, { backend: 'reference' });
    expect(Array.from(back.values)).toEqual(Array.from(m.values));
    expect(Array.from(back.bufferValues)).toEqual(Array.from(m.bufferValues));
    expect(back.layers.map((l) => l.toJSON())).toEqual(m.layers.map((l) => l.toJSON()));
    t.dispose();
  });

  it('the imported model fine-tunes with fit (loss falls), its running statistics move', async () => {
    // Untrained (tfjs's initial statistics): nodegrad's fit moves them.
    const u = tf.sequential();
    u.add(tf.layers.dense({ units: 12, inputShape: [4], activation: 'tanh' }));
    u.add(tf.layers.batchNormalization({}));
    u.add(tf.layers.layerNormalization({}));
    u.add(tf.layers.dense({ units: 3 }));
    const dir = join(work, 'finetune');
    await u.save(pathToFileURL(dir).href);
    const m = await Sequential.load(dir);
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
    const bn = m.layers[1] as BatchNorm1d;
    expect(bn.runningStats!.batches).toBe(30 * 8);
    expect(bn.runningStats!.mean.some((v) => Math.abs(v) > 0.01)).toBe(true);
    u.dispose();
  });

  it('what nodegrad cannot hold is refused naming the layer, before the weights are read', async () => {
    const { importTfjs } = await import('../../lib/index.js');
    const cases: [(m: tf.Sequential) => void, RegExp][] = [
      [(m) => m.add(tf.layers.batchNormalization({ inputShape: [4], center: true, scale: false })), /layers\[0\] \(BatchNormalization "batch_normalization_BatchNormalization\d+"\): center true with scale false is not supported \(nodegrad's BatchNorm1d learns both weight and bias, or neither\)/],
      [(m) => m.add(tf.layers.layerNormalization({ inputShape: [4], center: false })), /layers\[0\] \(LayerNormalization "layer_normalization_LayerNormalization\d+"\): center false with scale true is not supported \(nodegrad's LayerNorm/],
      [(m) => m.add(tf.layers.batchNormalization({ inputShape: [4], gammaRegularizer: 'l1l2' })), /layers\[0\] \(BatchNormalization "batch_normalization_BatchNormalization\d+"\): gamma_regularizer is not supported/],
      [(m) => m.add(tf.layers.dropout({ inputShape: [4], rate: 0.5, noiseShape: [1, 4] })), /layers\[0\] \(Dropout "dropout_Dropout\d+"\): noise_shape is not supported/],
    ];
    for (const [k, [build, message]] of cases.entries()) {
      const t = tf.sequential();
      build(t);
      const dir = join(work, `refuse${k}`);
      await t.save(pathToFileURL(dir).href);
      rmSync(join(dir, 'weights.bin')); // the refusal must come from the topology alone
      await expect(importTfjs(dir), `case ${k}`).rejects.toThrow(ModelFileError);
      await expect(importTfjs(dir), `case ${k}`).rejects.toThrow(message);
      t.dispose();
    }
    // A batch axis (tfjs cannot even build one for [batch, features] inputs): edited into a valid model.json.
    const t = tf.sequential();
    t.add(tf.layers.layerNormalization({ inputShape: [4], name: 'ln' }));
    const dir = join(work, 'refuse-axis');
    await t.save(pathToFileURL(dir).href);
    const j = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    j.modelTopology.config.layers[0].config.axis = 0;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    await expect(importTfjs(dir)).rejects.toThrow(/layers\[0\] \(LayerNormalization "ln"\): axis 0 is not the feature axis/);
    t.dispose();
  });

  it('nodegrad\'s metadata and the norm layers\' options are checked too: a bad counter, ε, momentum or flag is refused naming the layer', async () => {
    const model = await trained(CASES[0]!, 2);
    const dir = join(work, 'meta');
    await model.save(dir, { format: 'tfjs' });
    // The exported model.json as tfjs's ModelJSON types it, with the parts edited below.
    type Json = TfjsModelJSON & { modelTopology: { config: { layers: { config: Record<string, unknown> }[] } }; userDefinedMetadata: { nodegrad: { batchNorm: Record<string, { batchesTracked: number }> } } };
    const good = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Json;
    const edits: [(j: Json) => void, RegExp][] = [
      [(j) => (j.userDefinedMetadata.nodegrad.batchNorm.batch_normalization_0!.batchesTracked = -1), /layers\[0\] \(BatchNormalization "batch_normalization_0"\): userDefinedMetadata\.nodegrad\.batchNorm\["batch_normalization_0"\]\.batchesTracked must be an integer in \[0, 2\^24\], got -1/],
      [(j) => (j.modelTopology.config.layers[0]!.config.center = 'yes'), /layers\[0\] \(BatchNormalization "batch_normalization_0"\): center and scale must be booleans, got "yes" and true/],
      [(j) => (j.modelTopology.config.layers[3]!.config.epsilon = -1), /layers\[3\] \(LayerNormalization "layer_normalization_3"\): epsilon must be a finite number > 0, got -1/],
      [(j) => (j.modelTopology.config.layers[0]!.config.momentum = 2), /layers\[0\] \(BatchNormalization "batch_normalization_0"\): momentum must be a number in \[0, 1\], got 2/],
    ];
    for (const [k, [edit, message]] of edits.entries()) {
      const j = structuredClone(good);
      edit(j);
      writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
      await expect(Sequential.load(dir), `edit ${k}`).rejects.toThrow(ModelFileError);
      await expect(Sequential.load(dir), `edit ${k}`).rejects.toThrow(message);
    }
    // A momentum edited away from the recorded one: Keras's value wins (m = 1 − k), the metadata's m is not used.
    const j = structuredClone(good);
    j.modelTopology.config.layers[0]!.config.momentum = 0.5;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    expect(((await Sequential.load(dir)).layers[0] as BatchNorm1d).momentum).toBe(0.5);
  });

  it('300 random mutations of an exported norm model\'s model.json: each loads or fails with a ModelFileError, never another error', async () => {
    const model = await trained(CASES[1]!, 4);
    const dir = join(work, 'fuzz');
    await model.save(dir, { format: 'tfjs' });
    const good = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const leaves = (o: unknown, path: (string | number)[] = []): (string | number)[][] =>
      o !== null && typeof o === 'object' ? Object.entries(o).flatMap(([k, v]) => [[...path, Array.isArray(o) ? Number(k) : k], ...leaves(v, [...path, Array.isArray(o) ? Number(k) : k])]) : [];
    const paths = leaves(good);
    const values: unknown[] = [null, -1, 0, 1, 0.5, 2.5, 1e-60, 1e9, '', 'x', 'float32', [], [null], [-1], [0], {}, true, false];
    let seed = 4242;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
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
    expect(loaded).toBeGreaterThan(0);
    expect(loaded).toBeLessThan(300);
  });
});

describe('the refusals that remain name the layer, and nothing is written or built', () => {
  /** A layer of the user's own, with a parameter: no format knows it. */
  class Scale extends Layer {
    readonly className = 'Scale';
    expectedInFeatures(): undefined {
      return undefined;
    }
    protected outFeaturesFor(n: number): number {
      return n;
    }
    describe(): string {
      return 'Scale()';
    }
    config(): Record<string, unknown> {
      return {};
    }
    override paramSpecs(): ParamSpec[] {
      return [{ name: 'weight', shape: [1], init: (v) => v.fill(1) }];
    }
    forward(x: Tensor): Tensor {
      return x;
    }
    backward(dy: Tensor): Tensor {
      return dy;
    }
  }

  it('tfjs export, ONNX export, fromStateDict', async () => {
    const dir = join(work, 'refused');
    const cases: [Sequential, 'tfjs' | 'onnx', RegExp][] = [
      [new Sequential([new Dense(3, 4), new BatchNorm1d(4, { trackRunningStats: false })]), 'tfjs', /^exportTfjs: layers\[1\] \(BatchNorm1d\) has trackRunningStats false/],
      [new Sequential([new Dense(3, 4), new LayerNorm(4), new ELU(0.5)]), 'tfjs', /^exportTfjs: layers\[2\] \(ELU\) uses ELU with alpha 0\.5/],
      [new Sequential([new Dense(3, 4), new GELU({ approximate: 'tanh' })]), 'tfjs', /^exportTfjs: layers\[1\] \(GELU\) uses GELU with approximate 'tanh'/],
      [new Sequential([new Dense(3, 4), new Dropout(0.1), new Scale()]), 'tfjs', /^exportTfjs: layers\[2\] \(Scale\) has no mapping to this format \(supported: .*BatchNorm1d, LayerNorm/],
      [new Sequential([new Dense(3, 4), new BatchNorm1d(4), new Scale()]), 'onnx', /^exportOnnx: layers\[2\] \(Scale\) has no mapping to this format/],
    ];
    for (const [model, format, message] of cases) {
      await expect(model.save(dir, { format })).rejects.toThrow(ModelFileError);
      await expect(model.save(dir, { format })).rejects.toThrow(message);
      expect(() => statSync(dir)).toThrow();
    }
    const layers = [new Dense(3, 4), new BatchNorm1d(4), new Scale()];
    await expect(Sequential.fromStateDict(new Uint8Array(8), layers)).rejects.toThrow(/fromStateDict: layers\[2\] \(Scale\) has parameters with no PyTorch module mapping/);
    expect(layers.every((l) => !l.isBuilt)).toBe(true);
  });
});

