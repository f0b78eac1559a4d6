// Finite-difference gradient checks in float64, on the reference backend:
// the analytic gradients from backward() against central differences of a
// float64 twin of the forward pass (test/helpers/f64model.ts), for every
// layer type, every loss and a 3-layer model.
//
// Tolerance: |analytic − fd| ≤ 1e-4·max(1, max|fd| of that tensor).
// The analytic path stores every intermediate in float32 (relative 6e-8 per
// rounding); a gradient element is a sum of ≤ 8 products over ≤ 3 layers,
// so its error stays near 1e-6 of the tensor's scale. The central
// difference with h = 1e-5 in float64 has truncation error ~h² ≈ 1e-10 and
// rounding ~1e-16/h ≈ 1e-11. A real bug (missing factor, wrong sign,
// wrong index) is O(1) relative, far above 1e-4.
import { describe, expect, it } from 'vitest';
import { Dense, ELU, GELU, LeakyReLU, loss, PReLU, ReLU, Sequential, Sigmoid, SiLU, Tanh, Tensor, type Layer, type LossName } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';
import { f64Forward, sameKinks } from '../helpers/f64model.js';

const H = 1e-5;
const TOL = 1e-4;

function expectClose(name: string, analytic: ArrayLike<number>, fd: ArrayLike<number>, skip: boolean[] = []): void {
  let scale = 1;
  for (let i = 0; i < fd.length; i++) if (!skip[i]) scale = Math.max(scale, Math.abs(fd[i]!));
  let checked = 0;
  for (let i = 0; i < fd.length; i++) {
    if (skip[i]) continue;
    checked++;
    const err = Math.abs(analytic[i]! - fd[i]!);
    if (err > TOL * scale) expect.fail(`${name}[${i}]: analytic ${analytic[i]} vs finite difference ${fd[i]} (error ${err}, allowed ${TOL * scale})`);
  }
  // Skipping kinks must not hollow out the check.
  expect(checked).toBeGreaterThan(fd.length / 2);
}

function randomF32(n: number, rng: Rng, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

/** Checks dθ and dX of J = Σ r⊙model(x) (so dLoss = r). */
function checkModel(layers: Layer[], inF: number, batch = 4, seed = 7): void {
  const model = new Sequential(layers, { backend: 'reference', seed, inputFeatures: inF });
  const rng = new Rng(seed + 1);
  // Move parameters off their initial symmetric values (PReLU's α, zero biases).
  for (let i = 0; i < model.values.length; i++) model.values[i]! += 0.3 * rng.normal();
  const x = new Tensor(randomF32(batch * inF, rng), [batch, inF]);
  const r = randomF32(batch * model.outputFeatures, rng);
  const y = model.forward(x);
  model.zeroGrad();
  const dx = model.backward(new Tensor(r, [batch, model.outputFeatures])).data.slice();

  const theta = Float64Array.from(model.values);
  const x64 = Float64Array.from(x.data);
  const base = f64Forward(model, theta, x64, batch);
  // The float32 forward agrees with the float64 twin (same rounding argument as TOL).
  expectClose('forward', y.data, base.y);
  const objective = (res: { y: Float64Array }): number => res.y.reduce((s, v, i) => s + v * r[i]!, 0);

  const fd = (vec: Float64Array, run: () => ReturnType<typeof f64Forward>) => {
    const g = new Float64Array(vec.length);
    const skip: boolean[] = [];
    for (let i = 0; i < vec.length; i++) {
      const keep = vec[i]!;
      vec[i] = keep + H;
      const plus = run();
      vec[i] = keep - H;
      const minus = run();
      vec[i] = keep;
      // Within h of a kink of the ReLU family the difference quotient is meaningless.
      skip[i] = !sameKinks(plus.kinks, base.kinks) || !sameKinks(minus.kinks, base.kinks);
      g[i] = (objective(plus) - objective(minus)) / (2 * H);
    }
    return { g, skip };
  };
  const dTheta = fd(theta, () => f64Forward(model, theta, x64, batch));
  expectClose('dθ', model.grads, dTheta.g, dTheta.skip);
  const dX = fd(x64, () => f64Forward(model, theta, x64, batch));
  expectClose('dX', dx, dX.g, dX.skip);
}

describe('finite-difference gradient checks (reference backend, float64)', () => {
  for (const activation of [undefined, 'relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'gelu', 'silu'] as const) {
    it(`Dense(5→4, ${activation ?? 'no activation'})`, () => checkModel([new Dense(5, 4, { activation })], 5));
  }
  it('Dense with leakyRelu α = −0.2 (unfused path)', () => checkModel([new Dense(5, 4, { activation: 'leakyRelu', alpha: -0.2 })], 5));
  it("Dense with gelu's tanh form", () => checkModel([new Dense(5, 4, { activation: 'gelu', approximate: 'tanh' })], 5));
  it('Dense with elu α = 0.5', () => checkModel([new Dense(5, 4, { activation: 'elu', alpha: 0.5 })], 5));
  it('Dense without bias', () => checkModel([new Dense(5, 4, { bias: false, activation: 'tanh' })], 5));

  const acts: [string, () => Layer][] = [
    ['ReLU', () => new ReLU()],
    ['LeakyReLU(0.1)', () => new LeakyReLU(0.1)],
    ['ELU(0.7)', () => new ELU(0.7)],
    ['Sigmoid', () => new Sigmoid()],
    ['Tanh', () => new Tanh()],
    ['GELU', () => new GELU()],
    ['GELU({ approximate: tanh })', () => new GELU({ approximate: 'tanh' })],
    ['SiLU', () => new SiLU()],
    ['PReLU per feature', () => new PReLU()],
    ['PReLU shared', () => new PReLU({ perFeature: false })],
  ];
  for (const [name, make] of acts) {
    it(`Dense(3→6) then ${name}`, () => checkModel([new Dense(3, 6), make()], 3, 5));
    it(`${name} as the first layer (dX only through the activation)`, () => checkModel([make(), new Dense(4, 2)], 4, 3));
  }

  it('3-layer model: Dense → PReLU → Dense tanh → Dense relu', () =>
    checkModel([new Dense(4, 6), new PReLU(), new Dense(6, 5, { activation: 'tanh' }), new Dense(5, 3, { activation: 'relu' })], 4, 6));
});

// Float64 losses from their formulas: mean over all elements (mse, bce) or rows (softmax).
function lossF64(name: LossName, z: Float64Array, t: Float64Array, n: number, classes: number): number {
  let s = 0;
  if (name === 'mse') for (let i = 0; i < z.length; i++) s += (z[i]! - t[i]!) ** 2;
  if (name === 'binaryCrossEntropy') {
    for (let i = 0; i < z.length; i++) s += -(t[i]! * Math.log(1 / (1 + Math.exp(-z[i]!))) + (1 - t[i]!) * Math.log(1 - 1 / (1 + Math.exp(-z[i]!))));
  }
  if (name === 'softmaxCrossEntropy') {
    for (let r = 0; r < n; r++) {
      let denom = 0;
      for (let j = 0; j < classes; j++) denom += Math.exp(z[r * classes + j]!);
      for (let j = 0; j < classes; j++) s -= t[r * classes + j]! * Math.log(Math.exp(z[r * classes + j]!) / denom);
    }
    return s / n;
  }
  return s / z.length;
}

describe('finite-difference checks of each loss (reference backend, float64)', () => {
  const n = 5;
  const classes = 4;
  const rng = new Rng(3);
  const z = randomF32(n * classes, rng, 2);
  const cases: [LossName, Float32Array][] = [
    ['mse', randomF32(n * classes, rng)],
    ['binaryCrossEntropy', Float32Array.from({ length: n * classes }, () => rng.uniform())],
    // Soft targets (rows not summing to 1) exercise the p·Σt − t form.
    ['softmaxCrossEntropy', Float32Array.from({ length: n * classes }, () => rng.uniform())],
  ];
  for (const [name, target] of cases) {
    it(`${name}: value and gradient`, () => {
      const l = loss(name, { backend: 'reference' });
      const value = l.compute(new Tensor(z, [n, classes]), new Tensor(target, [n, classes]));
      const z64 = Float64Array.from(z);
      const t64 = Float64Array.from(target);
      // The value is summed in float64 from the float32 inputs: relative 1e-12.
      expect(Math.abs(value - lossF64(name, z64, t64, n, classes))).toBeLessThan(1e-12 * Math.max(1, Math.abs(value)));
      const fd = new Float64Array(z.length);
      for (let i = 0; i < z.length; i++) {
        const keep = z64[i]!;
        z64[i] = keep + H;
        const plus = lossF64(name, z64, t64, n, classes);
        z64[i] = keep - H;
        const minus = lossF64(name, z64, t64, n, classes);
        z64[i] = keep;
        fd[i] = (plus - minus) / (2 * H);
      }
      expectClose(`d${name}`, l.grad.data, fd);
    });
  }

  it('softmaxCrossEntropy with labels equals the one-hot form', () => {
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 3) % classes);
    const onehot = new Float32Array(n * classes);
    labels.forEach((c, r) => (onehot[r * classes + c] = 1));
    const a = loss('softmaxCrossEntropy', { backend: 'reference' });
    const b = loss('softmaxCrossEntropy', { backend: 'reference' });
    const pred = new Tensor(z, [n, classes]);
    const va = a.compute(pred, labels);
    const vb = b.compute(pred, new Tensor(onehot, [n, classes]));
    // Same float64 terms in the same order (t = 0 terms skipped): equal.
    expect(va).toBe(vb);
    expect([...a.grad.data]).toEqual([...b.grad.data]);
    // Labels as a Tensor [n] of integers: identical to the Int32Array form.
    const c = loss('softmaxCrossEntropy', { backend: 'reference' });
    expect(c.compute(pred, new Tensor(Float32Array.from(labels), [n]))).toBe(va);
    expect([...c.grad.data]).toEqual([...a.grad.data]);
  });
});
