// The native plan against the reference backend's step-by-step fit: one
// training step of the same model (same seed: the same initial parameters),
// whose gradients stay in model.grads after fit, within the tolerance
// test/layers/native-vs-reference.test.ts gives a forward + backward.
import { describe, expect, it } from 'vitest';
import { Dense, LeakyReLU, PReLU, Sequential, SGD, Sigmoid, Tensor, type Layer } from '../../lib/index.js';
import { maxAbs } from '../helpers/floats.js';

const layers = (): Layer[] => [
  new Dense(17, 33),
  new PReLU(),
  new Dense(33, 16, { activation: 'elu' }),
  new Sigmoid(),
  new Dense(16, 9, { activation: 'tanh' }),
  new LeakyReLU(0.1),
  new Dense(9, 5, { activation: 'leakyRelu' }),
];

async function oneStep(backend: 'native' | 'reference'): Promise<{ m: Sequential; loss: number; background: boolean | undefined }> {
  const m = new Sequential(layers(), { backend, seed: 21 });
  // lr 0: the step leaves the values, so the grads are those of the initial model.
  m.compile({ optimizer: new SGD(m.parameters(), { lr: 0, backend }), loss: 'softmaxCrossEntropy' });
  const x = Tensor.randn([13, 17], { seed: 22 });
  const y = new Tensor(Float32Array.from({ length: 13 }, (_, i) => i % 5), [13]);
  const h = await m.fit(x, y, { epochs: 1, batchSize: 13, verbose: 0 });
  return { m, loss: h.history.loss![0]!, background: h.background };
}

describe('native plan vs the reference backend', () => {
  it('one step: loss and every gradient within 1e-4 of scale', async () => {
    const a = await oneStep('native');
    const b = await oneStep('reference');
    expect(a.background).toBe(true);
    expect(b.background).toBe(false);
    // Same tolerance and reason as native-vs-reference.test.ts: GEMM sums of
    // k ≤ 33 float32 products in another order (≈ 2e-6·Σ|terms|), a few ulp
    // from exp-based kernels, compounded over four layers ≈ 1e-5; 1e-4
    // leaves a 10× margin while a wrong element or transpose is O(1).
    expect(Math.abs(a.loss - b.loss)).toBeLessThanOrEqual(1e-4 * Math.abs(b.loss));
    b.m.parameters().forEach((p, j) => {
      const got = a.m.parameters()[j]!.grad.data;
      const scale = maxAbs(p.grad.data);
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < got.length; i++) {
        const err = Math.abs(got[i]! - p.grad.data[i]!);
        if (!(err <= 1e-4 * scale)) expect.fail(`${p.name}.grad[${i}]: plan ${got[i]} vs reference ${p.grad.data[i]}`);
      }
    });
    expect(a.m.values).toEqual(b.m.values);
  });
});
