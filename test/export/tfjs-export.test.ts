// model.save(dir, { format: 'tfjs' }) loaded by TensorFlow.js itself
// (tf.loadLayersModel, tfjs 4.22, cpu backend) from files and over
// loopback HTTP (the browser's path), predictions held against nodegrad's
// and a float64 oracle; then read back by Sequential.load.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense, ELU, ModelFileError, Sequential, Standardize, tfjsArtifacts } from '../../lib/index.js';
import { F32_FORWARD_TOL, f64Predict, fillWeights, input, Largest, maxAbsDiff, TFJS_CASES } from './helpers.js';
import { fileLoadHandler } from './tfjs-node-io.js';

const work = mkdtempSync(join(tmpdir(), 'nodegrad-tfjs-export-'));
const largest = new Largest();
let server: Server;
let base = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  // A static file server over `work`, loopback only, closed in afterAll.
  server = createServer((req, res) => {
    const path = normalize(join(work, decodeURIComponent(new URL(req.url!, 'http://x').pathname)));
    if (!path.startsWith(work)) return void res.writeHead(403).end();
    try {
      const body = readFileSync(path);
      res.writeHead(200, { 'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(work, { recursive: true, force: true });
  largest.print('largest |difference| of predictions, TF.js export:');
});

function tfPredict(m: tf.LayersModel, x: { data: Float32Array; shape: readonly number[] }): Float32Array {
  return tf.tidy(() => (m.predict(tf.tensor2d(x.data, [x.shape[0]!, x.shape[1]!])) as tf.Tensor).dataSync() as Float32Array);
}

describe('TF.js Layers export', () => {
  TFJS_CASES.forEach((c, ci) => {
    it(`tf.loadLayersModel reads it from files and over HTTP: ${c.name}`, async () => {
      const model = fillWeights(c.make(), 10 + ci);
      const dir = join(work, `case${ci}`);
      await model.save(dir, { format: 'tfjs' });
      const x = input(13, 20 + ci);
      const ours = model.predict(x).data;
      const oracle = f64Predict(model, x);
      expect(maxAbsDiff(ours, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);

      const fromFile = await tf.loadLayersModel(fileLoadHandler(tf, dir));
      const overHttp = await tf.loadLayersModel(`${base}/case${ci}/model.json`);
      for (const [how, m] of [['file', fromFile], ['http', overHttp]] as const) {
        expect(m.layers.length).toBeGreaterThan(0);
        expect(m.inputs[0]!.shape).toEqual([null, model.inputFeatures]);
        const theirs = tfPredict(m, x);
        expect(theirs.length).toBe(ours.length);
        expect(maxAbsDiff(theirs, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
        largest.note(`tfjs (${how}) vs nodegrad`, maxAbsDiff(theirs, ours));
      }
      // Parameters arrive where tfjs expects them: same count, kernels [in, out] as nodegrad's.
      expect(fromFile.countParams()).toBe(model.values.length);
      const firstKernel = fromFile.layers[0]!.getWeights()[0]!;
      expect(firstKernel.shape).toEqual([model.inputFeatures, (model.layers[0] as Dense).outFeatures]);
      expect(Array.from(firstKernel.dataSync())).toEqual(Array.from(model.parameters()[0]!.value.data));
      fromFile.dispose();
      overHttp.dispose();

      // And back: Sequential.load reads the export, bitwise the same predictions.
      const back = await Sequential.load(dir);
      expect(Array.from(back.values)).toEqual(Array.from(model.values));
      expect(Array.from(back.predict(x).data)).toEqual(Array.from(new Float32Array(ours)));
    });
  });

  it('a Standardize first layer (CLI-trained models) becomes a fixed BatchNormalization; names and labels travel as metadata', async () => {
    const std = new Standardize({ mean: [10, -3, 0.5, 200, 0], std: [2, 0.5, 1, 40, 3], featureNames: ['a', 'b', 'c', 'd', 'e'], classLabels: ['no', 'yes'] });
    const model = fillWeights(new Sequential([std, new Dense(5, 6, { activation: 'tanh' }), new Dense(6, 2)]), 8);
    const dir = join(work, 'standardize');
    await model.save(dir, { format: 'tfjs' });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.modelTopology.config.layers[0].class_name).toBe('BatchNormalization');
    expect(json.userDefinedMetadata).toEqual({ nodegrad: { featureNames: ['a', 'b', 'c', 'd', 'e'], classLabels: ['no', 'yes'] } });
    // Raw rows around the columns' means.
    const x = input(12, 9);
    for (let i = 0; i < x.data.length; i++) x.data[i] = std.mean[i % 5]! + std.std[i % 5]! * x.data[i]!;
    const oracle = f64Predict(model, x);
    const t = await tf.loadLayersModel(`${base}/standardize/model.json`);
    const theirs = tfPredict(t, x);
    expect(maxAbsDiff(theirs, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    expect(maxAbsDiff(model.predict(x).data, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    largest.note('tfjs (http) vs nodegrad', maxAbsDiff(theirs, model.predict(x).data));
    t.dispose();
    const back = await Sequential.load(dir);
    const s2 = back.layers[0] as Standardize;
    expect(s2).toBeInstanceOf(Standardize);
    expect(Array.from(s2.mean)).toEqual(Array.from(std.mean));
    // std comes back as √(std²): within 1 ulp of float32 (std² is rounded once).
    for (let j = 0; j < 5; j++) expect(Math.abs(s2.std[j]! - std.std[j]!)).toBeLessThanOrEqual(std.std[j]! * 2 ** -23);
    expect(s2.featureNames).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(s2.classLabels).toEqual(['no', 'yes']);
  });

  it('writes LeakyReLU alpha always (tfjs defaults to 0.3), PReLU per feature or shared, ELU as tfjs names it', () => {
    const { modelJson } = tfjsArtifacts(fillWeights(TFJS_CASES[1]!.make(), 1));
    const layers = modelJson.modelTopology.config.layers;
    const leaky = layers.filter((l) => l.class_name === 'LeakyReLU');
    expect(leaky.map((l) => l.config.alpha)).toEqual([Math.fround(0.05), Math.fround(0.01)]);
    expect(layers.find((l) => l.class_name === 'PReLU')!.config.shared_axes).toEqual([1]);
    expect(layers.map((l) => l.class_name)).toEqual(['Dense', 'LeakyReLU', 'ELU', 'Dense', 'PReLU', 'LeakyReLU', 'Activation', 'Dense', 'Activation', 'Activation', 'Dense']);
    expect(layers[3]!.config.activation).toBe('elu');
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.generatedBy).toMatch(/^nodegrad /);
    expect(modelJson.weightsManifest[0]!.weights.map((w) => w.name)).toEqual([
      'dense_0/kernel', 'dense_0/bias', 'dense_2/kernel', 'dense_2/bias', 'p_re_lu_3/alpha', 'dense_6/kernel', 'dense_6/bias', 'dense_9/kernel', 'dense_9/bias',
    ]);
  });

  it('splits the weights into shards of at most shardBytes, which tfjs reassembles (a tensor may span two)', async () => {
    const model = fillWeights(new Sequential([new Dense(5, 40, { activation: 'relu' }), new Dense(40, 3)]), 3);
    const dir = join(work, 'sharded');
    const { exportTfjs } = await import('../../lib/index.js');
    await exportTfjs(model, dir, { shardBytes: 100 }); // 363 floats = 1452 bytes → 15 shards
    const shards = readdirSync(dir).filter((f) => f.endsWith('.bin')).sort();
    expect(shards.length).toBe(15);
    for (const s of shards) expect(statSync(join(dir, s)).size).toBeLessThanOrEqual(100);
    const m = await tf.loadLayersModel(`${base}/sharded/model.json`);
    const x = input(4, 5);
    expect(maxAbsDiff(tfPredict(m, x), f64Predict(model, x))).toBeLessThanOrEqual(F32_FORWARD_TOL);
    m.dispose();
  });

  it('softmax: true appends a Softmax layer: tfjs outputs probabilities of nodegrad\'s logits', async () => {
    const model = fillWeights(TFJS_CASES[0]!.make(), 4);
    const dir = join(work, 'softmax');
    await model.save(dir, { format: 'tfjs', softmax: true });
    const m = await tf.loadLayersModel(fileLoadHandler(tf, dir));
    const x = input(6, 6);
    const p = tfPredict(m, x);
    const z = f64Predict(model, x);
    const k = model.outputFeatures;
    for (let r = 0; r < 6; r++) {
      const row = z.subarray(r * k, (r + 1) * k);
      const mx = Math.max(...row);
      const e = row.map((v) => Math.exp(v - mx));
      const s = e.reduce((a, b) => a + b, 0);
      // Probabilities ≤ 1: float32 softmax error is a few ulps of 1 on top of the logits' error.
      for (let j = 0; j < k; j++) expect(Math.abs(p[r * k + j]! - e[j]! / s)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    }
    m.dispose();
  });

  it('ELU with alpha other than 1: a ModelFileError at export naming the layer (tfjs 4.22 supports only 1); nothing written', async () => {
    const model = new Sequential([new Dense(3, 4), new ELU(0.5)]);
    const dir = join(work, 'elu');
    await expect(model.save(dir, { format: 'tfjs' })).rejects.toThrow(ModelFileError);
    await expect(model.save(dir, { format: 'tfjs' })).rejects.toThrow(/layers\[1\] \(ELU\) uses ELU with alpha 0\.5; TensorFlow\.js Layers \(4\.22\) supports only alpha 1/);
    const fused = new Sequential([new Dense(3, 4, { activation: 'elu', alpha: 2 })]);
    await expect(fused.save(dir, { format: 'tfjs' })).rejects.toThrow(/layers\[0\] \(Dense\) uses ELU with alpha 2/);
    expect(() => statSync(dir)).toThrow();
  });

  it('an unknown format is a TypeError naming the option', async () => {
    const model = new Sequential([new Dense(3, 4)]);
    await expect(model.save(join(work, 'x'), { format: 'keras' as 'tfjs' })).rejects.toThrow("save: options.format must be one of 'nodegrad', 'tfjs', 'onnx', got \"keras\"");
  });
});
