// model.save(file, { format: 'onnx' }) run by ONNX Runtime (onnxruntime-node
// 1.30, CPU) at several batch sizes from one file (the batch dimension is
// symbolic), held against nodegrad's predictions and a float64 oracle; the
// graph decoded again with onnx-proto to check what it declares.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto, { type onnx as P } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense, Layer, ModelFileError, ONNX_OPSET, onnxBytes, Sequential, Standardize, type LayerJSON } from '../../lib/index.js';
import { F32_FORWARD_TOL, f64Predict, fillWeights, input, Largest, maxAbsDiff, ONNX_CASES } from './helpers.js';

const { onnx } = onnxProto;
const work = mkdtempSync(join(tmpdir(), 'nodegrad-onnx-'));
const largest = new Largest();
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  largest.print('largest |difference| of predictions, ONNX export (onnxruntime vs nodegrad):');
});

async function run(session: ort.InferenceSession, x: { data: Float32Array; shape: readonly number[] }): Promise<Float32Array> {
  const out = await session.run({ input: new ort.Tensor('float32', x.data, [x.shape[0]!, x.shape[1]!]) });
  return out.output!.data as Float32Array;
}

describe('ONNX export', () => {
  ONNX_CASES.forEach((c, ci) => {
    it(`onnxruntime runs it at batch 1, 7 and 64 from one file: ${c.name}`, async () => {
      const model = fillWeights(c.make(), 40 + ci);
      const file = join(work, `case${ci}.onnx`);
      await model.save(file, { format: 'onnx' });
      const session = await ort.InferenceSession.create(file);
      expect(session.inputNames).toEqual(['input']);
      expect(session.outputNames).toEqual(['output']);
      for (const rows of [1, 7, 64]) {
        const x = input(rows, 50 + rows);
        const ours = model.predict(x).data;
        const theirs = await run(session, x);
        expect(theirs.length).toBe(rows * model.outputFeatures);
        const oracle = f64Predict(model, x);
        expect(maxAbsDiff(ours, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
        expect(maxAbsDiff(theirs, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
        largest.note('onnxruntime', maxAbsDiff(theirs, ours));
      }
      await session.release();
    });
  });

  it('declares opset 17, IR 8, a symbolic batch, Gemm with transB = 1 over PyTorch-named [out, in] weights', () => {
    const model = fillWeights(ONNX_CASES[0]!.make(), 1);
    const m = onnx.ModelProto.decode(onnxBytes(model));
    expect(ONNX_OPSET).toBe(17);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(Number(m.irVersion)).toBe(8);
    // decode() fills every repeated field; the interface types leave them optional.
    const g = m.graph as P.GraphProto;
    expect(g.node.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'PRelu', 'Gemm', 'Sigmoid', 'LeakyRelu', 'Gemm', 'Tanh', 'Gemm']);
    const dims = g.input[0]!.type!.tensorType!.shape!.dim!;
    expect(dims[0]!.dimParam).toBe('batch');
    expect(Number(dims[1]!.dimValue)).toBe(5);
    const gemm = g.node[0] as P.NodeProto;
    expect(Number(gemm.attribute.find((a) => a.name === 'transB')!.i)).toBe(1);
    expect(gemm.input).toEqual(['input', '0.weight', '0.bias']);
    const w = g.initializer.find((t) => t.name === '0.weight') as P.TensorProto;
    expect(w.dims.map(Number)).toEqual([8, 5]);
    // raw_data holds W transposed: element [o, i] is nodegrad's weight[i, o].
    const raw = new DataView(w.rawData.buffer, w.rawData.byteOffset, w.rawData.byteLength);
    const ours = model.parameters()[0]!.value.data;
    for (let o = 0; o < 8; o++) for (let i = 0; i < 5; i++) expect(raw.getFloat32(4 * (o * 5 + i), true)).toBe(ours[i * 8 + o]);
    expect((g.node[5] as P.NodeProto).attribute[0]!.f).toBe(Math.fround(0.2));
    // No bias input for a Dense without one.
    expect(g.node[8]!.input).toEqual(['/7/Tanh_output_0', '8.weight']);
    expect(g.initializer.map((t) => t.name)).toEqual(['0.weight', '0.bias', '2.weight', '3.weight', '3.bias', '6.weight', '6.bias', '8.weight']);
  });

  it('a Standardize first layer is Sub and Div; its feature names and class labels are metadata_props', async () => {
    const std = new Standardize({ mean: [10, -3, 0.5, 200, 0], std: [2, 0.5, 1, 40, 3], featureNames: ['a', 'b', 'c', 'd', 'e'], classLabels: ['no', 'yes'] });
    const model = fillWeights(new Sequential([std, new Dense(5, 6, { activation: 'relu' }), new Dense(6, 2)]), 9);
    const bytes = onnxBytes(model);
    const m = onnx.ModelProto.decode(bytes);
    expect((m.graph as P.GraphProto).node.slice(0, 2).map((n) => n.opType)).toEqual(['Sub', 'Div']);
    expect(m.metadataProps.map((p) => [p.key, p.value])).toEqual([
      ['nodegrad.featureNames', '["a","b","c","d","e"]'],
      ['nodegrad.classLabels', '["no","yes"]'],
    ]);
    const s = await ort.InferenceSession.create(bytes);
    const x = input(12, 9);
    for (let i = 0; i < x.data.length; i++) x.data[i] = std.mean[i % 5]! + std.std[i % 5]! * x.data[i]!;
    const theirs = await run(s, x);
    const oracle = f64Predict(model, x);
    expect(maxAbsDiff(theirs, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    largest.note('onnxruntime', maxAbsDiff(theirs, model.predict(x).data));
    await s.release();
  });

  it('softmax: true appends Softmax(axis = -1): onnxruntime outputs probabilities', async () => {
    const model = fillWeights(ONNX_CASES[1]!.make(), 2);
    const file = join(work, 'softmax.onnx');
    await model.save(file, { format: 'onnx', softmax: true });
    expect(onnx.ModelProto.decode(readFileSync(file)).graph!.node!.at(-1)!.opType).toBe('Softmax');
    const session = await ort.InferenceSession.create(file);
    const x = input(9, 3);
    const p = await run(session, x);
    const z = f64Predict(model, x);
    const k = model.outputFeatures;
    for (let r = 0; r < 9; r++) {
      const row = z.subarray(r * k, (r + 1) * k);
      const mx = Math.max(...row);
      const s = row.reduce((a, v) => a + Math.exp(v - mx), 0);
      // Probabilities ≤ 1: float32 softmax adds a few ulps of 1 to the logits' error.
      for (let j = 0; j < k; j++) expect(Math.abs(p[r * k + j]! - Math.exp(row[j]! - mx) / s)).toBeLessThanOrEqual(F32_FORWARD_TOL);
    }
    await session.release();
  });

  it('a layer without an ONNX mapping is a ModelFileError naming it; no file is written', async () => {
    class Square extends Layer {
      readonly className = 'Square';
      expectedInFeatures(): undefined {
        return undefined;
      }
      protected outFeaturesFor(n: number): number {
        return n;
      }
      describe(): string {
        return 'Square()';
      }
      config(): Record<string, unknown> {
        return {};
      }
      forward(x: never): never {
        return x;
      }
      backward(dy: never): never {
        return dy;
      }
      override toJSON(): LayerJSON {
        return { className: 'Square', config: {} };
      }
    }
    const model = new Sequential([new Dense(3, 4), new Square()]);
    const file = join(work, 'square.onnx');
    await expect(model.save(file, { format: 'onnx' })).rejects.toThrow(ModelFileError);
    await expect(model.save(file, { format: 'onnx' })).rejects.toThrow('exportOnnx: layers[1] (Square) has no mapping to this format');
    expect(() => statSync(file)).toThrow();
  });
});
