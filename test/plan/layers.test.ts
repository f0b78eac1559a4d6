// The background plan on Dropout, BatchNorm1d, LayerNorm and kernelRegularizer
// models (issue 17) against the step-by-step fit on the main thread: the
// same bits for the weights, the optimizer state, the running statistics,
// num_batches_tracked, each Dropout layer's random stream, the history and
// every batch's logs; the validation (the plan's forward pass in evaluation
// mode) and predictAsync as the step path's evaluate and predict.
import { describe, expect, it } from 'vitest';
import { Adam, BatchNorm1d, Dense, Dropout, LayerNorm, ReLU, Sequential, SGD, Tensor, type FitOptions, type History, type Layer, type Optimizer } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';
import type { Compiled } from '../../lib/train/compile.js';
import { planAddon, SCALAR_STRIDE, TrainingPlan } from '../../lib/train/plan-compile.js';
import { planFor, type PlanFitInput } from '../../lib/train/plan-fit.js';
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

describe('background plan: batches of 1 row', () => {
  const bnModel = (track = true): Sequential => seq([new Dense(6, 8), new BatchNorm1d(8, { trackRunningStats: track }), new Dense(8, 4)]);
  const compiled = (m: Sequential): Sequential => (m.compile({ optimizer: new SGD(m.parameters(), { lr: 0.05 }), loss: 'softmaxCrossEntropy' }), m);

  it('a BatchNorm1d training batch of 1 row falls back; the step path raises its RangeError', async () => {
    // 33 rows in batches of 16: the third batch holds 1 row.
    const { x, y } = data(33, 6, 4, 3);
    for (const background of [true, false]) {
      const m = compiled(bnModel());
      const before = bits(m.values);
      await expect(m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, background })).rejects.toThrow(/BatchNorm1d.forward: x must be a batch of at least 2 rows while training, got 1 row/);
      // The two batches before it trained (step by step).
      expect(bits(m.values)).not.toEqual(before);
    }
    // The reason alone: fits stopped before their first batch (so none reaches BatchNorm1d's check).
    const stopFirst = { onTrainBegin: (ctx: { stop(r?: string): void }) => ctx.stop('before any batch') };
    const reason = async (rows: number, batchSize: number, track = true): Promise<string | undefined> => {
      const d = data(rows, 6, 4, 3);
      const h = await compiled(bnModel(track)).fit(d.x, d.y, { epochs: 1, batchSize, verbose: 0, callbacks: [stopFirst] });
      return h.background ? undefined : h.fallback;
    };
    const why = 'a training batch would hold 1 row, which BatchNorm1d refuses (the step path raises its error)';
    expect(await reason(33, 16)).toBe(why);
    expect(await reason(33, 16, false)).toBe(why);
    expect(await reason(40, 1)).toBe(why);
    expect(await reason(1, 16)).toBe(why);
    // Every batch of 2 rows or more: planned.
    expect(await reason(34, 16)).toBeUndefined();
    expect(await reason(32, 16)).toBeUndefined();
    expect(await reason(3, 16)).toBeUndefined();
    // Without BatchNorm1d a 1-row batch is planned.
    const d = data(33, 6, 4, 3);
    const plain = seq([new Dense(6, 8), new LayerNorm(8), new Dropout(0.2), new Dense(8, 4)]);
    plain.compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
    expect((await plain.fit(d.x, d.y, { epochs: 1, batchSize: 16, verbose: 0 })).background).toBe(true);
  });

  it("data-parallel: a rank's shard of ceil(rows / world) rows decides", () => {
    // 38 rows over 2 ranks: shards of 19 rows, batches of 6, 6, 6 and 1 (38 rows alone would end with 2).
    const m = compiled(bnModel(false));
    const fake = (world: number) => ({ dp: { group: { worldSize: world } }, train: { rows: 38 }, batchSize: 6, callbacks: [] }) as unknown as PlanFitInput;
    expect(planFor(m, {} as Compiled, fake(2))).toBe('a training batch would hold 1 row, which BatchNorm1d refuses (the step path raises its error)');
    // 3 ranks: shards of 13 rows, batches of 6, 6 and 1.
    expect(planFor(m, {} as Compiled, fake(3))).toMatch(/^a training batch would hold 1 row/);
  });

  it('evaluation batches of 1 row (validation, predictAsync) run in the plan as on the step path', async () => {
    // 257 validation rows: evaluation batches of 256 rows and 1 (BatchNorm1d in evaluation mode takes 1 row).
    const v = data(257, 6, 4, 21);
    for (const track of [true, false]) {
      const run = async (background: boolean) => {
        const m = compiled(bnModel(track));
        const { x, y } = data(64, 6, 4, 3);
        const h = await m.fit(x, y, { epochs: 2, batchSize: 16, seed: 1, verbose: 0, background, validationData: [v.x, v.y] });
        const one = new Tensor(v.x.data.slice(0, 6), [1, 6]);
        const p = background ? await m.predictAsync(one, { batchSize: 1 }) : m.predict(one, undefined, { batchSize: 1 });
        return { h, values: bits(m.values), buffers: bits(m.bufferValues), p: bits(p.data) };
      };
      const ref = await run(false);
      const got = await run(true);
      expect(got.h.background, got.h.fallback).toBe(true);
      expect(got.h.history).toEqual(ref.h.history);
      expect(got.values).toEqual(ref.values);
      expect(got.buffers).toEqual(ref.buffers);
      expect(got.p).toEqual(ref.p);
      expect(Number.isFinite(got.h.history.val_loss![1])).toBe(true);
    }
  });
});

describe('planCreate: the new descriptor fields are checked', () => {
  // A real descriptor (captured from TrainingPlan.compile), then one field at a time made wrong.
  const m = seq([new Dense(6, 8, { kernelRegularizer: BOTH }), new BatchNorm1d(8), new LayerNorm(8), new Dropout(0.5), new Dense(8, 4)]);
  const opt = new SGD(m.parameters(), { lr: 0.1 });
  m.compile({ optimizer: opt, loss: 'softmaxCrossEntropy' });
  const addon = planAddon()!;
  let captured: { desc: Record<string, unknown>; pins: readonly ArrayBufferView[] } | undefined;
  const original = addon.planCreate;
  addon.planCreate = (desc, pins) => ((captured = { desc: desc as Record<string, unknown>, pins }), original.call(addon, desc, pins));
  let plan: TrainingPlan | string;
  try {
    plan = TrainingPlan.compile(m, { loss: 'softmaxCrossEntropy', metrics: [], optimizer: opt, capacity: 8, labels: true, targetWidth: 4, training: true });
  } finally {
    addon.planCreate = original;
  }
  type Desc = Record<string, unknown> & { layers: Record<string, unknown>[]; regularizers: Record<string, unknown>[] };
  const fresh = (): Desc => {
    const d = captured!.desc as Desc;
    return { ...d, layers: d.layers.map((l) => ({ ...l })), regularizers: d.regularizers.map((r) => ({ ...r })) };
  };
  const create = (edit: (d: Desc) => void): (() => object) => {
    const d = fresh();
    edit(d);
    return () => addon.planCreate(d, captured!.pins);
  };

  it('the captured descriptor builds (the baseline of the refusals below)', () => {
    expect(typeof plan).toBe('object');
    expect(create(() => undefined)()).toBeTypeOf('object');
  });

  const bad: [string, (d: Desc) => void, RegExp][] = [
    ['op out of range', (d) => (d.layers[1]!.op = 12), /^plan: layers\[\]\.op must be 0\.\.11$/],
    ['Dropout p = 1', (d) => (d.layers[3]!.p = 1), /^plan: layers\[\]\.p must be in \[0, 1\)$/],
    ['Dropout p NaN', (d) => (d.layers[3]!.p = NaN), /^plan: layers\[\]\.p must be in \[0, 1\)$/],
    ['Dropout p not a number', (d) => (d.layers[3]!.p = '0.5'), /^plan: p must be a number$/],
    ['Dropout without its stream', (d) => (d.layers[3]!.state = null), /^plan: state is missing$/],
    ['Dropout stream of the wrong type', (d) => (d.layers[3]!.state = new Float32Array(4)), /^plan: state must be a Uint32Array$/],
    ['Dropout stream too short', (d) => (d.layers[3]!.state = (d.layers[3]!.state as Uint32Array).subarray(0, 3)), /^plan: state must have at least 4 elements, got 3$/],
    ['Dropout stream not pinned', (d) => (d.layers[3]!.state = new Uint32Array(4)), /^plan: state is not inside one of the pinned buffers$/],
    ['Dropout mask too short', (d) => (d.layers[3]!.mask = (d.layers[3]!.mask as Float32Array).subarray(0, 63)), /^plan: mask must have at least 64 elements, got 63$/],
    ['BatchNorm1d eps 0', (d) => (d.layers[1]!.eps = 0), /^plan: layers\[\]\.eps must be > 0$/],
    ['LayerNorm eps Infinity', (d) => (d.layers[2]!.eps = Infinity), /^plan: layers\[\]\.eps must be > 0$/],
    ['BatchNorm1d momentum 2', (d) => (d.layers[1]!.momentum = 2), /^plan: layers\[\]\.momentum must be in \[0, 1\]$/],
    ['BatchNorm1d rstd a Float32Array', (d) => (d.layers[1]!.rstd = new Float32Array(8)), /^plan: rstd must be a Float64Array$/],
    ['LayerNorm rstd shorter than the capacity', (d) => (d.layers[2]!.rstd = (d.layers[2]!.rstd as Float64Array).subarray(0, 7)), /^plan: rstd must have at least 8 elements, got 7$/],
    ['BatchNorm1d rstd not pinned', (d) => (d.layers[1]!.rstd = new Float64Array(8)), /^plan: rstd is not inside one of the pinned buffers$/],
    ['BatchNorm1d w without b', (d) => (d.layers[1]!.b = null), /^plan: layers\[\]\.w and b: both or neither$/],
    ['BatchNorm1d affine without dw', (d) => (d.layers[1]!.dw = null), /^plan: dw is missing$/],
    ['BatchNorm1d running mean without num_batches_tracked', (d) => (d.layers[1]!.tracked = null), /^plan: layers\[\]\.runningMean, runningVar and tracked: all or none$/],
    ['BatchNorm1d running variance too short', (d) => (d.layers[1]!.runningVar = (d.layers[1]!.runningVar as Float32Array).subarray(0, 7)), /^plan: runningVar must have at least 8 elements, got 7$/],
    ['LayerNorm without xhat', (d) => (d.layers[2]!.xhat = undefined), /^plan: xhat is missing$/],
    ['LayerNorm that changes the width', (d) => (d.layers[2]!.out = 9), /^plan: an elementwise layer keeps its width$/],
    ['regularizers not an array', (d) => (d.regularizers = {} as unknown as Record<string, unknown>[]), /^plan: regularizers must be an array$/],
    ['regularizer l1 < 0', (d) => (d.regularizers[0]!.l1 = -1), /^plan: regularizers\[\]\.l1 and l2 must be finite numbers >= 0$/],
    ['regularizer l2 NaN', (d) => (d.regularizers[0]!.l2 = NaN), /^plan: regularizers\[\]\.l1 and l2 must be finite numbers >= 0$/],
    ['regularizer n 0', (d) => (d.regularizers[0]!.n = 0), /^plan: regularizers\[\]\.n must be >= 1$/],
    ['regularizer longer than its gradient', (d) => (d.regularizers[0]!.n = 10 ** 6), /^plan: w must have at least 1000000 elements/],
    ['regularizer weights not pinned', (d) => (d.regularizers[0]!.w = new Float32Array(48)), /^plan: w is not inside one of the pinned buffers$/],
    ['regularizers on a forward-only plan', (d) => ((d.grads = null), (d.gradsLength = 0), (d.spans = [])), /^plan: regularizers need a training plan$/],
  ];
  for (const [name, edit, msg] of bad) it(`refuses: ${name}`, () => expect(create(edit)).toThrow(msg));

  it('a chunk of a regularised plan without its penalty array is refused', () => {
    const p = plan as TrainingPlan;
    const { x, y } = data(16, 6, 4, 1);
    const labels = Int32Array.from(y.data);
    const order = Int32Array.from({ length: 16 }, (_, i) => i);
    const scalars = new Float32Array(p.optimizer!.spans.length * SCALAR_STRIDE);
    const args = [p.handle, p.pins, x.data, labels, null, 16, order, 8, 0, 1, scalars, new Float64Array(1), null, new Float64Array(1), 0, new Float64Array(8)];
    expect(() => addon.planChunk(...args)).toThrow(/^plan: penalty is missing$/);
    expect(() => addon.planChunk(...args, null, 0, false, false, new Float32Array(1))).toThrow(/^plan: penalty has the wrong type$/);
  });
});

describe('background plan: one random stream across paths', () => {
  it('a Dropout model trained by a planned fit then a step-by-step fit equals two step-by-step fits', async () => {
    const c = cases.find((k) => k.name === 'Dropout twice, one stream each')!;
    const run = async (first: boolean) => {
      const m = c.layers();
      m.compile({ optimizer: new SGD(m.parameters(), { lr: 0.05 }), loss: 'softmaxCrossEntropy' });
      const { x, y } = data(50, 6, 4, 2);
      const a = await m.fit(x, y, { epochs: 2, batchSize: 16, seed: 1, verbose: 0, background: first });
      const b = await m.fit(x, y, { epochs: 1, batchSize: 16, seed: 2, verbose: 0, background: false });
      return { paths: [a.background, b.background], values: bits(m.values), streams: m.layers.map(streamOf), loss: [...a.history.loss, ...b.history.loss] };
    };
    const mixed = await run(true);
    const step = await run(false);
    expect(mixed.paths).toEqual([true, false]);
    expect(step.paths).toEqual([false, false]);
    expect(mixed.values).toEqual(step.values);
    expect(mixed.streams).toEqual(step.streams);
    expect(mixed.loss).toEqual(step.loss);
  });
});
