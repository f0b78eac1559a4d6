// AdaGrad: v ← v + g², θ ← θ − η g / √(v+ε) (ε outside the root with
// epsPlacement 'outside'); v starts at initialAccumulator.
import { adagradScalars, checkChoice, checkEps, checkNonNegative, type EpsPlacement, type RawOptim } from '../backend/optim.js';
import { withGuard } from '../backend/optim-scalars.js';
import type { Parameter } from '../parameter.js';
import { commonHyper, Optimizer, type CommonHyper, type OptimizerOptions, type OptimizerSpec, type ParamGroup } from './base.js';
import { conventionOf } from './convention.js';

export interface AdagradHyper extends CommonHyper {
  eps: number;
  epsPlacement: EpsPlacement;
  initialAccumulator: number;
}
export type AdagradOptions = Partial<AdagradHyper> & OptimizerOptions;

export function adagradUpdate(raw: RawOptim, value: Float32Array, grad: Float32Array, state: readonly Float32Array[], h: AdagradHyper, lr: number, _t: number, scale: number, guard: number): number {
  return raw.rmsStep(value, grad, state[0]!, withGuard(adagradScalars({ ...h, lr, gradScale: scale }), guard));
}

/** Defaults: note lr 0.01, ε 1e-8 inside, v₀ 0; PyTorch lr 0.01, ε 1e-10 outside, v₀ 0; Keras 3 lr 0.001, ε 1e-7 inside, v₀ 0.1. */
export function adagradSpec(options?: AdagradOptions): OptimizerSpec<AdagradHyper> {
  const c = conventionOf('AdaGrad', options);
  return {
    kind: 'adagrad',
    name: 'AdaGrad',
    slots: ['v'],
    defaults: {
      lr: c === 'keras' ? 0.001 : 0.01,
      weightDecay: 0,
      decoupledWeightDecay: 0,
      eps: c === 'note' ? 1e-8 : c === 'pytorch' ? 1e-10 : 1e-7,
      epsPlacement: c === 'pytorch' ? 'outside' : 'inside',
      initialAccumulator: c === 'keras' ? 0.1 : 0,
    },
    validate: (fn, prefix, h) => ({
      ...commonHyper(fn, prefix, h),
      eps: checkEps(fn, `${prefix}eps`, h.eps),
      epsPlacement: checkChoice(fn, `${prefix}epsPlacement`, h.epsPlacement, ['inside', 'outside'] as const),
      initialAccumulator: checkNonNegative(fn, `${prefix}initialAccumulator`, h.initialAccumulator),
    }),
    initialState: (h) => h.initialAccumulator,
    update: adagradUpdate,
  };
}

export class AdaGrad extends Optimizer<AdagradHyper> {
  constructor(params: readonly Parameter[] | readonly ParamGroup<AdagradHyper>[], options: AdagradOptions = {}) {
    super(params, options, adagradSpec(options));
  }
}
