import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Dense, diagnostics, Dropout, LayerNorm, loss, ReLU, Sequential, SGD, Sigmoid, Tensor } from '../../lib/index.js';
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

  describe(`diagnostics with BatchNorm1d, LayerNorm and Dropout [${b.label}]`, () => {
    it('gradient norms of the normalisation layers, none for Dropout, dead units after BatchNorm1d; the same masks as a manual step', async () => {
      const m = new Sequential([new Dense(4, 6), new BatchNorm1d(6), new ReLU(), new Dropout(0.5), new Dense(6, 5), new LayerNorm(5), new Dense(5, 2)], { backend: b.name, seed: 11 });
      const x = Tensor.from(Array.from({ length: 32 }, (_, i) => Math.sin(i * 1.7) * 2), [8, 4]);
      const y = Tensor.from([0, 1, 1, 0, 1, 0, 0, 1], [8]);
      m.compile({ optimizer: new SGD(m.parameters(), { lr: 0 }), loss: 'softmaxCrossEntropy' });
      // The dropout layer's stream before fit, to replay the same mask by hand.
      const state = (m.layers[3] as unknown as { rng: { state: Uint32Array } }).rng.state;
      const before = state.slice();
      const bn = (m.layers[1] as BatchNorm1d).runningStats!;
      const statsBefore = [bn.mean.slice(), bn.variance.slice()];
      const d = diagnostics();
      await m.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0, callbacks: [d] });
      const rows = d.epochs[0]!;
      expect(rows.map((r) => r.layer)).toEqual(m.layers.map((l) => l.describe()));
      expect(rows[3]!.gradNorm).toBeNull(); // Dropout has no parameters
      expect(rows[2]!.gradNorm).toBeNull(); // nor ReLU

      // One manual step of the same batch from the same state (lr 0: the weights did not move).
      state.set(before);
      bn.mean.set(statsBefore[0]!);
      bn.variance.set(statsBefore[1]!);
      m.zeroGrad();
      const ce = loss('softmaxCrossEntropy', { backend: b.name });
      const h: Float32Array[] = [];
      let t = x;
      for (const l of m.layers) {
        t = l.forward(t, true);
        h.push(t.data.slice());
      }
      ce.compute(t, y);
      m.backward(ce.grad);
      const norm = (i: number) => Math.sqrt(m.parameters().filter((p) => p.name.startsWith(`${i}.`)).reduce((s, p) => s + p.grad.data.reduce((a, g) => a + g * g, 0), 0));
      // Float64 sums of the same float32 squares, grouped differently: equal to ~1e-15 relative.
      for (const i of [0, 1, 4, 5, 6]) {
        expect(rows[i]!.gradNorm, `layer ${i}`).toBeCloseTo(norm(i), 12);
        expect(rows[i]!.gradNorm, `layer ${i}`).toBeGreaterThan(0);
      }
      // Dead ReLU units: the columns of the ReLU output that are 0 in all 8 rows.
      const relu = h[2]!;
      let dead = 0;
      for (let j = 0; j < 6; j++) if ([0, 1, 2, 3, 4, 5, 6, 7].every((r) => relu[r * 6 + j] === 0)) dead++;
      expect(rows[2]!.deadFraction).toBe(dead / 6);
    });
  });
}
