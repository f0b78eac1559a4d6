// Embedding and Concat (categorical inputs) through the export formats: an
// Embedding as TF.js Embedding + Flatten (tf.loadLayersModel) and ONNX
// Cast/Gather/Reshape (onnxruntime), imported back bit for bit; a Concat of
// looked-up and passed-through columns as ONNX Gather/Concat, and refused by
// the TF.js export (a Sequential cannot select columns) naming the layer.
// Until the build has the layers, the file says SKIPPED.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import onnxProto, { type onnx as P } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../../lib/index.js';
import { Dense, type Layer, ModelFileError, onnxBytes, Sequential, Tensor } from '../../lib/index.js';
import { F32_FORWARD_TOL, f64Predict, fillWeights, Largest, maxAbsDiff } from './helpers.js';
import { fileLoadHandler, registerFileSaveRouter } from './tfjs-node-io.js';

// The layers' constructors as these tests use them (lib/layers/embedding.ts, concat.ts).
type EmbeddingCtor = new (numEmbeddings: number, dim: number) => Layer;
type ConcatCtor = new (branches: { columns: number[]; layer?: Layer | null }[]) => Layer;
const { Embedding, Concat } = lib as unknown as { Embedding?: EmbeddingCtor; Concat?: ConcatCtor };
const has = Embedding !== undefined && Concat !== undefined;
if (!has) console.warn('SKIPPED: the Embedding/Concat export tests (this build has no Embedding or Concat layer)');

const { onnx } = onnxProto;
const work = mkdtempSync(join(tmpdir(), 'nodegrad-embedding-export-'));
const largest = new Largest();
beforeAll(async () => {
  await tf.setBackend('cpu');
  registerFileSaveRouter(tf);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  largest.print('largest |difference| of predictions, Embedding/Concat (runtime vs nodegrad):');
});

/** Rows of `cols` columns: column j holds integer indices below tables[j] (0 for a numeric column, which gets randn). */
function rows(n: number, tables: number[], seed: number): Tensor {
  const x = Tensor.randn([n, tables.length], { seed });
  for (let r = 0; r < n; r++) {
    tables.forEach((t, j) => {
      if (t > 0) x.data[r * tables.length + j] = (r * 7 + j * 3 + seed) % t;
    });
  }
  return x;
}

async function ortRun(bytes: Uint8Array | string, x: Tensor): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes as Uint8Array);
  const out = await s.run({ input: new ort.Tensor('float32', x.data, [x.shape[0]!, x.shape[1]!]) });
  await s.release();
  return out.output!.data as Float32Array;
}

describe.skipIf(!has)('Embedding and Concat export', () => {
  // A table lookup is exact, so F32_FORWARD_TOL (the Dense layers' float32 bound) covers these models.
  // Layers after a lookup need it inside a Concat (a Sequential knows an Embedding's output width only there).
  const embeddingModel = (): Sequential =>
    fillWeights(new Sequential([new Concat!([{ columns: [0, 1], layer: new Embedding!(7, 3) }]), new Dense(6, 5, { activation: 'tanh' }), new Dense(5, 2)]), 21);

  it('an Embedding over every column (in a Concat of one branch, or alone): TF.js Embedding + Flatten that tfjs loads; Sequential.load gives it back bit for bit', async () => {
    const alone = fillWeights(new Sequential([new Embedding!(7, 3)], { inputFeatures: 2 }), 20);
    const aloneDir = join(work, 'tfjs-alone');
    await alone.save(aloneDir, { format: 'tfjs' });
    const ta = await tf.loadLayersModel(fileLoadHandler(tf, aloneDir));
    const xa = rows(5, [7, 7], 2);
    expect(Array.from(tf.tidy(() => (ta.predict(tf.tensor2d(xa.data, [5, 2])) as tf.Tensor).dataSync()))).toEqual(Array.from(alone.predict(xa).data));
    ta.dispose();
    const aloneBack = await Sequential.load(aloneDir);
    expect(aloneBack.layers.map((l) => l.toJSON())).toEqual(alone.layers.map((l) => l.toJSON()));
    expect(Array.from(aloneBack.values)).toEqual(Array.from(alone.values));

    const model = embeddingModel();
    const dir = join(work, 'tfjs');
    await model.save(dir, { format: 'tfjs' });
    const t = await tf.loadLayersModel(fileLoadHandler(tf, dir));
    expect(t.layers.map((l) => l.getClassName())).toEqual(['Embedding', 'Flatten', 'Dense', 'Dense']);
    // The table arrives as tfjs's embeddings [numEmbeddings, dim], PyTorch's and nodegrad's layout.
    expect(Array.from(t.layers[0]!.getWeights()[0]!.dataSync())).toEqual(Array.from(model.parameters()[0]!.value.data));
    const x = rows(11, [7, 7], 1);
    const oracle = f64Predict(model, x);
    const ours = model.predict(x).data;
    const theirs = tf.tidy(() => (t.predict(tf.tensor2d(x.data, [11, 2])) as tf.Tensor).dataSync());
    expect(maxAbsDiff(ours, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    expect(maxAbsDiff(theirs, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    largest.note('tfjs', maxAbsDiff(theirs, ours));
    t.dispose();
    const back = await Sequential.load(dir);
    expect(back.layers.map((l) => l.toJSON())).toEqual(model.layers.map((l) => l.toJSON()));
    expect(Array.from(back.values)).toEqual(Array.from(model.values));
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(ours));
  });

  it('an Embedding in ONNX: Cast, Gather over the table "0.weight", Reshape; onnxruntime at batch 1, 7, 64, alone and in a Concat', async () => {
    const alone = fillWeights(new Sequential([new Embedding!(7, 3)], { inputFeatures: 2 }), 20);
    const bytes = onnxBytes(alone);
    const g = onnx.ModelProto.decode(bytes).graph as P.GraphProto;
    expect(g.node.map((n) => n.opType)).toEqual(['Cast', 'Gather', 'Reshape']);
    expect(g.node[1]!.input![0]).toBe('0.weight');
    expect(g.initializer.find((i) => i.name === '0.weight')!.dims!.map(Number)).toEqual([7, 3]);
    const model = embeddingModel();
    const chained = onnxBytes(model);
    for (const n of [1, 7, 64]) {
      const x = rows(n, [7, 7], n);
      // A lookup is a copy: exactly nodegrad's values.
      expect(Array.from(await ortRun(bytes, x))).toEqual(Array.from(alone.predict(x).data));
      const theirs = await ortRun(chained, x);
      expect(maxAbsDiff(theirs, f64Predict(model, x))).toBeLessThanOrEqual(F32_FORWARD_TOL);
      largest.note('onnxruntime', maxAbsDiff(theirs, model.predict(x).data));
    }
  });

  it('a Concat of two looked-up columns and three numeric ones: ONNX runs it (tables "0.0.weight", "0.2.weight"); TF.js refuses it naming the layer, nothing written', async () => {
    const model = fillWeights(
      new Sequential([new Concat!([{ columns: [0], layer: new Embedding!(5, 3) }, { columns: [1, 2, 3] }, { columns: [4], layer: new Embedding!(4, 2) }]), new Dense(8, 6, { activation: 'relu' }), new Dense(6, 3)]),
      22,
    );
    const bytes = onnxBytes(model);
    const g = onnx.ModelProto.decode(bytes).graph as P.GraphProto;
    expect(g.initializer.map((i) => i.name).filter((n) => /weight$/.test(n!))).toEqual(['0.0.weight', '0.2.weight', '1.weight', '3.weight']);
    expect(g.node.find((n) => n.opType === 'Concat')!.input!.length).toBe(3);
    for (const n of [1, 7, 64]) {
      const x = rows(n, [5, 0, 0, 0, 4], 10 + n);
      const theirs = await ortRun(bytes, x);
      expect(maxAbsDiff(theirs, f64Predict(model, x))).toBeLessThanOrEqual(F32_FORWARD_TOL);
      expect(maxAbsDiff(model.predict(x).data, f64Predict(model, x))).toBeLessThanOrEqual(F32_FORWARD_TOL);
      largest.note('onnxruntime', maxAbsDiff(theirs, model.predict(x).data));
    }
    const dir = join(work, 'concat');
    await expect(model.save(dir, { format: 'tfjs' })).rejects.toThrow(ModelFileError);
    await expect(model.save(dir, { format: 'tfjs' })).rejects.toThrow(/^exportTfjs: layers\[0\] \(Concat\) splits its input into branches; a TensorFlow\.js Layers Sequential has no layer that selects input columns/);
    expect(() => statSync(dir)).toThrow();
  });

  it('a tfjs-made Embedding + Flatten imports and predicts what tfjs predicts; without the Flatten it is refused naming the layer', async () => {
    const t = tf.sequential();
    t.add(tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 3, inputShape: [3] }));
    t.add(tf.layers.flatten());
    t.add(tf.layers.dense({ units: 2 }));
    const dir = join(work, 'tfjs-made');
    await t.save(pathToFileURL(dir).href);
    const m = await Sequential.load(dir, { backend: 'reference' });
    expect(m.layers.map((l) => l.describe())).toEqual(['Concat(Embedding(10, 4)[0,1,2])', 'Dense(12→2)']);
    const x = rows(9, [10, 10, 10], 3);
    const theirs = tf.tidy(() => (t.predict(tf.tensor2d(x.data, [9, 3])) as tf.Tensor).dataSync());
    expect(maxAbsDiff(theirs, f64Predict(m, x))).toBeLessThanOrEqual(F32_FORWARD_TOL);
    largest.note('tfjs-made model', maxAbsDiff(theirs, m.predict(x).data));
    t.dispose();

    const u = tf.sequential();
    u.add(tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 3, inputShape: [3], name: 'emb' }));
    const dir2 = join(work, 'no-flatten');
    await u.save(pathToFileURL(dir2).href);
    const j = readFileSync(join(dir2, 'model.json'), 'utf8');
    expect(j).toContain('"Embedding"');
    await expect(Sequential.load(dir2)).rejects.toThrow(ModelFileError);
    await expect(Sequential.load(dir2)).rejects.toThrow(/layers\[0\] \(Embedding "emb"\): an Embedding must be followed by a Flatten/);
    u.dispose();
  });

  it('fromStateDict reads the tables under PyTorch\'s names ("0.0.weight" of a Concat, "0.weight" of an Embedding), bit for bit', async () => {
    const make = () => [new Concat!([{ columns: [0], layer: new Embedding!(5, 3) }, { columns: [1, 2] }]), new Dense(5, 4, { activation: 'tanh' }), new Dense(4, 2)];
    const model = fillWeights(new Sequential(make()), 23);
    const dir = join(work, 'state-dict');
    await model.save(dir);
    const file = join(dir, (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weights: string }).weights);
    const back = await Sequential.fromStateDict(file, make());
    expect(Array.from(back.values)).toEqual(Array.from(model.values));
    const x = rows(6, [5, 0, 0], 4);
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    const alone = fillWeights(new Sequential([new Embedding!(6, 2)], { inputFeatures: 3 }), 24);
    const dir2 = join(work, 'state-dict-alone');
    await alone.save(dir2);
    const file2 = join(dir2, (JSON.parse(readFileSync(join(dir2, 'model.json'), 'utf8')) as { weights: string }).weights);
    expect(Array.from((await Sequential.fromStateDict(file2, [new Embedding!(6, 2)], { inputFeatures: 3 })).values)).toEqual(Array.from(alone.values));
    // A table of another size is named with the shape it needs.
    await expect(Sequential.fromStateDict(file2, [new Embedding!(7, 2)], { inputFeatures: 3 })).rejects.toThrow(/tensor 0\.weight \(layers\[0\] \(Embedding\), nn\.Embedding weight\) must have shape \[7, 2\], got \[6,2\]/);
  });
});
