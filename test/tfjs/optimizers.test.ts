// tf.train optimizers on the nodegrad backend (lib/tfjs/optimizers.ts): one
// native step per variable, tfjs's trajectory bit for bit. Both sides get the
// same float32 gradient sequence through applyGradients, so the only
// difference is the update itself: tfjs's cpu ops round every operation to
// float32 (JS computes each in float64 and stores into a Float32Array, which
// for +, −, ×, ÷ and √ of float32 operands is the correctly rounded float32
// result) and the native kernels do the same operations in the same order,
// so the values, the state and getWeights must be identical, not close.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_NAME } from '../../lib/tfjs/index.js';
import { Rng } from '../../lib/random.js';

const SHAPES: number[][] = [[37], [5, 7], [1]]; // 37 and 35: not multiples of any vector width (the padded tail runs)
const STEPS = 30;

interface Case {
  name: string;
  make: () => tf.Optimizer;
}

const CASES: Case[] = [
  { name: 'sgd', make: () => tf.train.sgd(0.05) },
  { name: 'momentum', make: () => tf.train.momentum(0.05, 0.9) },
  { name: 'momentum nesterov', make: () => tf.train.momentum(0.05, 0.9, true) },
  { name: 'adagrad', make: () => tf.train.adagrad(0.1) },
  { name: 'adagrad initial 0.5', make: () => tf.train.adagrad(0.1, 0.5) },
  { name: 'rmsprop', make: () => tf.train.rmsprop(0.01) },
  { name: 'rmsprop momentum', make: () => tf.train.rmsprop(0.01, 0.95, 0.9, 1e-6) },
  { name: 'rmsprop centered', make: () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-5, true) },
  { name: 'adam', make: () => tf.train.adam(0.01) },
  { name: 'adam custom', make: () => tf.train.adam(0.003, 0.8, 0.95, 1e-4) },
];

const rng = new Rng(1212);
const inits = SHAPES.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()));
// Gradients spanning magnitudes (1e-3 .. 10), so small v and large updates both occur.
const grads = Array.from({ length: STEPS }, (_, t) => inits.map((x) => Float32Array.from(x, () => rng.normal() * 10 ** ((t % 5) - 3))));

interface Run {
  values: Float32Array[][]; // [step][variable]
  weights: Float32Array[]; // getWeights() after the last step (iterations first)
  weightNames: string[];
  kernelsPerStep: number[]; // kernels tfjs ran inside applyGradients
}

let serial = 0;

async function run(backend: string, c: Case, roundTripAt = -1): Promise<Run> {
  await tf.setBackend(backend);
  const tag = `v${serial++}`;
  const vars = inits.map((x, i) => tf.variable(tf.tensor(x, SHAPES[i]), true, `${tag}_${i}`));
  let opt = c.make();
  const out: Run = { values: [], weights: [], weightNames: [], kernelsPerStep: [] };
  for (let t = 0; t < STEPS; t++) {
    if (t === roundTripAt) {
      const w = await opt.getWeights();
      const copies = w.map((x) => ({ name: x.name, tensor: x.tensor.clone() }));
      opt.dispose();
      opt = c.make();
      await opt.setWeights(copies);
      for (const x of copies) x.tensor.dispose();
    }
    const g = grads[t]!.map((x, i) => ({ name: `${tag}_${i}`, tensor: tf.tensor(x, SHAPES[i]) }));
    const prof = await tf.profile(() => opt.applyGradients(g));
    out.kernelsPerStep.push(prof.kernels.length);
    for (const x of g) x.tensor.dispose();
    out.values.push(vars.map((v) => v.dataSync().slice() as Float32Array));
  }
  const w = await opt.getWeights();
  out.weightNames = w.map((x) => x.name.replace(tag, 'v'));
  out.weights = w.map((x) => x.tensor.dataSync().slice() as Float32Array);
  for (const x of w) if (x.name === 'iter') x.tensor.dispose();
  opt.dispose();
  for (const v of vars) v.dispose();
  return out;
}

function expectSameBits(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (ua[i] !== ub[i]) expect(`${what}[${i}] = ${a[i]}`).toBe(`${what}[${i}] = ${b[i]}`);
  }
}

function expectSameRun(mine: Run, cpu: Run): void {
  for (let t = 0; t < STEPS; t++) mine.values[t]!.forEach((v, i) => expectSameBits(v, cpu.values[t]![i]!, `step ${t + 1} variable ${i}`));
  expect(mine.weightNames).toEqual(cpu.weightNames);
  mine.weights.forEach((w, i) => expectSameBits(w, cpu.weights[i]!, `getWeights ${mine.weightNames[i]}`));
}

afterAll(async () => {
  await tf.setBackend(BACKEND_NAME);
});

describe(`tf.train optimizers on '${BACKEND_NAME}' (tfjs-core ${tf.version_core})`, () => {
  for (const c of CASES) {
    it(`${c.name}: ${STEPS} steps bit for bit as on cpu, one native step per variable (no tfjs kernels after the first step)`, async () => {
      const cpu = await run('cpu', c);
      const mine = await run(BACKEND_NAME, c);
      expectSameRun(mine, cpu);
      // The first step creates the state (zerosLike/fill); every later step is native only.
      expect(mine.kernelsPerStep.slice(1).every((k) => k === 0), `kernels per step ${mine.kernelsPerStep.join(',')}`).toBe(true);
      // The control: on cpu tfjs's own code ran (its ops show in the profile).
      expect(cpu.kernelsPerStep.slice(1).every((k) => k > 0)).toBe(true);
    });

    it(`${c.name}: getWeights/setWeights round trip mid-run gives cpu's trajectory (same round trip on cpu)`, async () => {
      const cpu = await run('cpu', c, 11);
      const mine = await run(BACKEND_NAME, c, 11);
      expectSameRun(mine, cpu);
    });
  }
});

describe('native optimizer steps never write into arrays others hold', () => {
  async function adamSteps(v: tf.Variable, n: number): Promise<void> {
    const opt = tf.train.adam(0.1);
    for (let t = 0; t < n; t++) {
      const g = tf.onesLike(v);
      opt.applyGradients([{ name: v.name, tensor: g }]);
      g.dispose();
    }
    opt.dispose();
  }

  it("the user's own Float32Array (tf.tensor(f32) hands it to the backend) stays unchanged", async () => {
    await tf.setBackend(BACKEND_NAME);
    const user = Float32Array.from([1, 2, 3, 4, 5]);
    const t = tf.tensor1d(user);
    const v = tf.variable(t, true, 'own-array');
    t.dispose(); // the variable is now the only holder of the user's array (refCount 1)
    await adamSteps(v, 3);
    expect(Array.from(user)).toEqual([1, 2, 3, 4, 5]);
    expect(v.dataSync()[0]).not.toBe(1);
    v.dispose();
  });

  it('an array dataSync() returned keeps its values through later steps', async () => {
    await tf.setBackend(BACKEND_NAME);
    const v = tf.variable(tf.zeros([6]), true, 'read-array');
    await adamSteps(v, 2); // the variable now holds an array the optimizer owns
    const seen = v.dataSync();
    const before = Array.from(seen);
    await adamSteps(v, 2);
    expect(Array.from(seen)).toEqual(before);
    expect(Array.from(v.dataSync())).not.toEqual(before);
    v.dispose();
  });

  it('a slice (a view of the variable on tfjs-backend-cpu) keeps its values through later steps', async () => {
    await tf.setBackend(BACKEND_NAME);
    const v = tf.variable(tf.zeros([4, 3]), true, 'sliced');
    await adamSteps(v, 2);
    const s = tf.slice(v, [1, 0], [2, 3]);
    const before = Array.from(s.dataSync());
    await adamSteps(v, 2);
    expect(Array.from(s.dataSync())).toEqual(before);
    s.dispose();
    v.dispose();
  });

  it('a tensor sharing the data id (clone) keeps its values', async () => {
    await tf.setBackend(BACKEND_NAME);
    const v = tf.variable(tf.zeros([5]), true, 'cloned');
    await adamSteps(v, 1);
    const c = v.clone();
    const before = Array.from(c.dataSync());
    await adamSteps(v, 2);
    expect(Array.from(c.dataSync())).toEqual(before);
    c.dispose();
    v.dispose();
  });

  it('tensor count is flat across steps', async () => {
    await tf.setBackend(BACKEND_NAME);
    const v = tf.variable(tf.zeros([7]), true, 'count');
    const opt = tf.train.rmsprop(0.01, 0.9, 0.5, undefined, true);
    const step = () => {
      const g = tf.onesLike(v);
      opt.applyGradients({ count: g });
      g.dispose();
    };
    step();
    const n = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(n);
    opt.dispose();
    v.dispose();
  });

  it("an int32 variable takes tfjs's own code: the same error as on cpu, the variable unchanged", async () => {
    const attempt = async (backend: string): Promise<{ error: string; value: number[] }> => {
      await tf.setBackend(backend);
      const name = `ints-${backend}`;
      const v = tf.variable(tf.tensor1d([1, 2, 3], 'int32'), true, name);
      const g = tf.tensor1d([1, 1, 1], 'int32');
      const opt = tf.train.sgd(1);
      let error = '';
      try {
        opt.applyGradients({ [name]: g });
      } catch (e) {
        error = (e as Error).message;
      }
      const value = Array.from(v.dataSync());
      for (const t of [v, g]) t.dispose();
      opt.dispose();
      return { error, value };
    };
    const cpu = await attempt('cpu');
    const mine = await attempt(BACKEND_NAME);
    // tfjs's sgd multiplies by a float32 scalar, then assign refuses the float32 result.
    expect(cpu.error).toMatch(/dtype/);
    expect(mine).toEqual(cpu);
  });
});
