// The background plan on Embedding and Concat models against the
// step-by-step fit on the main thread: the same bits for the weights, the
// optimizer state, the history and every batch's logs; the validation (the
// plan's forward pass) and predictAsync as the step path's evaluate and
// predict; the sparse update; and the native index checks (JS may change x
// between chunks): the step path's RangeError, never a read out of bounds.
import { describe, expect, it } from 'vitest';
import { Adam, Concat, Dense, Embedding, PReLU, Sequential, SGD, Tensor, type FitOptions, type History, type Layer, type Optimizer } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';
import { planAddon, SCALAR_STRIDE, TrainingPlan } from '../../lib/train/plan-compile.js';
import { bits } from '../train/helpers.js';

/**
 * Rows of `cats` index columns (column j holds integers in [0, cats[j]); 0
 * means a numeric column, N(0, 1)·2 + 0.3), and labels i % outputs.
 */
function data(n: number, cats: readonly number[], outputs: number, seed: number): { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const f = cats.length;
  const x = new Float32Array(n * f);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < f; j++) x[r * f + j] = cats[j]! > 0 ? Math.floor(rng.uniform() * cats[j]!) : 2 * rng.normal() + 0.3;
  }
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = i % outputs;
  return { x: new Tensor(x, [n, f]), y: new Tensor(y, [n]) };
}

interface Case {
  name: string;
  layers: () => Sequential;
  /** The columns' kinds for data(): index ranges, 0 for numeric. */
  cats: readonly number[];
  opt?: (m: Sequential) => Optimizer;
}

const seq = (layers: Layer[], inputFeatures?: number): Sequential => new Sequential(layers, { backend: 'native', seed: 7, ...(inputFeatures ? { inputFeatures } : {}) });
const L2 = { l2: 0.01 };
const BOTH = { l1: 0.002, l2: 0.02 };

const cases: Case[] = [
  {
    name: 'Concat(Embedding over column 0, columns 1..2 passed through) → Dense → Dense',
    layers: () => seq([new Concat([{ columns: [0], layer: new Embedding(7, 3) }, { columns: [1, 2] }]), new Dense(5, 8, { activation: 'relu' }), new Dense(8, 4)]),
    cats: [7, 0, 0],
  },
  {
    // Column 0 feeds two Embeddings (indices in [0, 5) for both); branch 2 reads columns 3 then 0.
    name: 'two Embedding branches sharing a column, Adam',
    layers: () => seq([new Concat([{ columns: [0], layer: new Embedding(7, 3) }, { columns: [1, 2] }, { columns: [3, 0], layer: new Embedding(5, 2) }]), new Dense(9, 8, { activation: 'tanh' }), new Dense(8, 4)]),
    cats: [5, 0, 0, 5],
    opt: (m) => new Adam(m.parameters(), { lr: 0.02 }),
  },
  {
    // Every row of a 3-row table looked up about 5 times per batch (twice per row in branch 2):
    // the scatter-add's float32 sums of many terms, whose order decides the bits.
    name: 'small tables, many repeats per batch',
    layers: () => seq([new Concat([{ columns: [0], layer: new Embedding(3, 4) }, { columns: [1] }, { columns: [2, 0], layer: new Embedding(3, 2) }]), new Dense(9, 4)]),
    cats: [3, 0, 3],
    opt: (m) => new Adam(m.parameters(), { lr: 0.01 }),
  },
  {
    name: 'standalone Embedding first (3 index columns), then Dense',
    layers: () => seq([new Embedding(6, 4), new Dense(12, 8, { activation: 'relu' }), new Dense(8, 4)], 3),
    cats: [6, 6, 6],
  },
  {
    name: 'kernelRegularizer on the Embeddings and on Dense, clipNorm',
    layers: () =>
      seq([
        new Concat([{ columns: [0], layer: new Embedding(7, 3, { kernelRegularizer: BOTH }) }, { columns: [1, 2] }, { columns: [3], layer: new Embedding(4, 2, { kernelRegularizer: L2 }) }]),
        new Dense(7, 8, { activation: 'relu', kernelRegularizer: L2 }),
        new Dense(8, 4),
      ]),
    cats: [7, 0, 0, 4],
    opt: (m) => new SGD(m.parameters(), { lr: 0.1, clipNorm: 0.5 }),
  },
  {
    name: 'standalone Embedding with kernelRegularizer, Adam',
    layers: () => seq([new Embedding(5, 3, { kernelRegularizer: BOTH }), new Dense(6, 4, { kernelRegularizer: L2 })], 2),
    cats: [5, 5],
    opt: (m) => new Adam(m.parameters(), { lr: 0.05 }),
  },
  {
    // PReLU keeps indices (x > 0: x; x = 0: α·0 = 0) and takes the Concat's dx: dy on the
    // passed-through columns, 0 on the index column (its α gradient depends on both).
    name: 'Concat after a first layer (PReLU, per feature): its dx',
    layers: () => seq([new PReLU(), new Concat([{ columns: [0], layer: new Embedding(7, 3) }, { columns: [1, 2] }, { columns: [2] }]), new Dense(6, 4)], 3),
    cats: [7, 0, 0],
  },
  {
    name: 'Embedding after a first layer (PReLU, one α): its zero dx',
    layers: () => seq([new PReLU({ perFeature: false }), new Embedding(6, 3), new Dense(6, 4)], 2),
    cats: [6, 6],
  },
  {
    // No Embedding: a Concat that only permutes and repeats columns, after Dense (dx sums the repeats).
    name: 'pass-through Concat after Dense, a column read twice',
    layers: () => seq([new Dense(4, 5, { activation: 'elu' }), new Concat([{ columns: [4, 0, 1] }, { columns: [1, 2, 3] }]), new Dense(6, 4)], 4),
    cats: [0, 0, 0, 0],
  },
];

interface Run {
  values: Uint32Array;
  state: unknown;
  history: History;
  batches: unknown[][];
  predicted: Uint32Array;
  evaluated: unknown;
}

async function train(c: Case, opts: FitOptions, rows = 90): Promise<Run> {
  const m = c.layers();
  const opt = c.opt?.(m) ?? new SGD(m.parameters(), { lr: 0.05 });
  m.compile({ optimizer: opt, loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
  const { x, y } = data(rows, c.cats, m.outputFeatures, 5);
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
  const { x: xt, y: yt } = data(37, c.cats, m.outputFeatures, 11);
  // predictAsync runs the plan's forward pass in batches of 8 rows.
  const predicted = opts.background === false ? m.predict(xt, undefined, { batchSize: 8 }) : await m.predictAsync(xt, { batchSize: 8 });
  return { values: bits(m.values), state: opt.stateDict(), history, batches, predicted: bits(predicted.data), evaluated: m.evaluate(xt, yt) };
}

describe('background plan: Embedding and Concat bit for bit as the step path', () => {
  for (const c of cases) {
    for (const shuffle of [true, false]) {
      it(`${c.name}${shuffle ? '' : ', no shuffle'}`, async () => {
        const ref = await train(c, { background: false, shuffle });
        expect(ref.history.background).toBe(false);
        for (const chunkMs of [4, 0.001]) {
          const got = await train(c, { chunkMs, shuffle });
          // Planned, not fallen back: else the comparison would be of the step path with itself.
          expect(got.history.background, got.history.fallback).toBe(true);
          expect(got.values).toEqual(ref.values);
          expect(got.state).toEqual(ref.state);
          expect(got.history.history).toEqual(ref.history.history);
          expect(got.batches).toEqual(ref.batches);
          expect(got.predicted).toEqual(ref.predicted);
          expect(got.evaluated).toEqual(ref.evaluated);
        }
        // The fit trained: every parameter tensor moved (the tables included).
        const fresh = c.layers();
        const now = new Float32Array(new Uint32Array(ref.values).buffer);
        fresh.parameters().forEach((p, i) => {
          const off = p.value.data.byteOffset / 4 - fresh.values.byteOffset / 4;
          const moved = Array.from(p.value.data).some((v, j) => now[off + j] !== v);
          // The Embedding-after-PReLU case: PReLU's α gets a zero gradient (the Embedding's dx is 0), so it stays.
          if (!(c.name.startsWith('Embedding after') && i === 0)) expect(moved, `parameter ${i}`).toBe(true);
          else expect(moved).toBe(false);
        });
        expect(ref.history.history.regularization !== undefined).toBe(fresh.hasRegularizers);
      });
    }
  }
});

describe('background plan: the sparse update', () => {
  it('rows of the table no batch looks up keep their value and a zero gradient (SGD without momentum)', async () => {
    // Indices 0..3 of a 10-row table: rows 4..9 are never looked up.
    const make = () => seq([new Concat([{ columns: [0], layer: new Embedding(10, 3) }, { columns: [1] }]), new Dense(4, 3)]);
    const run = async (background: boolean) => {
      const m = make();
      m.compile({ optimizer: new SGD(m.parameters(), { lr: 0.1 }), loss: 'softmaxCrossEntropy' });
      const { x, y } = data(64, [4, 0], 3, 2);
      const h = await m.fit(x, y, { epochs: 2, batchSize: 8, seed: 4, verbose: 0, background });
      const table = m.parameters()[0]!;
      return { h, w: Array.from(table.value.data), g: Array.from(table.grad.data), values: bits(m.values) };
    };
    const initial = Array.from(make().parameters()[0]!.value.data);
    const got = await run(true);
    const ref = await run(false);
    expect(got.h.background, got.h.fallback).toBe(true);
    expect(got.values).toEqual(ref.values);
    // Rows 0..3 (12 values) moved, rows 4..9 (18 values) did not; the last batch's gradient is zero there.
    for (let i = 0; i < 12; i += 3) expect(got.w.slice(i, i + 3)).not.toEqual(initial.slice(i, i + 3));
    expect(got.w.slice(12)).toEqual(initial.slice(12));
    expect(got.g.slice(12)).toEqual(new Array(18).fill(0));
    expect(got.g.slice(0, 12).some((v) => v !== 0)).toBe(true);
  });
});

describe('background plan: what falls back', () => {
  class MyEmbedding extends Embedding {}
  const fallback = async (m: Sequential, features: readonly number[]): Promise<string | undefined> => {
    m.compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
    const { x, y } = data(16, features, m.outputFeatures, 1);
    const h = await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    return h.background ? undefined : h.fallback;
  };
  it('a subclass of Embedding, standalone or in a Concat; a branch method replaced on the instance', async () => {
    expect(await fallback(seq([new MyEmbedding(4, 2), new Dense(2, 2)], 1), [4])).toBe('layer Embedding (MyEmbedding) is not one the plan knows');
    expect(await fallback(seq([new Concat([{ columns: [1] }, { columns: [0], layer: new MyEmbedding(4, 2) }]), new Dense(3, 2)]), [4, 0])).toBe(
      "layer Concat's branch 1 is a MyEmbedding, not an Embedding (the plan runs exact classes only)",
    );
    const e = new Embedding(4, 2);
    const m = seq([new Concat([{ columns: [0], layer: e }]), new Dense(2, 2)]);
    e.backwardParams = Embedding.prototype.backwardParams.bind(e);
    expect(await fallback(m, [4])).toBe("layer Concat's branch 0 Embedding's backwardParams is replaced on the instance");
    // The exact classes are planned.
    expect(await fallback(seq([new Concat([{ columns: [0], layer: new Embedding(4, 2) }]), new Dense(2, 2)]), [4])).toBeUndefined();
  });
});

describe('background plan: an index changed while fit runs', () => {
  const make = () => seq([new Concat([{ columns: [0], layer: new Embedding(7, 3) }, { columns: [1, 2] }]), new Dense(5, 4)]);
  const standalone = () => seq([new Embedding(6, 2), new Dense(4, 4)], 2);
  const bad: [string, number][] = [
    ['too large', 7],
    ['far too large', 1e9],
    ['negative', -1],
    ['fractional', 2.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
  ];
  // After epoch 1 a callback writes `v` into x[row, col] (the fit checked x before it started).
  const run = async (model: () => Sequential, cats: number[], row: number, col: number, v: number, opts: FitOptions) => {
    const m = model();
    const opt = new Adam(m.parameters(), { lr: 0.01 });
    m.compile({ optimizer: opt, loss: 'softmaxCrossEntropy' });
    const { x, y } = data(40, cats, 4, 3);
    const ends: number[] = [];
    let error: unknown;
    try {
      await m.fit(x, y, {
        epochs: 3,
        batchSize: 8,
        verbose: 0,
        seed: 2,
        shuffle: false,
        callbacks: [{ onEpochEnd: (e) => void (e === 0 && (x.data[row * cats.length + col] = v)) }, { onBatchEnd: (b) => void ends.push(b) }],
        ...opts,
      });
    } catch (e) {
      error = e;
    }
    return { error, values: bits(m.values), steps: opt.stepCount, state: opt.stateDict(), ends };
  };
  it.each(bad)('%s: the step path\'s RangeError at the same batch, the same state', async (_label, v) => {
    // Row 19 of the data: batch 3 (rows 16..23) of epoch 2, row 3 of that batch.
    for (const [model, cats, col, re] of [
      [make, [7, 0, 0], 0, /^Concat\.forward: x\[3, 0\] must be an integer index in \[0, 7\) for branch 0 \(Embedding\(7, 3\)\), got /],
      [standalone, [6, 6], 1, /^Embedding\.forward: x\[3, 1\] must be an integer index in \[0, 6\) \(Embedding\(6, 2\)\), got /],
    ] as const) {
      const ref = await run(model, [...cats], 19, col, v, { background: false });
      expect(ref.error).toBeInstanceOf(RangeError);
      expect((ref.error as Error).message).toMatch(re);
      expect((ref.error as Error).message.endsWith(`got ${Number.isNaN(v) ? 'NaN' : v}`)).toBe(true);
      // Epoch 1's 5 steps and epoch 2's first 2 applied.
      expect(ref.steps).toBe(7);
      for (const chunkMs of [50, 0.001]) {
        const got = await run(model, [...cats], 19, col, v, { chunkMs });
        expect(got.error).toBeInstanceOf(RangeError);
        expect((got.error as Error).message).toBe((ref.error as Error).message);
        expect(got.values).toEqual(ref.values);
        expect(got.steps).toBe(ref.steps);
        expect(got.state).toEqual(ref.state);
        expect(got.ends).toEqual(ref.ends);
      }
    }
  });
  it('a validation index changed after epoch 1: the plan raises the step path\'s error', async () => {
    const go = async (background: boolean) => {
      const m = make();
      m.compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
      const { x, y } = data(40, [7, 0, 0], 4, 3);
      const v = data(20, [7, 0, 0], 4, 4);
      const h = m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, background, validationData: [v.x, v.y], callbacks: [{ onEpochEnd: (e) => void (e === 0 && (v.x.data[13 * 3] = -3)) }] });
      return h.then(
        () => undefined,
        (e: unknown) => e,
      );
    };
    const ref = await go(false);
    const got = await go(true);
    expect(ref).toBeInstanceOf(RangeError);
    expect((ref as Error).message).toBe('Concat.forward: x[13, 0] must be an integer index in [0, 7) for branch 0 (Embedding(7, 3)), got -3');
    expect(got).toBeInstanceOf(RangeError);
    expect((got as Error).message).toBe((ref as Error).message);
  });
  it('predictAsync checks x as predict does', async () => {
    const m = make();
    const { x } = data(10, [7, 0, 0], 4, 3);
    x.data[4 * 3] = 8;
    expect(() => m.predict(x)).toThrow(/^predict: x\[4, 0\] must be an integer index in \[0, 7\) for branch 0/);
    await expect(m.predictAsync(x)).rejects.toThrow(/^predictAsync: x\[4, 0\] must be an integer index in \[0, 7\) for branch 0/);
  });
});

describe('the native index check, called directly (no TypeScript check before it)', () => {
  const addon = planAddon()!;
  // Tables of 7 rows placed before the model's other values: an index of 7..(far) would read another parameter or past the arena.
  const model = () => {
    const m = seq([new Concat([{ columns: [2] }, { columns: [0, 1], layer: new Embedding(7, 3) }]), new Dense(7, 4)]);
    m.compile({ optimizer: new SGD(m.parameters(), { lr: 0.1 }), loss: 'softmaxCrossEntropy' });
    return m;
  };
  const indices: number[] = [7, 8, 1e6, 2 ** 40, -1, -0.5, 0.5, 6.000001, NaN, Infinity, -Infinity];

  it('planForward stops at the first bad index (row-major), writes nothing of its batch, and reports it', () => {
    const m = model();
    const plan = TrainingPlan.compile(m, { loss: 'mse', metrics: [], capacity: 8, labels: false, targetWidth: 4, training: false }) as TrainingPlan;
    expect(typeof plan).toBe('object');
    for (const v of indices) {
      const { x } = data(12, [7, 7, 0], 4, 5);
      // Row 9: batch 2 (rows 8..11, batches of 4), its row 1; column 1; a later bad one (row 10, column 0) is not the one named.
      x.data[9 * 3 + 1] = v;
      x.data[10 * 3] = 99;
      const out = new Float32Array(12 * 4).fill(-7);
      const status = new Float64Array(6);
      const before = bits(m.values);
      addon.planForward(plan.handle, plan.pins, x.data, null, null, 12, 4, out, null, null, status);
      expect(Array.from(status.subarray(0, 5))).toEqual([1, 0, 1, 1, 1]);
      // The float32 value x held (6.000001 is not a float32).
      expect(Object.is(status[5], Math.fround(v)) || (Number.isNaN(v) && Number.isNaN(status[5]))).toBe(true);
      // The two batches before it were predicted (as predict does batch by batch); nothing of batch 2 was.
      const step = m.predict(new Tensor(x.data.slice(0, 8 * 3), [8, 3]), undefined, { batchSize: 4 });
      expect(bits(out.subarray(0, 32))).toEqual(bits(step.data));
      expect(out.subarray(32).every((o) => o === -7)).toBe(true);
      expect(bits(m.values)).toEqual(before);
      expect(plan.indexError(status)!.message).toBe(`Concat.forward: x[1, 1] must be an integer index in [0, 7) for branch 1 (Embedding(7, 3)), got ${Number.isNaN(v) ? 'NaN' : Math.fround(v)}`);
    }
    // A good x: the flag stays clear.
    const { x } = data(12, [7, 7, 0], 4, 5);
    const status = new Float64Array(6).fill(5);
    addon.planForward(plan.handle, plan.pins, x.data, null, null, 12, 4, new Float32Array(48), null, null, status);
    expect(status[0]).toBe(0);
    expect(plan.indexError(status)).toBeUndefined();
    // With index layers the status array is required.
    expect(() => addon.planForward(plan.handle, plan.pins, x.data, null, null, 12, 4, new Float32Array(48), null, null)).toThrow(/^plan: status is missing$/);
  });

  it('planChunk stops before the bad batch: the steps before it applied, nothing of it', () => {
    const chunk = (v: number | undefined, count: number) => {
      const m = model();
      const plan = TrainingPlan.compile(m, { loss: 'softmaxCrossEntropy', metrics: [], optimizer: m.optimizer, capacity: 4, labels: true, targetWidth: 4, training: true }) as TrainingPlan;
      const { x, y } = data(12, [7, 7, 0], 4, 5);
      if (v !== undefined) x.data[6 * 3] = v; // batch 1 (rows 4..7), its row 2, column 0
      const scalars = new Float32Array(count * plan.optimizer!.spans.length * SCALAR_STRIDE);
      expect(plan.optimizer!.scalars(scalars, count).steps).toBe(count);
      const result = new Float64Array(14);
      const order = Int32Array.from({ length: 12 }, (_, i) => i);
      const args = [plan.handle, plan.pins, x.data, Int32Array.from(y.data), null, 12, order, 4, 0, count, scalars, new Float64Array(count), null, new Float64Array(count), 0];
      // A result too short for the bad index is refused.
      expect(() => addon.planChunk(...args, new Float64Array(8))).toThrow(/^plan: result must have at least 14 elements$/);
      addon.planChunk(...args, result);
      return { result, values: bits(m.values), grads: bits(m.grads) };
    };
    // The reference: batch 0 alone, as one chunk of one step.
    const one = chunk(undefined, 1);
    expect(one.result[0]).toBe(1);
    expect(one.result[8]).toBe(0);
    for (const v of indices) {
      const got = chunk(v, 3);
      expect(got.result[0]).toBe(1); // one step done
      expect(Array.from(got.result.subarray(8, 13))).toEqual([1, 0, 1, 2, 0]);
      expect(Object.is(got.result[13], Math.fround(v)) || (Number.isNaN(v) && Number.isNaN(got.result[13]))).toBe(true);
      // Batch 0's step, and nothing of batch 1 (its forward stopped before the loss: the gradients are zeroGrad's zeros).
      expect(got.values).toEqual(one.values);
      expect(got.grads.every((g) => g === 0)).toBe(true);
      expect(one.grads.some((g) => g !== 0)).toBe(true);
    }
  });
});

describe('planCreate: the Embedding and Concat descriptor fields are checked', () => {
  const m = seq([new Concat([{ columns: [0], layer: new Embedding(7, 3) }, { columns: [1, 2] }]), new Embedding(4, 1), new Dense(5, 4)]);
  // (An Embedding after a Concat: its indices are the Concat's outputs; built only to describe.)
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
  type Branch = Record<string, unknown>;
  type Desc = Record<string, unknown> & { layers: (Record<string, unknown> & { branches: Branch[] | null })[] };
  const create = (edit: (d: Desc) => void): (() => object) => {
    const d0 = captured!.desc as Desc;
    const d = { ...d0, layers: d0.layers.map((l) => ({ ...l, branches: l.branches ? l.branches.map((b) => ({ ...b })) : null })) };
    edit(d);
    return () => addon.planCreate(d, captured!.pins);
  };
  it('the captured descriptor builds', () => {
    expect(typeof plan).toBe('object');
    expect(create(() => undefined)()).toBeTypeOf('object');
  });
  const bad: [string, (d: Desc) => void, RegExp][] = [
    ['op out of range', (d) => (d.layers[0]!.op = 12), /^plan: layers\[\]\.op must be 0\.\.11$/],
    ['a column past the input', (d) => (d.layers[0]!.branches![1]!.columns = [1, 3]), /^plan: branches\[\]\.columns\[\] must be columns of the input$/],
    ['a fractional column', (d) => (d.layers[0]!.branches![1]!.columns = [1, 1.5]), /^plan: branches\[\]\.columns\[\] must be columns of the input$/],
    ['no columns', (d) => (d.layers[0]!.branches![1]!.columns = []), /^plan: branches\[\]\.columns must be a non-empty array$/],
    ['no branches', (d) => (d.layers[0]!.branches = []), /^plan: layers\[\]\.branches must be a non-empty array$/],
    ['widths that do not sum to out', (d) => (d.layers[0]!.branches![0]!.dim = 2), /^plan: a Concat's out must be the sum of its branches' widths$/],
    ['a table larger than its buffer', (d) => (d.layers[0]!.branches![0]!.numEmbeddings = 8), /^plan: w must have at least 24 elements, got 21$/],
    ['a branch table not pinned', (d) => (d.layers[0]!.branches![0]!.w = new Float32Array(21)), /^plan: w is not inside one of the pinned buffers$/],
    ['a branch without its gradient', (d) => (d.layers[0]!.branches![0]!.dw = null), /^plan: dw is missing$/],
    ['Embedding dim 0', (d) => (d.layers[1]!.dim = 0), /^plan: numEmbeddings and dim must be >= 1$/],
    ['Embedding whose out is not in·dim', (d) => ((d.layers[1]!.dim = 2), (d.layers[1]!.numEmbeddings = 2)), /^plan: an Embedding's out must be in \* dim$/],
    ['Embedding table larger than its buffer', (d) => (d.layers[1]!.numEmbeddings = 5), /^plan: w must have at least 5 elements, got 4$/],
  ];
  for (const [name, edit, msg] of bad) it(`refuses: ${name}`, () => expect(create(edit)).toThrow(msg));
});
