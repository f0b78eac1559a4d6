// The background plan on Dropout, BatchNorm1d, LayerNorm and kernelRegularizer
// models (issue 17) against the step-by-step fit on the main thread: the
// same bits for the weights, the optimizer state, the running statistics,
// num_batches_tracked, each Dropout layer's random stream, the history and
// every batch's logs; the validation (the plan's forward pass in evaluation
// mode) and predictAsync as the step path's evaluate and predict.
import { describe, expect, it } from 'vitest';
import { Adam, BatchNorm1d, Dense, Dropout, LayerNorm, ReLU, Sequential, SGD, Tensor, type FitOptions, type History, type Layer, type Optimizer } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';
import { bits } from '../train/helpers.js';

function data(n: number, features: number, outputs: number, seed: number): { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * features);
  for (let i = 0; i < x.length; i++) x[i] = 2 * rng.normal() + 0.5;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = i % outputs;
  return { x: new Tensor(x, [n, features]), y: new Tensor(y, [n]) };
}

interface Case {
  name: string;
  layers: () => Sequential;
  opt?: (m: Sequential) => Optimizer;
}

const seq = (layers: Layer[], inputFeatures?: number): Sequential => new Sequential(layers, { backend: 'native', seed: 7, ...(inputFeatures ? { inputFeatures } : {}) });
const L2 = { l2: 0.01 };
const L1 = { l1: 0.003 };
const BOTH = { l1: 0.002, l2: 0.02 };

export const cases: Case[] = [
  { name: 'Dense-BN-ReLU-Dropout-Dense', layers: () => seq([new Dense(6, 12), new BatchNorm1d(12), new ReLU(), new Dropout(0.3), new Dense(12, 4)]) },
  { name: 'LayerNorm, Dense with relu fused, Adam', layers: () => seq([new Dense(6, 10, { activation: 'relu' }), new LayerNorm(10), new Dense(10, 10, { activation: 'tanh' }), new LayerNorm(10, { elementwiseAffine: false }), new Dense(10, 4)]), opt: (m) => new Adam(m.parameters(), { lr: 0.01 }) },
  { name: 'BatchNorm1d without affine', layers: () => seq([new Dense(6, 8, { activation: 'elu' }), new BatchNorm1d(8, { affine: false, momentum: 0.3 }), new Dense(8, 4)]) },
  { name: 'BatchNorm1d with trackRunningStats false', layers: () => seq([new Dense(6, 8), new BatchNorm1d(8, { trackRunningStats: false, eps: 1e-3 }), new ReLU(), new Dense(8, 4)]) },
  { name: 'Dropout p = 0 (identity) between and after layers', layers: () => seq([new Dense(6, 8, { activation: 'relu' }), new Dropout(0), new Dense(8, 8), new Dropout(0), new ReLU(), new Dense(8, 4), new Dropout(0)]) },
  { name: 'Dropout twice, one stream each', layers: () => seq([new Dense(6, 16, { activation: 'relu' }), new Dropout(0.5), new Dense(16, 16, { activation: 'relu' }), new Dropout(0.1), new Dense(16, 4)]) },
  { name: 'kernelRegularizer l2', layers: () => seq([new Dense(6, 8, { activation: 'relu', kernelRegularizer: L2 }), new Dense(8, 4)]) },
  { name: 'kernelRegularizer l1, two layers, Adam', layers: () => seq([new Dense(6, 8, { activation: 'tanh', kernelRegularizer: L1 }), new Dense(8, 4, { kernelRegularizer: L1 })]), opt: (m) => new Adam(m.parameters(), { lr: 0.02 }) },
  { name: 'kernelRegularizer l1 + l2, clipNorm, with BN and Dropout', layers: () => seq([new Dense(6, 8, { kernelRegularizer: BOTH }), new BatchNorm1d(8), new ReLU(), new Dropout(0.2), new Dense(8, 4, { bias: false, kernelRegularizer: BOTH })]), opt: (m) => new SGD(m.parameters(), { lr: 0.1, clipNorm: 0.5 }) },
  { name: 'first layer BatchNorm1d', layers: () => seq([new BatchNorm1d(6), new Dense(6, 8, { activation: 'relu' }), new Dense(8, 4)], 6) },
  { name: 'first layer BatchNorm1d without affine', layers: () => seq([new BatchNorm1d(6, { affine: false }), new Dense(6, 4)], 6) },
  { name: 'first layer LayerNorm', layers: () => seq([new LayerNorm(6), new Dense(6, 8, { activation: 'relu' }), new Dense(8, 4)], 6) },
  { name: 'first layer Dropout', layers: () => seq([new Dropout(0.25), new Dense(6, 8, { activation: 'relu' }), new Dense(8, 4)], 6) },
];

interface Run {
  values: Uint32Array;
  buffers: Uint32Array;
  streams: Uint32Array[];
  state: unknown;
  history: History;
  batches: unknown[][];
  predicted: Uint32Array;
  evaluated: unknown;
}

const streamOf = (l: Layer): Uint32Array => Uint32Array.from((l as unknown as { rng: Rng }).rng.state);

async function train(c: Case, opts: FitOptions, rows = 90): Promise<Run> {
  const m = c.layers();
  const opt = c.opt?.(m) ?? new SGD(m.parameters(), { lr: 0.05 });
  m.compile({ optimizer: opt, loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
  const { x, y } = data(rows, m.inputFeatures, m.outputFeatures, 5);
  const batches: unknown[][] = [];
  const history = await m.fit(x, y, {
    epochs: 3,
    batchSize: 16,
    seed: 9,
    verbose: 0,
    validationSplit: 0.2,
    callbacks: [{ onBatchEnd: (b, logs) => void batches.push([b, ...Object.entries(logs).flat()]) }],
    ...opts,
  });
  const { x: xt } = data(37, m.inputFeatures, m.outputFeatures, 11);
  // predictAsync runs the plan's forward pass (evaluation mode) in batches of 8 rows.
  const predicted = opts.background === false ? m.predict(xt, undefined, { batchSize: 8 }) : await m.predictAsync(xt, { batchSize: 8 });
  return {
    values: bits(m.values),
    buffers: bits(m.bufferValues),
    streams: m.layers.map(streamOf),
    state: opt.stateDict(),
    history,
    batches,
    predicted: bits(predicted.data),
    evaluated: m.evaluate(xt, new Tensor(Float32Array.from({ length: 37 }, (_, i) => i % 4), [37])),
  };
}

describe('background plan: Dropout, BatchNorm1d, LayerNorm, kernelRegularizer bit for bit as the step path', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const ref = await train(c, { background: false });
      expect(ref.history.background).toBe(false);
      for (const chunkMs of [4, 0.001]) {
        const got = await train(c, { chunkMs });
        // Planned, not fallen back: else the comparison would be of the step path with itself.
        expect(got.history.background, got.history.fallback).toBe(true);
        expect(got.values).toEqual(ref.values);
        expect(got.buffers).toEqual(ref.buffers);
        expect(got.streams).toEqual(ref.streams);
        expect(got.state).toEqual(ref.state);
        expect(got.history.history).toEqual(ref.history.history);
        expect(got.batches).toEqual(ref.batches);
        expect(got.predicted).toEqual(ref.predicted);
        expect(got.evaluated).toEqual(ref.evaluated);
      }
      // The fit trained (weights moved), and what the case is about took part.
      expect(ref.values).not.toEqual(bits(c.layers().values));
      const regularized = c.layers().hasRegularizers;
      expect(ref.history.history.regularization !== undefined).toBe(regularized);
      expect(Object.keys(ref.history.history).includes('val_regularization')).toBe(regularized);
    });
  }

  it('running statistics and num_batches_tracked moved with the training', async () => {
    const c = cases[0]!;
    const got = await train(c, { chunkMs: 2 });
    const bn = new Float32Array(new Uint32Array(got.buffers).buffer);
    // 12 running means, 12 running variances, then num_batches_tracked: 3 epochs of ceil(72 / 16) = 5 batches.
    expect(bn[24]).toBe(15);
    expect(bn.subarray(0, 12).some((v) => v !== 0)).toBe(true);
    // The Dropout layer drew (its stream advanced from the model's seed).
    expect(got.streams[3]).not.toEqual(streamOf(c.layers().layers[3]!));
  });
});
