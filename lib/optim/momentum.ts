// Momentum: the note's EMA m ← βm + (1−β)g, θ ← θ − ηm; variants 'classic'
// (m ← βm + g, PyTorch's buffer: from m = 0 the first step gives m = g),
// 'nesterov' (PyTorch: θ ← θ − η(g + βm)), 'keras' (velocity m ← βm − ηg,
// θ ← θ + m) and 'keras-nesterov' (θ ← θ + βm − ηg).
import { checkBeta, checkChoice, MOMENTUM_VARIANTS, momentumScalars, type MomentumVariant, type RawOptim } from '../backend/optim.js';
import { withGuard } from '../backend/optim-scalars.js';
import type { Parameter } from '../parameter.js';
import { commonHyper, Optimizer, type CommonHyper, type OptimizerOptions, type OptimizerSpec, type ParamGroup } from './base.js';
import { conventionOf } from './convention.js';

export interface MomentumHyper extends CommonHyper {
  beta: number;
  variant: MomentumVariant;
}
export type MomentumOptions = Partial<MomentumHyper> & OptimizerOptions;

export function momentumUpdate(raw: RawOptim, value: Float32Array, grad: Float32Array, state: readonly Float32Array[], h: MomentumHyper, lr: number, _t: number, scale: number, guard: number): number {
  return raw.momentumStep(value, grad, state[0]!, withGuard(momentumScalars({ ...h, lr, gradScale: scale }), guard));
}

/** Defaults: note lr 0.01, 'ema'; PyTorch lr 0.001, 'classic'; Keras 3 lr 0.01, 'keras'; β 0.9 in all. */
export function momentumSpec(options?: MomentumOptions): OptimizerSpec<MomentumHyper> {
  const convention = conventionOf('Momentum', options);
  const variant: MomentumVariant = convention === 'note' ? 'ema' : convention === 'pytorch' ? 'classic' : 'keras';
  return {
    kind: 'momentum',
    name: 'Momentum',
    slots: ['m'],
    defaults: { lr: convention === 'pytorch' ? 0.001 : 0.01, weightDecay: 0, decoupledWeightDecay: 0, beta: 0.9, variant },
    validate: (fn, prefix, h) => ({
      ...commonHyper(fn, prefix, h),
      beta: checkBeta(fn, `${prefix}beta`, h.beta),
      variant: checkChoice(fn, `${prefix}variant`, h.variant, MOMENTUM_VARIANTS),
    }),
    initialState: () => 0,
    update: momentumUpdate,
  };
}

export class Momentum extends Optimizer<MomentumHyper> {
  constructor(params: readonly Parameter[] | readonly ParamGroup<MomentumHyper>[], options: MomentumOptions = {}) {
    super(params, options, momentumSpec(options));
  }
}
