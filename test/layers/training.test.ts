// End to end: a Sequential trained by an optimizer, on every backend that can
// run a model. The arenas make the whole model one contiguous span, so an
// optimizer step is one kernel call.
import { describe, expect, it } from 'vitest';
import { Adam, Dense, Sequential, Tensor, loss } from '../../lib/index.js';
import { rawBackend } from '../../lib/backend/index.js';
import { backendsUnderTest } from '../helpers/backends.js';

for (const b of backendsUnderTest()) {
  describe(`training a Sequential [${b.label}]`, () => {
    it('learns XOR with Adam, one adamStep call per step', () => {
      const model = new Sequential([new Dense(2, 8, { activation: 'tanh' }), new Dense(8, 2)], { backend: b.name, seed: 3 });
      const opt = new Adam(model.parameters(), { lr: 0.05, backend: b.name });
      const ce = loss('softmaxCrossEntropy', { backend: b.name });
      const x = new Tensor(Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), [4, 2]);
      const labels = new Int32Array([0, 1, 1, 0]);
      const raw = rawBackend(b.name) as unknown as Record<string, (...args: unknown[]) => unknown>;
      const adamStep = raw.adamStep!;
      let calls = 0;
      raw.adamStep = (...args: unknown[]) => {
        calls++;
        // The step's result (0, or the element a guarded step refused) is the optimizer's to read.
        return adamStep.apply(raw, args);
      };
      let first = NaN;
      let last = NaN;
      try {
        for (let step = 0; step < 300; step++) {
          model.zeroGrad();
          last = ce.compute(model.forward(x), labels);
          if (step === 0) first = last;
          model.backward(ce.grad);
          opt.step();
        }
      } finally {
        raw.adamStep = adamStep;
      }
      expect(calls).toBe(300);
      // Chance level is log 2 ≈ 0.69; a working backward + step drives the
      // mean cross-entropy of these 4 points far below it.
      expect(first).toBeGreaterThan(0.3);
      expect(last).toBeLessThan(0.05);
    });
  });
}
