// Invalid hyper-parameters and state dicts that do not fit: the class and
// message of the error, and that parameters, gradients and optimizer state
// are untouched.
import { describe, expect, it } from 'vitest';
import { AdaGrad, Adam, AdamW, Momentum, RMSProp, SGD, type Optimizer, type OptimizerStateDict } from '../../lib/optim/index.js';
import { Tensor } from '../../lib/tensor.js';
import { arenaParams } from '../helpers/params.js';

describe('constructors reject invalid hyper-parameters', () => {
  const a = arenaParams([[3], [2]]);
  const p = a.params;
  const table: [string, () => unknown, ErrorConstructor, string][] = [
    ['lr < 0', () => new Adam(p, { lr: -1 }), RangeError, 'Adam: lr must be a finite number >= 0, got -1'],
    ['lr NaN', () => new SGD(p, { lr: NaN }), RangeError, 'SGD: lr must be a finite number >= 0, got NaN'],
    ['lr Infinity', () => new SGD(p, { lr: Infinity }), RangeError, 'SGD: lr must be a finite number >= 0, got Infinity'],
    ['lr a string', () => new SGD(p, { lr: '0.1' as never }), TypeError, 'SGD: lr must be a finite number >= 0, got string "0.1"'],
    ['beta 1', () => new Momentum(p, { beta: 1 }), RangeError, 'Momentum: beta must be a number in [0, 1), got 1'],
    ['beta < 0', () => new RMSProp(p, { beta: -0.5 }), RangeError, 'RMSProp: beta must be a number in [0, 1), got -0.5'],
    ['beta1 NaN', () => new Adam(p, { beta1: NaN }), RangeError, 'Adam: beta1 must be a number in [0, 1), got NaN'],
    ['beta2 1.5', () => new AdamW(p, { beta2: 1.5 }), RangeError, 'AdamW: beta2 must be a number in [0, 1), got 1.5'],
    ['eps 0', () => new AdaGrad(p, { eps: 0 }), RangeError, 'AdaGrad: eps must be a finite number > 0, got 0'],
    ['eps < 0', () => new Adam(p, { eps: -1e-8 }), RangeError, 'Adam: eps must be a finite number > 0, got -1e-8'],
    ['initialAccumulator < 0', () => new AdaGrad(p, { initialAccumulator: -0.1 }), RangeError, 'AdaGrad: initialAccumulator must be a finite number >= 0, got -0.1'],
    ['weightDecay NaN', () => new Adam(p, { weightDecay: NaN }), RangeError, 'Adam: weightDecay must be a finite number >= 0, got NaN'],
    ['decoupledWeightDecay < 0', () => new AdamW(p, { decoupledWeightDecay: -1 }), RangeError, 'AdamW: decoupledWeightDecay must be a finite number >= 0, got -1'],
    ['clipNorm 0', () => new SGD(p, { clipNorm: 0 }), RangeError, 'SGD: clipNorm must be a finite number > 0, got 0'],
    ['variant unknown', () => new Momentum(p, { variant: 'heavy' as never }), TypeError, "Momentum: variant must be 'ema' | 'classic' | 'nesterov' | 'keras' | 'keras-nesterov' | 'tfjs-nesterov', got string \"heavy\""],
    ['convention unknown', () => new Adam(p, { convention: 'jax' as never }), TypeError, "Adam: convention must be 'note' | 'pytorch' | 'keras', got string \"jax\""],
    ['unknown option', () => new Adam(p, { learningRate: 0.1 } as never), TypeError, 'Adam: learningRate is not a known option (known: lr, weightDecay, decoupledWeightDecay, beta1, beta2, eps, epsHat, backend, clipNorm, schedule, convention)'],
    ['group lr < 0', () => new SGD([{ params: p, lr: -2 }]), RangeError, 'SGD: groups[0].lr must be a finite number >= 0, got -2'],
    ['group beta', () => new Momentum([{ params: [p[0]!] }, { params: [p[1]!], beta: 2 }]), RangeError, 'Momentum: groups[1].beta must be a number in [0, 1), got 2'],
    ['params not an array', () => new SGD(undefined as never), TypeError, 'SGD: params must be an array of parameters or of parameter groups, got undefined'],
    ['grad length', () => new SGD([{ name: 'w', value: Tensor.zeros([3]), grad: Tensor.zeros([2]) }]), RangeError, 'SGD: params[0].grad must be of length 3, got length 2'],
    ['same parameter twice', () => new Adam([p[0]!, p[1]!, p[0]!]), RangeError, 'Adam: params[2].value must be memory separate from params[0].value, got overlapping memory'],
    ['grad aliasing a value', () => new SGD([{ name: 'w', value: p[0]!.value, grad: p[0]!.value }]), RangeError, 'must be memory separate from'],
    ['schedule not a function', () => new SGD(p, { schedule: 3 as never }), TypeError, 'SGD: schedule must be a function (step) => factor, got 3'],
  ];
  for (const [title, call, cls, message] of table) {
    it(title, () => {
      const before = [a.values.slice(), a.grads.slice()];
      expect(call).toThrow(cls);
      expect(call).toThrow(message);
      expect(a.values).toEqual(before[0]);
      expect(a.grads).toEqual(before[1]);
    });
  }
});

describe('step() with a schedule that yields an invalid lr changes nothing', () => {
  it('NaN factor', () => {
    const a = arenaParams([[4]]);
    a.grads.fill(1);
    let factor = 1;
    const opt = new Adam(a.params, { schedule: () => factor, backend: 'reference' });
    opt.step();
    const [values, state] = [a.values.slice(), JSON.stringify(opt.stateDict())];
    factor = NaN;
    expect(() => opt.step()).toThrow(RangeError);
    expect(() => opt.step()).toThrow('Adam.step: scheduled lr of group 0 must be a finite number >= 0, got NaN');
    expect(a.values).toEqual(values);
    expect(JSON.stringify(opt.stateDict())).toBe(state);
    expect(opt.stepCount).toBe(1);
  });
});

describe('loadStateDict rejects a state that does not fit, changing nothing', () => {
  function trained(): { opt: Optimizer; saved: OptimizerStateDict } {
    const a = arenaParams([[2, 3], [3]]);
    a.grads.fill(0.5);
    const opt = new Adam(a.params, { backend: 'reference' });
    opt.step();
    opt.step();
    return { opt, saved: JSON.parse(JSON.stringify(opt.stateDict())) as OptimizerStateDict };
  }
  const edit = (f: (s: OptimizerStateDict & Record<string, unknown>) => void) => (s: OptimizerStateDict): OptimizerStateDict => {
    const c = structuredClone(s) as OptimizerStateDict & Record<string, unknown>;
    f(c);
    return c;
  };
  const g0 = (s: OptimizerStateDict) => s.groups[0]! as unknown as Record<string, unknown> & { hyper: Record<string, unknown>; state: Record<string, unknown>; shapes: unknown[] };
  const table: [string, (s: OptimizerStateDict) => unknown, ErrorConstructor, string][] = [
    ['another optimizer kind', edit((s) => (s.kind = 'sgd')), RangeError, "Adam.loadStateDict: state.kind must be 'adam', got string \"sgd\""],
    ['not an object', () => null, TypeError, 'Adam.loadStateDict: state must be an object, got null'],
    ['unknown format', edit((s) => ((s as Record<string, unknown>).format = 2)), RangeError, 'Adam.loadStateDict: state.format must be 1, got 2'],
    ['negative step', edit((s) => (s.step = -1)), RangeError, 'Adam.loadStateDict: state.step must be an integer >= 0, got -1'],
    ['group count', edit((s) => s.groups.push(s.groups[0]!)), RangeError, 'Adam.loadStateDict: state.groups must be an array of 1 groups, got 2 groups'],
    ['parameter count', edit((s) => g0(s).shapes.pop()), RangeError, 'Adam.loadStateDict: state.groups[0].shapes must be an array of 2 shapes, got 1 shapes'],
    ['a shape', edit((s) => (g0(s).shapes[0] = [3, 2])), RangeError, 'Adam.loadStateDict: state.groups[0].shapes[0] must be [2, 3], got [3, 2]'],
    ['state of the wrong length', edit((s) => (g0(s).state.m = Buffer.alloc(4 * 8).toString('base64'))), RangeError, 'Adam.loadStateDict: state.groups[0].state.m must be base64 of 9 float32 values'],
    ['state not base64', edit((s) => (g0(s).state.v = '@@@@')), RangeError, 'Adam.loadStateDict: state.groups[0].state.v must be base64 of 9 float32 values'],
    ['a slot of another optimizer', edit((s) => (g0(s).state.velocity = g0(s).state.m)), TypeError, 'Adam.loadStateDict: state.groups[0].state.velocity is not a known option (known: m, v)'],
    ['missing hyper-parameter', edit((s) => delete g0(s).hyper.beta2), RangeError, "Adam.loadStateDict: state.groups[0].hyper must be an object with 'beta2', got no such key"],
    ['invalid hyper-parameter', edit((s) => (g0(s).hyper.eps = 0)), RangeError, 'Adam.loadStateDict: state.groups[0].hyper.eps must be a finite number > 0, got 0'],
  ];
  for (const [title, mutate, cls, message] of table) {
    it(title, () => {
      const { opt, saved } = trained();
      const before = JSON.stringify(opt.stateDict());
      const bad = mutate(saved) as OptimizerStateDict;
      expect(() => opt.loadStateDict(bad)).toThrow(cls);
      expect(() => opt.loadStateDict(bad)).toThrow(message);
      expect(JSON.stringify(opt.stateDict())).toBe(before);
    });
  }
  it('a good state round-trips', () => {
    const { opt, saved } = trained();
    opt.loadStateDict(saved);
    expect(opt.stateDict()).toEqual(saved);
  });
});
