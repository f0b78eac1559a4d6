// Updates that cannot go non-finite (issue 13.6): a step whose update would
// make any parameter or optimizer-state element ±Inf or NaN is not applied.
// The kernels: nonFinite 'refuse' (a read-only pass first) throws a
// RangeError naming the array and element and writes nothing; the default
// 'apply' keeps the old one-pass behaviour. The optimizer classes always
// refuse, all or nothing over every span of every group, with a
// NonFiniteUpdateError naming the parameter and what overflowed.
import { describe, expect, it } from 'vitest';
import { Adam, Dense, Momentum, NonFiniteUpdateError, RMSProp, Sequential, SGD, type NonFiniteLoss, type Optimizer } from '../../lib/index.js';
import type { Parameter } from '../../lib/parameter.js';
import { Tensor } from '../../lib/tensor.js';
import { backendsUnderTest } from '../helpers/backends.js';

const bytes = (...arrays: Float32Array[]): number[][] => arrays.map((a) => [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)]);

for (const b of backendsUnderTest()) {
  const k = b.kernels;
  describe(`kernels with nonFinite: 'refuse' [${b.label}]`, () => {
    // n = 19: the overflowing element sits in a whole vector (index 9) or in the padded tail (index 17).
    for (const at of [0, 9, 17]) {
      it(`names the first overflowing element (${at}) and writes nothing`, () => {
        const p = Float32Array.from({ length: 19 }, (_, i) => 0.1 * i);
        const g = new Float32Array(19).fill(0.5);
        const m = new Float32Array(19).fill(0.01);
        const v = new Float32Array(19).fill(0.02);
        const cases: [string, () => void, string, () => void][] = [
          // θ − 10·1e38 = −1e39: −Inf in float32.
          ['sgdStep', () => k.sgdStep(p, g, { lr: 10, nonFinite: 'refuse' }), 'param', () => (g[at] = 1e38)],
          // m = 0.9·m + 0.1·g is finite, but θ − lr·m overflows.
          ['momentumStep', () => k.momentumStep(p, g, m, { lr: 1e30, nonFinite: 'refuse' }), 'param', () => (g[at] = 1e10)],
          // (1−β₂)·g² ≥ 1e39 > FLT_MAX: v becomes +Inf on both backends (the
          // reference's float64 g² would not overflow on its own; the stored v does),
          // while θ's update m/√v stays finite.
          ['adamStep', () => k.adamStep(p, g, m, v, { lr: 0.1, step: 1, nonFinite: 'refuse' }), 'v', () => (g[at] = 1e21)],
          ['rmspropStep', () => k.rmspropStep(p, g, v, { lr: 0.1, nonFinite: 'refuse' }), 'v', () => (g[at] = 1e21)],
          ['adagradStep', () => k.adagradStep(p, g, v, { lr: 0.1, nonFinite: 'refuse' }), 'v', () => (g[at] = 1e21)],
        ];
        for (const [fn, call, what, poison] of cases) {
          g.fill(0.5);
          poison();
          const before = bytes(p, g, m, v);
          expect(call, fn).toThrow(RangeError);
          expect(call, fn).toThrow(`${fn}: the update must be finite in every element (nonFinite: 'refuse'; nothing was written), got a non-finite ${what}[${at}]`);
          expect(bytes(p, g, m, v), fn).toEqual(before);
        }
      });
    }
    it("a NaN already in the state is refused too; 'apply' (the default) writes it", () => {
      const p = new Float32Array([1, 2, 3]);
      const g = new Float32Array([1, 1, 1]);
      const m = new Float32Array([0, NaN, 0]);
      expect(() => k.momentumStep(p, g, m, { lr: 0.1, nonFinite: 'refuse' })).toThrow('got a non-finite param[1] and m[1]');
      expect([...p]).toEqual([1, 2, 3]);
      k.momentumStep(p, g, m, { lr: 0.1 });
      expect(Number.isNaN(p[1])).toBe(true);
    });
    it('a clean update is written exactly as without the guard', () => {
      const p1 = Float32Array.from({ length: 33 }, (_, i) => Math.sin(i));
      const g = Float32Array.from({ length: 33 }, (_, i) => Math.cos(i));
      const [m1, v1] = [new Float32Array(33), new Float32Array(33)];
      const [p2, m2, v2] = [p1.slice(), m1.slice(), v1.slice()];
      k.adamStep(p1, g, m1, v1, { lr: 0.01, step: 4 });
      k.adamStep(p2, g, m2, v2, { lr: 0.01, step: 4, nonFinite: 'refuse' });
      expect(bytes(p2, m2, v2)).toEqual(bytes(p1, m1, v1));
    });
    it("nonFinite must be 'apply' or 'refuse'", () => {
      const p = new Float32Array(2);
      expect(() => k.sgdStep(p, new Float32Array(2), { lr: 1, nonFinite: 'skip' as never })).toThrow(`sgdStep: nonFinite must be 'apply' | 'refuse', got string "skip"`);
    });
  });

  describe(`optimizer classes refuse non-finite updates, all or nothing [${b.label}]`, () => {
    const param = (name: string, values: number[]): Parameter => ({ name, value: new Tensor(Float32Array.from(values), [values.length]), grad: Tensor.zeros([values.length]) });
    function snapshot(ps: Parameter[], opt: Optimizer): unknown {
      return { values: ps.map((p) => [...p.value.data]), grads: ps.map((p) => [...p.grad.data]), dict: JSON.stringify(opt.stateDict()), t: opt.stepCount };
    }

    it('SGD lr 10 with a gradient near 1e38 (the issue: a finite loss, a −Inf weight): refused, the other span untouched', () => {
      const a = param('dense1.kernel', [1, 2, 3]);
      const c = param('dense1.bias', [4, 5]); // its own buffers: a second span, checked before anything is written
      const opt = new SGD([a, c], { lr: 10, backend: b.name });
      a.grad.data.set([0.1, 0.1, 0.1]);
      c.grad.data.set([0.1, 1e38]);
      const before = snapshot([a, c], opt);
      let err: unknown;
      try {
        opt.step();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NonFiniteUpdateError);
      expect(err).toBeInstanceOf(RangeError);
      const e = err as NonFiniteUpdateError;
      expect([e.parameter, e.what, e.index]).toEqual(['dense1.bias', ['value'], 1]);
      expect(e.message).toBe("SGD.step: step 1 would make its value non-finite for parameter 'dense1.bias' at element 1; the step was not applied (nothing changed)");
      expect(snapshot([a, c], opt)).toEqual(before);
      // A clean gradient afterwards steps normally (step 1 again).
      c.grad.data.set([0.1, 0.1]);
      opt.step();
      expect(opt.stepCount).toBe(1);
      expect(a.value.data[0]).toBeCloseTo(0, 6); // 1 − 10·0.1, up to the rounding of 0.1
    });

    it('Adam: v overflows on the first step; the state stays unallocated (stateDict state null)', () => {
      const a = param('w', [1, 2, 3, 4, 5]);
      const opt = new Adam([a], { backend: b.name });
      a.grad.data.set([0, 0, 0, 1e21, 0]);
      const before = snapshot([a], opt);
      expect(() => opt.step()).toThrow("Adam.step: step 1 would make its state v non-finite for parameter 'w' at element 3; the step was not applied (nothing changed)");
      expect(snapshot([a], opt)).toEqual(before);
      expect(opt.stateDict().groups[0]!.state).toBeNull();
    });

    it('Momentum and RMSProp name their state slot; parameters inside one arena are told apart', () => {
      const arena = new Float32Array(6);
      const grads = new Float32Array(6);
      const ps: Parameter[] = [
        { name: 'l0.w', value: new Tensor(arena.subarray(0, 4), [4]), grad: new Tensor(grads.subarray(0, 4), [4]) },
        { name: 'l0.b', value: new Tensor(arena.subarray(4, 6), [2]), grad: new Tensor(grads.subarray(4, 6), [2]) },
      ];
      const rms = new RMSProp(ps, { backend: b.name });
      grads[5] = 1e21;
      expect(() => rms.step()).toThrow("RMSProp.step: step 1 would make its state v non-finite for parameter 'l0.b' at element 1");
      expect([...arena]).toEqual([0, 0, 0, 0, 0, 0]);
      const mom = new Momentum(ps, { backend: b.name, lr: 1e30 });
      grads.fill(0);
      grads[2] = 1e10;
      expect(() => mom.step()).toThrow("Momentum.step: step 1 would make its value non-finite for parameter 'l0.w' at element 2");
      expect([...arena]).toEqual([0, 0, 0, 0, 0, 0]);
    });
  });
}

// fit: inputs near 1e19 and SGD lr 10 (the probe): the first batch's
// loss is finite (~1e37), its update would write −Inf. fit applies its
// onNonFiniteLoss choices to it, with a message naming the parameter.
for (const b of backendsUnderTest()) {
  describe(`fit treats a refused update like a non-finite loss [${b.label}]`, () => {
    const data = (): { x: Tensor; y: Tensor } => ({ x: new Tensor(Float32Array.from([1e19, 1e19, 1, 1]), [4, 1]), y: Tensor.zeros([4, 1]) });
    const model = (): Sequential => new Sequential([new Dense(1, 1)], { backend: b.name, seed: 1 });
    it("throws by default, naming the parameter; nothing changed", async () => {
      const m = model();
      const opt = new SGD(m.parameters(), { lr: 10, backend: b.name });
      m.compile({ optimizer: opt, loss: 'mse' });
      const before = [...m.values];
      const { x, y } = data();
      const err = await m.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/^fit: at epoch 1, batch 1 of 2 \(loss [0-9.e+]+\), SGD\.step: step 1 would make its value non-finite for parameter '[^']+' at element 0; the step was not applied/);
      expect((err as Error).cause).toBeInstanceOf(NonFiniteUpdateError);
      expect([...m.values]).toEqual(before);
      expect(opt.stepCount).toBe(0);
    });
    it("'skip' skips that batch and trains on; the callback sees the refusal", async () => {
      const m = model();
      m.compile({ optimizer: new SGD(m.parameters(), { lr: 10, backend: b.name }), loss: 'mse' });
      const seen: NonFiniteLoss[] = [];
      const { x, y } = data();
      // Batch 1 (the 1e19 rows) is refused; batch 2 (x = 1) steps.
      const h = await m.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0, callbacks: [{ onNonFiniteLoss: (info) => (seen.push(info), 'skip') }] });
      expect(h.stopReason).toBe('completed');
      expect(seen.map((s) => [s.epoch, s.batch, Number.isFinite(s.loss), s.update?.what])).toEqual([[0, 0, true, ['value']]]);
      expect(m.optimizer!.stepCount).toBe(1);
      expect(m.values.every(Number.isFinite)).toBe(true);
    });
  });
}
