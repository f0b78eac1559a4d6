// model.predictAsync: the plan's forward pass on a worker thread.
import { describe, expect, it } from 'vitest';
import { Dense, ELU, PReLU, Sequential, Tensor } from '../../lib/index.js';
import { bits } from '../train/helpers.js';

const make = (backend: 'native' | 'reference' = 'native'): Sequential =>
  new Sequential([new Dense(20, 64, { activation: 'relu' }), new PReLU(), new Dense(64, 33, { activation: 'elu' }), new ELU(), new Dense(33, 7)], { backend, seed: 4 });

describe('predictAsync', () => {
  for (const rows of [1, 3, 255, 256, 700]) {
    it(`gives predict's bits for ${rows} rows`, async () => {
      const m = make();
      const x = Tensor.randn([rows, 20], { seed: rows });
      const want = bits(m.predict(x).data);
      expect(bits((await m.predictAsync(x)).data)).toEqual(want);
      expect(bits((await m.predictAsync(x, { batchSize: 7 })).data)).toEqual(want);
      const out = Tensor.zeros([rows, 7]);
      expect(await m.predictAsync(x, { out })).toBe(out);
      expect(bits(out.data)).toEqual(want);
    });
  }

  it('queues concurrent calls on one model; each gets its own answer', async () => {
    const m = make();
    const xs = [1, 2, 3, 4, 5, 6].map((s) => Tensor.randn([50 * s, 20], { seed: 100 + s }));
    const want = xs.map((x) => bits(m.predict(x).data));
    const got = await Promise.all(xs.map((x) => m.predictAsync(x)));
    got.forEach((g, i) => expect(bits(g.data)).toEqual(want[i]));
  });

  it('refuses writes to the model while it runs, naming it', async () => {
    const m = make();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const x = Tensor.randn([20_000, 20], { seed: 1 });
    const p = m.predictAsync(x);
    // A timer fires while the worker runs (the call returned at once).
    await new Promise((r) => setTimeout(r, 0));
    const inUse = /refused while predictAsync\(\) runs on a worker thread/;
    expect(() => m.predict(x)).toThrow(inUse);
    expect(() => m.optimizer!.step()).toThrow(inUse);
    await expect(m.fit(x, Tensor.zeros([20_000, 7]), { verbose: 0 })).rejects.toThrow(inUse);
    await p;
    expect(m.predict(x).shape).toEqual([20_000, 7]);
  });

  it('falls back to predict on the reference backend, and checks its arguments', async () => {
    const m = make('reference');
    const x = Tensor.randn([5, 20], { seed: 2 });
    expect(bits((await m.predictAsync(x)).data)).toEqual(bits(m.predict(x).data));
    await expect(m.predictAsync(Tensor.zeros([5, 19]))).rejects.toThrow(RangeError);
    await expect(m.predictAsync('x' as unknown as Tensor)).rejects.toThrow(TypeError);
    await expect(m.predictAsync(x, { batchSize: 0 })).rejects.toThrow(/options\.batchSize/);
    await expect(m.predictAsync(x, { out: Tensor.zeros([4, 7]) })).rejects.toThrow(/options\.out/);
  });
});
