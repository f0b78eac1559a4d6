// The same model (same seed, so the same initial parameters: initialisation
// runs in TypeScript) on the native backend and on the reference backend:
// forward output, every gradient and dX. Then a whole training step at 1, 2
// and 3 threads, which must agree bit for bit.
import { describe, expect, it } from 'vitest';
import { Dense, LeakyReLU, PReLU, Sequential, Sigmoid, Tensor, getThreads, loss, setThreads, type Layer } from '../../lib/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { maxAbs } from '../helpers/floats.js';

const native = backendsUnderTest().find((b) => b.name === 'native');

// Sizes off the SIMD widths and tile sizes (17, 33, 13, 9, 5).
const layers = (): Layer[] => [
  new Dense(17, 33),
  new PReLU(),
  new Dense(33, 16, { activation: 'elu' }),
  new Sigmoid(),
  new Dense(16, 9, { activation: 'tanh' }),
  new LeakyReLU(0.1),
  new Dense(9, 5, { activation: 'leakyRelu' }),
];

// Large enough for a threaded GEMM to split the work.
const wide = (): Layer[] => [new Dense(300, 257), new PReLU(), new Dense(257, 130, { activation: 'tanh' }), new Dense(130, 5)];

function step(backend: 'native' | 'reference', batch: number, make = layers) {
  const m = new Sequential(make(), { backend, seed: 21 });
  const x = Tensor.randn([batch, m.inputFeatures], { seed: 22 });
  const l = loss('softmaxCrossEntropy', { backend: 'reference' });
  const y = m.forward(x).clone();
  // The same dLoss on both backends, so only the model's kernels differ.
  l.compute(y, Int32Array.from({ length: batch }, (_, i) => i % 5));
  const dx = m.backward(l.grad).clone();
  return { y, dx, params: m.parameters(), grads: m.grads.slice() };
}

/**
 * |native − reference| ≤ 1e-4·max|reference| per tensor. Native GEMM sums k ≤ 33
 * float32 products in its own order: error ≤ γ_k·Σ|terms| ≈ 2e-6·Σ|terms|
 * (reference: float64, one rounding). Σ|terms| is within ~10× of the tensor's
 * largest value for these random inputs, exp-based activations add a few ulp,
 * and four layers compound it: ≈ 1e-5, so 1e-4 leaves a 10× margin while any
 * real kernel error (wrong element, wrong transpose) is O(1).
 */
function expectNear(name: string, nat: Float32Array, ref: Float32Array): void {
  const scale = maxAbs(ref);
  expect(scale).toBeGreaterThan(0);
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(nat[i]! - ref[i]!);
    if (!(err <= 1e-4 * scale)) expect.fail(`${name}[${i}]: native ${nat[i]} vs reference ${ref[i]} (allowed ${1e-4 * scale})`);
  }
}

describe.skipIf(!native)(`native vs reference on one model [${native?.label ?? 'native'}]`, () => {
  it('forward output, every parameter gradient and dX agree within 1e-4 of scale', () => {
    const a = step('native', 13);
    const b = step('reference', 13);
    expectNear('y', a.y.data, b.y.data);
    expectNear('dX', a.dx.data, b.dx.data);
    a.params.forEach((p, i) => {
      expect(p.value.data).toEqual(b.params[i]!.value.data);
      expectNear(`${p.name}.grad`, p.grad.data, b.params[i]!.grad.data);
    });
  });
});

describe.skipIf(!native)(`training step across thread counts [${native?.label ?? 'native'}]`, () => {
  it('forward + backward are bitwise identical at 1, 2 and 3 threads', () => {
    const before = getThreads();
    try {
      const runs = [1, 2, 3].map((t) => {
        setThreads(t);
        expect(getThreads()).toBe(t);
        const r = step('native', 200, wide);
        return [...r.y.data, ...r.dx.data, ...r.grads];
      });
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[2]).toEqual(runs[0]);
    } finally {
      setThreads(before);
    }
  });
});
