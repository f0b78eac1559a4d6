// RMSProp: v ← βv + (1−β)g², θ ← θ − η g / √(v+ε) (ε outside the root with
// epsPlacement 'outside').
import { checkBeta, checkChoice, checkEps, rmspropScalars, type EpsPlacement, type RawOptim } from '../backend/optim.js';
import { withGuard } from '../backend/optim-scalars.js';
import type { Parameter } from '../parameter.js';
import { commonHyper, Optimizer, type CommonHyper, type OptimizerOptions, type OptimizerSpec, type ParamGroup } from './base.js';
import { conventionOf } from './convention.js';

export interface RmspropHyper extends CommonHyper {
  beta: number;
  eps: number;
  epsPlacement: EpsPlacement;
}
export type RmspropOptions = Partial<RmspropHyper> & OptimizerOptions;

export function rmspropUpdate(raw: RawOptim, value: Float32Array, grad: Float32Array, state: readonly Float32Array[], h: RmspropHyper, lr: number, _t: number, scale: number, guard: number): number {
  return raw.rmsStep(value, grad, state[0]!, withGuard(rmspropScalars({ ...h, lr, gradScale: scale }), guard));
}

/** Defaults: note lr 0.001, β 0.9, ε 1e-8 inside; PyTorch lr 0.01, β (alpha) 0.99, ε 1e-8 outside; Keras 3 lr 0.001, β (rho) 0.9, ε 1e-7 inside. */
export function rmspropSpec(options?: RmspropOptions): OptimizerSpec<RmspropHyper> {
  const c = conventionOf('RMSProp', options);
  return {
    kind: 'rmsprop',
    name: 'RMSProp',
    slots: ['v'],
    defaults: {
      lr: c === 'pytorch' ? 0.01 : 0.001,
      weightDecay: 0,
      decoupledWeightDecay: 0,
      beta: c === 'pytorch' ? 0.99 : 0.9,
      eps: c === 'keras' ? 1e-7 : 1e-8,
      epsPlacement: c === 'pytorch' ? 'outside' : 'inside',
    },
    validate: (fn, prefix, h) => ({
      ...commonHyper(fn, prefix, h),
      beta: checkBeta(fn, `${prefix}beta`, h.beta),
      eps: checkEps(fn, `${prefix}eps`, h.eps),
      epsPlacement: checkChoice(fn, `${prefix}epsPlacement`, h.epsPlacement, ['inside', 'outside'] as const),
    }),
    initialState: () => 0,
    update: rmspropUpdate,
  };
}

export class RMSProp extends Optimizer<RmspropHyper> {
  constructor(params: readonly Parameter[] | readonly ParamGroup<RmspropHyper>[], options: RmspropOptions = {}) {
    super(params, options, rmspropSpec(options));
  }
}
