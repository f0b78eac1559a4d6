// The background fit (native plan, chunks on a worker thread) against the
// step-by-step fit on the main thread: the same bits for every layer kind,
// loss, optimizer convention, clipping, weight decay, parameter groups and
// schedule, whatever chunkMs and the thread count.
import { afterAll, describe, expect, it } from 'vitest';
import {
  AdaGrad,
  Adam,
  AdamW,
  Dense,
  ELU,
  LeakyReLU,
  Momentum,
  PReLU,
  ReLU,
  RMSProp,
  Sequential,
  SGD,
  Sigmoid,
  Tanh,
  Tensor,
  type FitOptions,
  type History,
  type Optimizer,
} from '../../lib/index.js';
import { loadNative } from '../../lib/backend/native.js';
import { Rng } from '../../lib/random.js';
import { bits } from '../train/helpers.js';

type Make = (m: Sequential) => Optimizer;

function data(n: number, features: number, outputs: number, kind: 'labels' | 'onehot' | 'values' | 'binary', seed: number): { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * features);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  if (kind === 'labels') {
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) y[i] = i % outputs;
    return { x: new Tensor(x, [n, features]), y: new Tensor(y, [n]) };
  }
  const y = new Float32Array(n * outputs);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < outputs; j++) {
      y[i * outputs + j] = kind === 'onehot' ? (i % outputs === j ? 1 : 0) : kind === 'binary' ? (rng.normal() > 0 ? 1 : 0) : rng.normal();
    }
  }
  return { x: new Tensor(x, [n, features]), y: new Tensor(y, [n, outputs]) };
}

interface Case {
  name: string;
  layers: () => Sequential;
  loss: 'mse' | 'softmaxCrossEntropy' | 'binaryCrossEntropy';
  y: 'labels' | 'onehot' | 'values' | 'binary';
  opt: Make;
  metrics?: ('accuracy' | 'mae' | 'binaryAccuracy' | 'categoricalAccuracy')[];
}

const seq = (layers: ConstructorParameters<typeof Sequential>[0], inputFeatures?: number): Sequential =>
  new Sequential(layers, { backend: 'native', seed: 3, ...(inputFeatures ? { inputFeatures } : {}) });

const cases: Case[] = [
  { name: 'tiny tanh MLP, MSE, SGD', layers: () => seq([new Dense(2, 16, { activation: 'tanh' }), new Dense(16, 16, { activation: 'tanh' }), new Dense(16, 1)]), loss: 'mse', y: 'values', opt: (m) => new SGD(m.parameters(), { lr: 0.05 }), metrics: ['mae'] },
  { name: 'relu MLP, softmax CE labels, Adam', layers: () => seq([new Dense(12, 32, { activation: 'relu' }), new Dense(32, 20, { activation: 'relu' }), new Dense(20, 5)]), loss: 'softmaxCrossEntropy', y: 'labels', opt: (m) => new Adam(m.parameters(), { lr: 0.01 }), metrics: ['accuracy'] },
  { name: 'activation layers, one-hot CE, Momentum (pytorch, nesterov), clipNorm', layers: () => seq([new Dense(6, 9), new ReLU(), new Dense(9, 9), new LeakyReLU(0.2), new Dense(9, 9), new ELU(0.7), new Dense(9, 9), new Sigmoid(), new Dense(9, 9), new Tanh(), new Dense(9, 4)]), loss: 'softmaxCrossEntropy', y: 'onehot', opt: (m) => new Momentum(m.parameters(), { lr: 0.05, convention: 'pytorch', variant: 'nesterov', clipNorm: 0.5 }), metrics: ['categoricalAccuracy', 'mae'] },
  { name: 'fused elu/leakyRelu(α<0) Dense, PReLU both kinds, BCE, RMSProp keras', layers: () => seq([new Dense(5, 8, { activation: 'elu', alpha: 0.5 }), new PReLU(), new Dense(8, 8, { activation: 'leakyRelu', alpha: -0.1 }), new PReLU({ perFeature: false }), new Dense(8, 3, { activation: 'sigmoid', bias: false }), new Dense(3, 2)]), loss: 'binaryCrossEntropy', y: 'binary', opt: (m) => new RMSProp(m.parameters(), { convention: 'keras', lr: 0.01 }), metrics: ['binaryAccuracy'] },
  { name: 'PReLU first, AdaGrad with weight decay', layers: () => seq([new PReLU(), new Dense(4, 6, { activation: 'leakyRelu' }), new Dense(6, 3)], 4), loss: 'mse', y: 'values', opt: (m) => new AdaGrad(m.parameters(), { lr: 0.05, weightDecay: 0.01 }), metrics: ['mae'] },
  {
    name: 'parameter groups, AdamW keras epsHat, schedule, clipping',
    layers: () => seq([new Dense(7, 10, { activation: 'relu' }), new Dense(10, 3)]),
    loss: 'softmaxCrossEntropy',
    y: 'labels',
    opt: (m) => {
      const ps = m.parameters();
      return new AdamW([{ params: ps.slice(0, 2), lr: 0.02 }, { params: ps.slice(2), decoupledWeightDecay: 0.1 }], { convention: 'keras', clipNorm: 0.3, schedule: (t) => 1 / (1 + 0.1 * t) });
    },
    metrics: ['accuracy'],
  },
  // GELU (both forms) and SiLU fused in Dense's epilogue, which also stores z for their backward.
  {
    name: 'fused gelu/gelu tanh/silu Dense, MSE, Adam',
    layers: () => seq([new Dense(5, 12, { activation: 'gelu' }), new Dense(12, 9, { activation: 'gelu', approximate: 'tanh' }), new Dense(9, 7, { activation: 'silu' }), new Dense(7, 2)]),
    loss: 'mse',
    y: 'values',
    opt: (m) => new Adam(m.parameters(), { lr: 0.01 }),
    metrics: ['mae'],
  },
  { name: 'Momentum keras-nesterov, coupled weight decay', layers: () => seq([new Dense(3, 5, { activation: 'sigmoid' }), new Dense(5, 2)]), loss: 'mse', y: 'values', opt: (m) => new Momentum(m.parameters(), { convention: 'keras', variant: 'keras-nesterov', weightDecay: 0.05 }) },
];

async function train(c: Case, opts: FitOptions, threads?: number, rows = 70): Promise<{ values: Uint32Array; state: unknown; history: History; batches: number[][]; norm: number }> {
  const m = c.layers();
  const opt = c.opt(m);
  m.compile({ optimizer: opt, loss: c.loss, metrics: c.metrics ?? [] });
  const { x, y } = data(rows, m.inputFeatures, m.outputFeatures, c.y, 5);
  const addon = loadNative();
  const before = addon.getThreads?.();
  if (threads !== undefined) addon.setThreads?.(threads);
  const batches: number[][] = [];
  try {
    const history = await m.fit(x, y, {
      epochs: 3,
      batchSize: 16,
      seed: 9,
      verbose: 0,
      validationSplit: 0.2,
      callbacks: [{ onBatchBegin: (b) => void batches.push([-1, b]), onBatchEnd: (b, logs) => void batches.push([b, ...Object.values(logs)]) }],
      ...opts,
    });
    return { values: bits(m.values), state: opt.stateDict(), history, batches, norm: opt.lastGradNorm };
  } finally {
    if (before !== undefined) addon.setThreads?.(before);
  }
}

describe('background fit: bitwise the same as the main-thread fit', () => {
  afterAll(() => undefined);
  for (const c of cases) {
    it(c.name, async () => {
      const ref = await train(c, { background: false });
      expect(ref.history.background).toBe(false);
      for (const [chunkMs, threads] of [
        [4, undefined],
        [0.001, 1],
        [50, 2],
      ] as const) {
        const got = await train(c, { chunkMs }, threads);
        expect(got.history.background, got.history.fallback).toBe(true);
        expect(got.values).toEqual(ref.values);
        expect(got.state).toEqual(ref.state);
        expect(got.history.history).toEqual(ref.history.history);
        expect(got.batches).toEqual(ref.batches);
        expect(Object.is(got.norm, ref.norm)).toBe(true);
      }
      // The training changed the weights (the comparison is not of untouched models).
      expect(ref.values).not.toEqual(bits(c.layers().values));
    });
  }
});

describe('background fit: many short chunks', () => {
  // 600 rows in batches of 16 with chunks of a few steps: the scalars of each
  // next chunk are computed while the current one runs (plan-fit.ts), and a
  // chunk usually ends at its time budget, not at its step count.
  const c = cases.find((k) => k.name.startsWith('parameter groups'))!;
  it(`${c.name}, 600 rows`, async () => {
    const ref = await train(c, { background: false }, undefined, 600);
    for (const chunkMs of [0.02, 0.2]) {
      const got = await train(c, { chunkMs }, undefined, 600);
      expect(got.history.background).toBe(true);
      expect(got.values).toEqual(ref.values);
      expect(got.state).toEqual(ref.state);
      expect(got.batches).toEqual(ref.batches);
    }
  });
});
