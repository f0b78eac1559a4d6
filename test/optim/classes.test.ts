// Optimizer policy: coalesced spans (one kernel call per group over a model
// arena), parameter groups with their own hyper-parameters, clip by global
// norm, zeroGrad, conventions' defaults, createOptimizer, schedules.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPTIM_SCALARS } from '../../lib/backend/optim-scalars.js';
import { referenceBackend } from '../../lib/backend/reference/index.js';
import {
  AdaGrad, Adam, AdamW, Momentum, RMSProp, SGD, cosineDecay, createOptimizer, exponentialDecay, linearWarmup, multiply, sequence, stepDecay,
} from '../../lib/optim/index.js';
import type { Parameter } from '../../lib/parameter.js';
import { Tensor } from '../../lib/tensor.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { arenaParams } from '../helpers/params.js';

afterEach(() => vi.restoreAllMocks());

describe('package exports', () => {
  it('exposes the optimizers, createOptimizer and the schedules namespace', async () => {
    const ng = await import('../../lib/index.js');
    const a = arenaParams([[2]]);
    expect(ng.createOptimizer('adam', a.params)).toBeInstanceOf(ng.Adam);
    expect(ng.schedules.cosineDecay({ steps: 2 })(0)).toBe(1);
  });
});

describe('spans (reference backend, kernel calls counted)', () => {
  it('a model arena is one kernel call per group', () => {
    const a = arenaParams([[3, 4], [4], [4, 2], [2]]);
    const spy = vi.spyOn(referenceBackend, 'adamStep');
    const opt = new Adam(a.params, { backend: 'reference' });
    opt.step();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![0].length).toBe(12 + 4 + 8 + 2);
  });

  it('separate buffers, or order that breaks contiguity, give one call per run', () => {
    const a = arenaParams([[3], [4], [5]]);
    const loose: Parameter = { name: 'x', value: Tensor.zeros([2]), grad: Tensor.zeros([2]) };
    const spy = vi.spyOn(referenceBackend, 'sgdStep');
    new SGD([a.params[0]!, a.params[2]!, a.params[1]!, loose], { backend: 'reference' }).step();
    // [p0] then [p2] (p1 was skipped), [p1], [loose]: p2 does not continue p0.
    // With several spans each is first checked (guard 2: read only, so the
    // step is all or nothing), then written: count the writing calls.
    const guard = OPTIM_SCALARS.indexOf('guard');
    expect(spy.mock.calls.filter((c) => c[2][guard] !== 2)).toHaveLength(4);
  });

  it('two groups: two calls, each with its own lr; lr 0 leaves its group untouched', () => {
    const a = arenaParams([[4], [3]]);
    a.grads.fill(1);
    const before = a.values.slice();
    const opt = new SGD([{ params: [a.params[0]!], lr: 0.5 }, { params: [a.params[1]!], lr: 0 }], { backend: 'reference' });
    opt.step();
    for (let i = 0; i < 4; i++) expect(a.values[i]).toBe(Math.fround(before[i]! - 0.5));
    expect(a.values.subarray(4)).toEqual(before.subarray(4));
    expect(opt.paramGroups.map((g) => g.hyper.lr)).toEqual([0.5, 0]);
  });
});

for (const b of backendsUnderTest()) {
  describe(`optimizer classes [${b.label}]`, () => {
    it('clipNorm scales every gradient by clipNorm / global norm', () => {
      const a = arenaParams([[2], [2]]);
      a.grads.set([3, 4, 0, 0]); // global norm 5 over both parameters
      const start = a.values.slice();
      const opt = new SGD(a.params, { lr: 1, clipNorm: 1, backend: b.name });
      opt.step();
      expect(opt.lastGradNorm).toBe(5);
      // g scaled by 1/5: θ − 0.6, θ − 0.8 (scale rounded to float32, then one step)
      expect(a.values[0]).toBeCloseTo(start[0]! - 0.6, 6);
      expect(a.values[1]).toBeCloseTo(start[1]! - 0.8, 6);
      expect(a.values[2]).toBe(start[2]);
    });

    it('clipNorm leaves a gradient below the bound alone', () => {
      const a = arenaParams([[2]]);
      a.grads.set([0.3, 0.4]);
      const start = a.values.slice();
      new SGD(a.params, { lr: 1, clipNorm: 1, backend: b.name }).step();
      expect(a.values[0]).toBe(Math.fround(start[0]! - Math.fround(0.3)));
    });

    it('zeroGrad zeroes every gradient', () => {
      const a = arenaParams([[3], [2]]);
      a.grads.fill(7);
      new Adam(a.params, { backend: b.name }).zeroGrad();
      expect(a.grads).toEqual(new Float32Array(5));
    });

    it('state is allocated on the first step, with AdaGrad initialAccumulator', () => {
      const a = arenaParams([[3]]);
      const opt = new AdaGrad(a.params, { convention: 'keras', backend: b.name });
      expect(opt.stateDict().groups[0]!.state).toBeNull();
      opt.step(); // zero gradient: v stays at the initial 0.1
      const v = Buffer.from(opt.stateDict().groups[0]!.state!.v!, 'base64');
      expect([...new Float32Array(v.buffer, v.byteOffset, 3)]).toEqual([0.1, 0.1, 0.1].map(Math.fround));
    });

    it("PyTorch's momentum buffer starts at the gradient", () => {
      const a = arenaParams([[2]]);
      a.grads.set([0.5, -2]);
      const opt = new Momentum(a.params, { convention: 'pytorch', backend: b.name });
      opt.step();
      const m = Buffer.from(opt.stateDict().groups[0]!.state!.m!, 'base64');
      expect([...new Float32Array(m.buffer, m.byteOffset, 2)]).toEqual([0.5, -2]);
    });
  });
}

describe('conventions set the documented defaults', () => {
  const p = arenaParams([[1]]).params;
  const h = (o: { paramGroups: ReadonlyArray<{ hyper: object }> }): object => o.paramGroups[0]!.hyper;
  // Hyper-parameters are kept as given (doubles): every derived constant is
  // computed from them and rounded once, in the kernels' mapping (issue 13.9).
  const f = (x: number): number => x;
  it('note (default)', () => {
    expect(h(new SGD(p))).toEqual({ lr: f(0.01), weightDecay: 0, decoupledWeightDecay: 0 });
    expect(h(new Momentum(p))).toMatchObject({ lr: f(0.01), beta: f(0.9), variant: 'ema' });
    expect(h(new AdaGrad(p))).toMatchObject({ lr: f(0.01), eps: f(1e-8), epsPlacement: 'inside', initialAccumulator: 0 });
    expect(h(new RMSProp(p))).toMatchObject({ lr: f(0.001), beta: f(0.9), eps: f(1e-8), epsPlacement: 'inside' });
    expect(h(new Adam(p))).toMatchObject({ lr: f(0.001), beta1: f(0.9), beta2: f(0.999), eps: f(1e-8), epsHat: false, decoupledWeightDecay: 0 });
    expect(h(new AdamW(p))).toMatchObject({ decoupledWeightDecay: f(0.01) });
  });
  it('pytorch', () => {
    const convention = 'pytorch';
    expect(h(new SGD(p, { convention }))).toMatchObject({ lr: f(0.001) });
    expect(h(new Momentum(p, { convention }))).toMatchObject({ lr: f(0.001), variant: 'classic' });
    expect(h(new AdaGrad(p, { convention }))).toMatchObject({ lr: f(0.01), eps: f(1e-10), epsPlacement: 'outside', initialAccumulator: 0 });
    expect(h(new RMSProp(p, { convention }))).toMatchObject({ lr: f(0.01), beta: f(0.99), eps: f(1e-8), epsPlacement: 'outside' });
    expect(h(new AdamW(p, { convention }))).toMatchObject({ eps: f(1e-8), epsHat: false, decoupledWeightDecay: f(0.01) });
  });
  it('keras (Keras 3)', () => {
    const convention = 'keras';
    expect(h(new Momentum(p, { convention }))).toMatchObject({ lr: f(0.01), variant: 'keras' });
    expect(h(new AdaGrad(p, { convention }))).toMatchObject({ lr: f(0.001), eps: f(1e-7), epsPlacement: 'inside', initialAccumulator: f(0.1) });
    expect(h(new RMSProp(p, { convention }))).toMatchObject({ lr: f(0.001), beta: f(0.9), eps: f(1e-7), epsPlacement: 'inside' });
    expect(h(new AdamW(p, { convention }))).toMatchObject({ eps: f(1e-7), epsHat: true, decoupledWeightDecay: f(0.004) });
  });
  it('an explicit option beats the preset', () => {
    expect(h(new RMSProp(p, { convention: 'pytorch', beta: 0.9, epsPlacement: 'inside' }))).toMatchObject({ beta: f(0.9), epsPlacement: 'inside' });
  });
});

describe('createOptimizer', () => {
  const p = arenaParams([[2]]).params;
  it('builds each optimizer by name with its defaults', () => {
    const kinds = ['sgd', 'momentum', 'adagrad', 'rmsprop', 'adam', 'adamw'] as const;
    for (const k of kinds) expect(createOptimizer(k, p).kind).toBe(k);
    expect(createOptimizer('adam', p)).toBeInstanceOf(Adam);
    expect(createOptimizer('adamw', p)).toBeInstanceOf(AdamW);
  });
  it('returns an instance as is', () => {
    const o = new SGD(p);
    expect(createOptimizer(o, p)).toBe(o);
  });
  it('rejects an unknown name', () => {
    expect(() => createOptimizer('lion' as never, p)).toThrow(TypeError);
    expect(() => createOptimizer('lion' as never, p)).toThrow(
      "createOptimizer: nameOrInstance must be an Optimizer or one of 'sgd', 'momentum', 'adagrad', 'rmsprop', 'adam', 'adamw', got string \"lion\"",
    );
  });
});

describe('schedules', () => {
  it('stepDecay, exponentialDecay', () => {
    const s = stepDecay({ stepSize: 3, gamma: 0.5 });
    expect([0, 1, 2, 3, 5, 6].map(s)).toEqual([1, 1, 1, 0.5, 0.5, 0.25]);
    expect([0, 1, 2].map(exponentialDecay({ gamma: 0.9 }))).toEqual([1, 0.9, 0.9 * 0.9]);
  });
  it('cosineDecay: 1 at 0, midpoint halfway, minFactor at the end and after', () => {
    const s = cosineDecay({ steps: 10, minFactor: 0.2 });
    expect(s(0)).toBe(1);
    expect(s(5)).toBeCloseTo(0.6, 12); // 0.2 + 0.8·(1 + cos(π/2))/2
    expect(s(10)).toBe(0.2);
    expect(s(99)).toBe(0.2);
  });
  it('linearWarmup: (k+1)/steps, then 1', () => {
    const s = linearWarmup({ steps: 4 });
    expect([0, 1, 2, 3, 4, 10].map(s)).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
  });
  it('sequence: warm-up then cosine, the cosine restarting its step count', () => {
    const s = sequence([{ schedule: linearWarmup({ steps: 2 }), steps: 2 }], cosineDecay({ steps: 4 }));
    expect([0, 1, 2].map(s)).toEqual([0.5, 1, 1]);
    expect(s(4)).toBeCloseTo(0.5, 12); // cosine step 2 of 4
    expect(s(6)).toBe(0);
  });
  it('multiply', () => {
    expect(multiply(linearWarmup({ steps: 2 }), exponentialDecay({ gamma: 0.5 }))(0)).toBe(0.5 * 1);
  });
  it('an optimizer applies the factor per step', () => {
    const a = arenaParams([[1]]);
    a.values[0] = 0;
    a.grads[0] = 1;
    const opt = new SGD(a.params, { lr: 1, schedule: stepDecay({ stepSize: 1, gamma: 0.5 }), backend: 'reference' });
    opt.step(); // lr 1
    opt.step(); // lr 0.5
    opt.step(); // lr 0.25
    expect(a.values[0]).toBe(-1.75);
  });
  it('rejects bad arguments', () => {
    expect(() => cosineDecay({ steps: 0 })).toThrow('cosineDecay: steps must be an integer >= 1, got 0');
    expect(() => stepDecay({ stepSize: 2, gamma: -1 })).toThrow('stepDecay: gamma must be a finite number > 0, got -1');
    expect(() => linearWarmup({ steps: 3, startFactor: 2 })).toThrow('linearWarmup: startFactor must be a number in [0, 1], got 2');
  });
});
