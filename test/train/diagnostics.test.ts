import { describe, expect, it } from 'vitest';
import { Dense, diagnostics, loss, Sequential, SGD, Sigmoid, Tensor } from '../../lib/index.js';
import { backendsUnderTest } from '../helpers/backends.js';

for (const b of backendsUnderTest()) {
  describe(`diagnostics [${b.label}]`, () => {
    it('gradient norm per layer, dead ReLU units, saturated sigmoid outputs', async () => {
      // Layer 0: unit 1 has bias −100 and is never active (dead); units 0 and 2 pass x0 and x1 (> 0 here).
      // Layer 1 + Sigmoid: weights ×50 push most sigmoid outputs to the flat ends.
      const m = new Sequential([new Dense(2, 3, { activation: 'relu' }), new Dense(3, 2), new Sigmoid(), new Dense(2, 2)], { backend: b.name, seed: 2 });
      const [w0, b0, w1] = m.parameters();
      w0!.value.data.set([1, 1, 0, 0, 1, 1]);
      b0!.value.data.set([0, -100, 0]);
      w1!.value.data.set([50, -50, 0, 0, 50, 50]);
      const x = Tensor.from([1, 2, 0.5, 0.1, 3, 1, 2, 2], [4, 2]);
      const y = Tensor.from([0, 1, 1, 0], [4]);
      m.compile({ optimizer: new SGD(m.parameters(), { lr: 0 }), loss: 'softmaxCrossEntropy' });
      const d = diagnostics();
      await m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0, callbacks: [d] });
      const [l0, l1, l2, l3] = d.epochs[0]!;
      expect(l0!.deadFraction).toBe(1 / 3);
      expect(l0!.saturatedFraction).toBeNull();
      expect(l1!.deadFraction).toBeNull();
      expect(l2!.gradNorm).toBeNull(); // Sigmoid has no parameters

      // Saturation counted independently from the layer-1 pre-activations: h = relu(x·W0 + b0), z = h·W1.
      let sat = 0;
      for (let r = 0; r < 4; r++) {
        const x0 = x.data[2 * r]!;
        const x1 = x.data[2 * r + 1]!;
        const h = [Math.max(0, x0), 0, Math.max(0, x1)]; // W0 is [in, out]: unit 0 sees x0, unit 2 sees x1
        const z = [50 * h[0]! + 50 * h[2]!, -50 * h[0]! + 50 * h[2]!];
        for (const v of z) {
          const s = 1 / (1 + Math.exp(-v));
          if (s < 0.01 || s > 0.99) sat++;
        }
      }
      expect(l2!.saturatedFraction).toBe(sat / 8);

      // Gradient norms against one manual forward/backward of the same batch (lr 0: weights did not move).
      m.zeroGrad();
      const ce = loss('softmaxCrossEntropy', { backend: b.name });
      ce.compute(m.forward(x), y);
      m.backward(ce.grad);
      const norm = (i: number) => Math.sqrt(m.parameters().filter((p) => p.name.startsWith(`${i}.`)).reduce((s, p) => s + p.grad.data.reduce((a, g) => a + g * g, 0), 0));
      // Both are float64 sums of the same float32 squares, grouped differently: equal to ~1e-15 relative.
      expect(l0!.gradNorm).toBeCloseTo(norm(0), 12);
      expect(l1!.gradNorm).toBeCloseTo(norm(1), 12);
      expect(l3!.gradNorm).toBeCloseTo(norm(3), 12);
      expect(l3!.gradNorm).toBeGreaterThan(0);
      // The wrapper used to watch the layers is gone after fit.
      expect(Object.hasOwn(m.layers[0]!, 'forward')).toBe(false);
    });
  });
}
