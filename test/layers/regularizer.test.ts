// L1/L2 kernel regularisers: the penalty and its gradient against values
// computed here from the formula (l1·Σ|w| + l2·Σw²; l1·sign(w) + 2·l2·w),
// the penalty in fit's loss and logs and in evaluate's loss, one SGD step
// against the same step computed by hand, saved configs, the plan's
// fallback, and bad options refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense, Embedding, SGD, Sequential, Tensor } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';
import { backendsUnderTest } from '../helpers/backends.js';

const BACKENDS = backendsUnderTest().map((b) => b.name);

function data(rows: number, seed: number): { x: Tensor; y: Tensor } {
  const r = new Rng(seed);
  const x = Float32Array.from({ length: rows * 3 }, () => r.normal());
  const y = Float32Array.from({ length: rows }, (_, i) => (x[i * 3]! + x[i * 3 + 1]! > 0 ? 1 : 0));
  return { x: new Tensor(x, [rows, 3]), y: new Tensor(y, [rows]) };
}

const penaltyOf = (w: ArrayLike<number>, l1: number, l2: number) => {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += l1 * Math.abs(w[i]!) + l2 * w[i]! * w[i]!;
  return s;
};

describe('kernelRegularizer', () => {
  it('the penalty covers the weights (not the biases) of every regularised layer; its gradient is added to theirs', () => {
    const m = new Sequential([new Dense(3, 4, { kernelRegularizer: { l1: 0.01, l2: 0.02 } }), new Dense(4, 2), new Embedding(3, 2, { kernelRegularizer: { l2: 0.5 } })], { backend: 'reference', seed: 2 });
    const [w1, , w2, , table] = m.parameters();
    m.values.fill(0.5, 12, 16); // a non-zero bias must not count
    const expected = penaltyOf(w1!.value.data, 0.01, 0.02) + penaltyOf(table!.value.data, 0, 0.5);
    expect(Math.abs(m.regularization() - expected)).toBeLessThan(1e-12 * Math.max(1, expected));
    m.zeroGrad();
    m.regularization(true);
    // Each gradient element is one float32 rounding of l1·sign(w) + 2·l2·w (computed in float64 here).
    w1!.value.data.forEach((v, i) => expect(w1!.grad.data[i]).toBe(Math.fround(0.01 * Math.sign(v) + 0.04 * v)));
    table!.value.data.forEach((v, i) => expect(table!.grad.data[i]).toBe(Math.fround(1 * v)));
    expect(Array.from(w2!.grad.data).every((g) => g === 0)).toBe(true);
    expect(Array.from(m.grads.subarray(12, 16)).every((g) => g === 0)).toBe(true);
  });

  it('fit reports it as `regularization` inside `loss`; evaluate adds it too; one SGD step is the hand-computed one', async () => {
    for (const backend of BACKENDS) {
      const { x, y } = data(16, 3);
      const make = (reg: boolean) => {
        const m = new Sequential([new Dense(3, 2, reg ? { kernelRegularizer: { l1: 0.03, l2: 0.1 } } : {})], { backend, seed: 5 });
        m.compile({ optimizer: new SGD(m.parameters(), { lr: 0.5, backend }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
        return m;
      };
      const plain = make(false);
      const reg = make(true);
      const w0 = Float64Array.from(reg.parameters()[0]!.value.data);
      const penalty = penaltyOf(w0, 0.03, 0.1);
      const before = plain.evaluate(x, y).loss;
      const ev = reg.evaluate(x, y);
      expect(ev.regularization).toBeCloseTo(penalty, 6);
      // The data loss is the same model's: loss = data loss + penalty (float64 sums of float32 terms).
      expect(Math.abs(ev.loss - (before + penalty))).toBeLessThan(1e-9);
      // One full batch, no shuffle: both models see the same data gradient.
      const hp = await plain.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
      const hr = await reg.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
      // The native plan applies the penalties itself (test/plan/layers.test.ts holds it to the step path).
      if (backend === 'native') expect(hr.background, hr.fallback).toBe(true);
      expect(hr.history.regularization![0]).toBeCloseTo(penalty, 6);
      expect(Math.abs(hr.history.loss[0]! - (hp.history.loss[0]! + penalty))).toBeLessThan(1e-6);
      expect(hp.history.regularization).toBeUndefined();
      // w1 = w0 − lr·(g + l1·sign(w0) + 2·l2·w0), where w0 − lr·g is the unregularised model's step.
      const wPlain = plain.parameters()[0]!.value.data;
      const wReg = reg.parameters()[0]!.value.data;
      // Both sides round the gradient sum once and the update once: a few float32 ulp of values ≤ 2, 1e-6 absolute.
      w0.forEach((v, i) => expect(Math.abs(wReg[i]! - (wPlain[i]! - 0.5 * (0.03 * Math.sign(v) + 0.2 * v))), `w[${i}]`).toBeLessThan(1e-6));
      // Biases are not regularised: the same update in both.
      expect(Array.from(reg.parameters()[1]!.value.data)).toEqual(Array.from(plain.parameters()[1]!.value.data));
    }
  });

  it('saved and loaded with the model; the alias kernelInitializer draws as init', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodegrad-reg-'));
    try {
      const m = new Sequential([new Dense(3, 2, { kernelRegularizer: { l2: 0.25 }, kernelInitializer: 'lecunNormal' })], { seed: 1 });
      expect(Array.from(m.values)).toEqual(Array.from(new Sequential([new Dense(3, 2, { init: 'lecunNormal' })], { seed: 1 }).values));
      await m.save(dir);
      const back = await Sequential.load(dir);
      expect(back.layers[0]!.toJSON().config).toMatchObject({ init: 'lecunNormal', kernelRegularizer: { l2: 0.25 } });
      expect(back.regularization()).toBe(m.regularization());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ l1: -1 }, /Dense: options.kernelRegularizer.l1 must be a number >= 0, got -1/],
    [{ l2: NaN }, /Dense: options.kernelRegularizer.l2 must be/],
    [{ l3: 1 }, /Dense: options.kernelRegularizer.l3 is not a known option \(known: l1, l2\)/],
    [0.1, /Dense: options.kernelRegularizer must be an object \{ l1\?, l2\? \}, got 0.1/],
  ])('refuses %j', (r, re) => expect(() => new Dense(2, 2, { kernelRegularizer: r as never })).toThrow(re));

  it('zero coefficients are no regulariser (nothing saved, nothing computed)', async () => {
    const m = new Sequential([new Dense(3, 2, { kernelRegularizer: { l1: 0, l2: 0 } })], { seed: 1 });
    expect(m.hasRegularizers).toBe(false);
    expect(m.layers[0]!.toJSON().config.kernelRegularizer).toBeUndefined();
  });
});
