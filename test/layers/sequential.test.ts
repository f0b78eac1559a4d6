// Sequential on every backend that can run a model: parameters and arenas,
// initialisation, gradient accumulation, zeroGrad, buffer reuse, errors,
// summary and config round trip.
import { describe, expect, it } from 'vitest';
import { Dense, ELU, LeakyReLU, PReLU, ReLU, Sequential, Sigmoid, Tanh, Tensor, loss, type DenseActivation, type Layer } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { maxAbs } from '../helpers/floats.js';

function batchOf(rows: number, features: number, seed: number): Tensor {
  return Tensor.randn([rows, features], { seed });
}

function rowsOf(t: Tensor, from: number, to: number): Tensor {
  const f = t.shape[1]!;
  return new Tensor(t.data.slice(from * f, to * f), [to - from, f]);
}

const mlp = (): Layer[] => [new Dense(7, 9, { activation: 'relu' }), new PReLU(), new Dense(9, 5, { activation: 'elu' }), new Tanh(), new Dense(5, 3)];

for (const b of backendsUnderTest()) {
  const backend = b.name;
  describe(`Sequential [${b.label}]`, () => {
    it('names, orders and lays out parameters as views of two flat arenas', () => {
      const m = new Sequential(mlp(), { backend, seed: 1 });
      const ps = m.parameters();
      expect(ps.map((p) => `${p.name}:${p.value.shape.join('x')}`)).toEqual(['0.weight:7x9', '0.bias:9', '1.weight:9', '2.weight:9x5', '2.bias:5', '4.weight:5x3', '4.bias:3']);
      let offset = 0;
      for (const p of ps) {
        expect(p.value.data.buffer).toBe(m.values.buffer);
        expect(p.grad.data.buffer).toBe(m.grads.buffer);
        expect(p.value.data.byteOffset).toBe(offset * 4);
        expect(p.grad.data.byteOffset).toBe(offset * 4);
        offset += p.value.size;
      }
      expect(offset).toBe(m.values.length);
      expect(m.grads.length).toBe(m.values.length);
      expect(m.parameters()).toBe(ps);
      // Each layer lists its own, the same objects, in the same order.
      expect(m.layers.flatMap((l) => [...l.parameters()])).toEqual([...ps]);
      expect(m.layers[1]!.parameters()[0]).toBe(ps[2]);
    });

    it('initialises He / Glorot / zeros / PReLU 0.25 from the seed', () => {
      const m = new Sequential([new Dense(400, 300, { activation: 'relu' }), new PReLU({ perFeature: false }), new Dense(300, 200, { activation: 'tanh' })], { backend, seed: 5 });
      const [w0, b0, a, w2, b2] = m.parameters();
      const std = (d: Float32Array) => Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);
      // 120000 samples: the sample std is within 1% of √(2/400) (its own sd ≈ 0.2%).
      expect(Math.abs(std(w0!.value.data) / Math.sqrt(2 / 400) - 1)).toBeLessThan(0.01);
      const limit = Math.sqrt(6 / 500);
      expect(maxAbs(w2!.value.data)).toBeLessThanOrEqual(Math.fround(limit));
      expect(Math.abs(std(w2!.value.data) / (limit / Math.sqrt(3)) - 1)).toBeLessThan(0.01);
      expect(b0!.value.data.every((v) => v === 0) && b2!.value.data.every((v) => v === 0)).toBe(true);
      expect([...a!.value.data]).toEqual([0.25]);
      expect(m.grads.every((v) => v === 0)).toBe(true);
      const same = new Sequential([new Dense(400, 300, { activation: 'relu' }), new PReLU({ perFeature: false }), new Dense(300, 200, { activation: 'tanh' })], { backend, seed: 5 });
      expect(same.values).toEqual(m.values);
      const other = new Sequential([new Dense(400, 300, { activation: 'relu' })], { backend, seed: 6 });
      expect(other.values.subarray(0, 100)).not.toEqual(m.values.subarray(0, 100));
    });

    it('accumulates: two micro-batches equal one batch of both; zeroGrad clears', () => {
      const m = new Sequential(mlp(), { backend, seed: 2 });
      const x = batchOf(6, 7, 3);
      const r = batchOf(6, 3, 4);
      m.forward(x);
      m.backward(r);
      const full = m.grads.slice();
      expect(full.some((v) => v !== 0)).toBe(true);
      m.zeroGrad();
      expect(m.grads.every((v) => v === 0)).toBe(true);
      const values = m.values.slice();
      m.forward(rowsOf(x, 0, 2));
      m.backward(rowsOf(r, 0, 2));
      m.forward(rowsOf(x, 2, 6));
      m.backward(rowsOf(r, 2, 6));
      // Rows are independent, so only the summation of the 6 per-row terms
      // differs (two float32 partial sums added vs one sum): error ≤ γ₆·Σ|terms|
      // ≈ 4e-7·Σ|terms|; with Σ|terms| ≤ 10·max|g| here, 1e-5·max|g| bounds it.
      const scale = maxAbs(full);
      for (let i = 0; i < full.length; i++) expect(Math.abs(m.grads[i]! - full[i]!)).toBeLessThanOrEqual(1e-5 * scale);
      expect(m.values).toEqual(values);
      m.zeroGrad();
      expect(m.grads.every((v) => v === 0)).toBe(true);
    });

    it('backward with { inputGradient: false } gives the same gradients and skips dX', () => {
      for (const layers of [mlp, () => [new Tanh(), new Dense(7, 3)], () => [new PReLU(), new Dense(7, 3)]]) {
        const a = new Sequential(layers(), { backend, seed: 6, inputFeatures: 7 });
        const c = new Sequential(layers(), { backend, seed: 6, inputFeatures: 7 });
        const x = batchOf(5, 7, 1);
        const r = batchOf(5, 3, 2);
        a.forward(x);
        const dx = a.backward(r);
        c.forward(x);
        expect(c.backward(r, { inputGradient: false })).toBeNull();
        expect(c.grads).toEqual(a.grads);
        expect(dx.shape).toEqual([5, 7]);
      }
      const m = new Sequential(mlp(), { backend, seed: 6 });
      m.forward(batchOf(2, 7, 1));
      // @ts-expect-error deliberately wrong
      expect(() => m.backward(batchOf(2, 3, 1), { inputGradient: 'no' })).toThrow(new TypeError('Sequential.backward: options.inputGradient must be a boolean, got string "no"'));
      expect(m.grads.every((v) => v === 0)).toBe(true);
    });

    it('a training step allocates nothing after the first (same batch size)', () => {
      const m = new Sequential(mlp(), { backend, seed: 3 });
      const l = loss('softmaxCrossEntropy', { backend });
      const seen: Tensor[][] = [];
      for (const layer of m.layers) {
        const f = layer.forward.bind(layer);
        const bw = layer.backward.bind(layer);
        const mine: Tensor[] = [];
        seen.push(mine);
        layer.forward = (x, t) => (mine[0] = f(x, t));
        layer.backward = (dy) => (mine[1] = bw(dy));
      }
      const x = batchOf(4, 7, 5);
      const labels = new Int32Array([0, 2, 1, 2]);
      const step = () => {
        m.zeroGrad();
        const y = m.forward(x);
        l.compute(y, labels);
        const dx = m.backward(l.grad);
        return { y, dx, grad: l.grad, layers: seen.map((s) => [...s]) };
      };
      const first = step();
      const second = step();
      expect(second.y).toBe(first.y);
      expect(second.dx).toBe(first.dx);
      expect(second.grad).toBe(first.grad);
      second.layers.forEach((pair, i) => {
        expect(pair[0], `layer ${i} output`).toBe(first.layers[i]![0]);
        expect(pair[1], `layer ${i} dx`).toBe(first.layers[i]![1]);
      });
      // A new batch size gets new buffers, then reuses them.
      const y3 = m.forward(batchOf(3, 7, 6));
      expect(y3).not.toBe(first.y);
      expect(m.forward(batchOf(3, 7, 7))).toBe(y3);
    });

    it('rejects bad forward/backward input with class and message, mutating nothing', () => {
      const m = new Sequential(mlp(), { backend, seed: 4 });
      expect(() => m.backward(batchOf(2, 3, 1))).toThrow(new RangeError('Sequential.backward: dLoss must be given after a forward pass, got no forward pass yet'));
      const y = m.forward(batchOf(2, 7, 1));
      const yBefore = y.data.slice();
      const values = m.values.slice();
      expect(() => m.forward(batchOf(2, 6, 1))).toThrow(new RangeError('Sequential.forward: x must be of shape [batch, 7], got shape [2, 6]'));
      expect(() => m.forward(Tensor.zeros([14]))).toThrow(new RangeError('Sequential.forward: x must be of shape [batch, 7], got shape [14]'));
      // @ts-expect-error deliberately wrong
      expect(() => m.forward(new Float32Array(14))).toThrow(new TypeError('Sequential.forward: x must be a Tensor, got Float32Array(14)'));
      expect(() => m.backward(batchOf(3, 3, 1))).toThrow(
        new RangeError("Sequential.backward: dLoss must be of shape [2, 3] (the last forward's output), got shape [3, 3]"),
      );
      expect(y.data).toEqual(yBefore);
      expect(m.values).toEqual(values);
      expect(m.grads.every((v) => v === 0)).toBe(true);
      const l = loss('mse', { backend });
      expect(() => l.compute(y, Tensor.zeros([2, 4]))).toThrow(new RangeError("mse: target must be of shape [2, 3] (pred's), got shape [2, 4]"));
      expect(() => l.grad).toThrow(RangeError);
      const ce = loss('softmaxCrossEntropy', { backend });
      expect(() => ce.compute(y, Tensor.from([0, 3]))).toThrow(new RangeError('softmaxCrossEntropy: target[1] must be a class label in [0, 3), got 3'));
      expect(() => ce.compute(y, Tensor.from([0, 0.5]))).toThrow(new RangeError('softmaxCrossEntropy: target[1] must be a class label in [0, 3), got 0.5'));
      expect(y.data).toEqual(yBefore);
    });

    it('Dense with a fused activation equals Dense then the activation layer, bit for bit', () => {
      // denseForward's contract: gemm, bias in float32, then the activation
      // kernel; backward selects on y (or on z for ELU), which picks the same
      // branch as the layer's selection on x.
      const pairs: [DenseActivation, number, () => Layer][] = [
        ['relu', 0.01, () => new ReLU()],
        ['leakyRelu', 0.2, () => new LeakyReLU(0.2)],
        ['leakyRelu', -0.3, () => new LeakyReLU(-0.3)],
        ['elu', 0.7, () => new ELU(0.7)],
        ['sigmoid', 0, () => new Sigmoid()],
        ['tanh', 0, () => new Tanh()],
      ];
      for (const [activation, alpha, make] of pairs) {
        const fused = new Sequential([new Dense(9, 17, { activation, alpha, init: 'he' })], { backend, seed: 4 });
        const split = new Sequential([new Dense(9, 17, { init: 'he' }), make()], { backend, seed: 4 });
        const x = batchOf(5, 9, 8);
        const dy = batchOf(5, 17, 9);
        expect(fused.forward(x).data, activation).toEqual(split.forward(x).data);
        expect(fused.backward(dy).data, activation).toEqual(split.backward(dy).data);
        expect(fused.grads, activation).toEqual(split.grads);
      }
    });

    it('summary() lists layers, shapes and parameter counts', () => {
      const s = new Sequential(mlp(), { backend, seed: 1 }).summary();
      expect(s).toContain(`Sequential (${backend} backend, input [batch, 7])`);
      // 7·9 + 9 = 72; 9; 9·5 + 5 = 50; 5·3 + 3 = 18: 149 in all.
      expect(s).toMatch(/0 {2}Dense\(7→9, relu\) +\[batch, 9\] +72/);
      expect(s).toMatch(/1 {2}PReLU\(per feature\) +\[batch, 9\] +9/);
      expect(s).toContain('total parameters: 149');
    });

    it('toJSON() round-trips through fromConfig to the same architecture and initialisation', () => {
      const layers = [new LeakyReLU(0.2), new Dense(4, 6, { activation: 'leakyRelu', alpha: 0.05, init: 'glorot' }), new ELU(0.5), new Sigmoid(), new ReLU(), new Dense(6, 2, { bias: false })];
      const m = new Sequential(layers, { backend, seed: 9, inputFeatures: 4 });
      const json = JSON.parse(JSON.stringify(m));
      const copy = Sequential.fromConfig(json, { backend, seed: 9 });
      expect(JSON.parse(JSON.stringify(copy))).toEqual(json);
      expect(copy.values).toEqual(m.values);
      const x = batchOf(3, 4, 2);
      expect(copy.forward(x).data).toEqual(m.forward(x).data);
    });
  });
}

describe('Sequential construction errors (no backend work)', () => {
  it('names the offending layer, index and class, with expected vs actual features', () => {
    expect(() => new Sequential([new Dense(4, 8), new ReLU(), new Dense(7, 2)], { backend: 'reference' })).toThrow(
      new RangeError('Sequential: layers[2] (Dense) inFeatures must be 8 to match the output of layers[1] (ReLU), got 7'),
    );
    expect(() => new Sequential([new Tanh(), new Dense(3, 1)], { backend: 'reference' })).toThrow(
      new RangeError('Sequential: options.inputFeatures must be given when layers[0] (Tanh) does not fix its input features, got undefined'),
    );
    expect(() => new Sequential([new Dense(4, 2)], { backend: 'reference', inputFeatures: 5 })).toThrow(
      new RangeError('Sequential: layers[0] (Dense) inFeatures must be 5 (options.inputFeatures), got 4'),
    );
    // @ts-expect-error deliberately wrong
    expect(() => new Sequential([new Dense(4, 2), 'relu'], { backend: 'reference' })).toThrow(new TypeError('Sequential: layers[1] must be a Layer, got string "relu"'));
    expect(() => new Sequential([], { backend: 'reference' })).toThrow(new RangeError('Sequential: layers must be a non-empty array, got an empty array'));
  });

  it('a failed construction leaves the layers usable; a built layer cannot join another model', () => {
    const d = new Dense(4, 8);
    expect(() => new Sequential([d, new Dense(5, 1)], { backend: 'reference' })).toThrow(RangeError);
    expect(d.isBuilt).toBe(false);
    const m = new Sequential([d], { backend: 'reference' });
    expect(m.outputFeatures).toBe(8);
    expect(() => new Sequential([d], { backend: 'reference' })).toThrow(
      new RangeError('Sequential: layers[0] (Dense) must be a layer not already part of a model, got a built layer'),
    );
    expect(() => new Sequential([d, d], { backend: 'reference' })).toThrow(RangeError);
  });

  it('Dense and activation layers validate their options', () => {
    expect(() => new Dense(0, 3)).toThrow(new RangeError('Dense: inFeatures must be an integer >= 1, got 0'));
    // @ts-expect-error deliberately wrong
    expect(() => new Dense(3, 3, { activation: 'softmax' })).toThrow(RangeError);
    // The list's activations in order; 'gelu' and 'silu' follow once their kernels are in the backends.
    // @ts-expect-error deliberately wrong
    expect(() => new Dense(3, 3, { activation: 'softmax' })).toThrow(
      /^Dense: options\.activation must be one of 'relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh'(, 'gelu')?(, 'silu')? or null, got "softmax"$/,
    );
    // @ts-expect-error deliberately wrong
    expect(() => new Dense(3, 3, { init: 'xavier' })).toThrow(
      new RangeError(
        `Dense: options.init must be one of 'he', 'glorot', 'heNormal', 'heUniform', 'glorotNormal', 'glorotUniform', 'lecunNormal', 'lecunUniform', 'torch', 'zeros', 'ones' or { constant: number }, got "xavier"`,
      ),
    );
    expect(() => new Dense(3, 3, { init: { constant: NaN } })).toThrow(/Dense: options.init.constant must be a finite number, got NaN/);
    expect(() => new Dense(3, 3, { activation: 'elu', alpha: NaN })).toThrow(new RangeError('Dense: options.alpha must be a finite number, got NaN'));
    expect(() => new LeakyReLU(Infinity)).toThrow(new RangeError('LeakyReLU: alpha must be a finite number, got Infinity'));
    // @ts-expect-error deliberately wrong
    expect(() => new PReLU({ perFeature: 1 })).toThrow(new TypeError('PReLU: options.perFeature must be a boolean, got 1'));
  });
});

describe('Sequential training-step determinism', () => {
  it('uses the seeded PRNG only (same seed, same step on reference)', () => {
    const run = () => {
      const m = new Sequential(mlp(), { backend: 'reference', seed: 8 });
      const y = m.forward(Tensor.randn([5, 7], { rng: new Rng(1) }));
      m.backward(Tensor.randn([5, 3], { rng: new Rng(2) }));
      return [...y.data, ...m.grads];
    };
    expect(run()).toEqual(run());
  });
});
