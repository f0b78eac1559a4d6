// Adam: m, v EMAs; θ ← θ − η m̂ / (√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ);
// epsHat: Keras's form, ε added to √v. AdamW: the same with decoupled weight
// decay θ ← θ − ηλθ on by default.
import { adamScalars, checkBeta, checkEps, type RawOptim } from '../backend/optim.js';
import { withGuard } from '../backend/optim-scalars.js';
import { typeError } from '../errors.js';
import type { Parameter } from '../parameter.js';
import { commonHyper, Optimizer, type CommonHyper, type OptimizerOptions, type OptimizerSpec, type ParamGroup } from './base.js';
import { conventionOf } from './convention.js';

export interface AdamHyper extends CommonHyper {
  beta1: number;
  beta2: number;
  eps: number;
  epsHat: boolean;
}
export type AdamOptions = Partial<AdamHyper> & OptimizerOptions;

export function adamUpdate(raw: RawOptim, value: Float32Array, grad: Float32Array, state: readonly Float32Array[], h: AdamHyper, lr: number, t: number, scale: number, guard: number): number {
  return raw.adamStep(value, grad, state[0]!, state[1]!, withGuard(adamScalars({ ...h, lr, step: t, gradScale: scale }), guard));
}

/**
 * Defaults: lr 0.001, β₁ 0.9, β₂ 0.999 everywhere; ε 1e-8 (note, PyTorch) or
 * 1e-7 with epsHat (Keras 3). AdamW's λ: 0.01 (note, PyTorch), 0.004 (Keras 3).
 */
export function adamSpec(options: AdamOptions | undefined, decoupled: boolean): OptimizerSpec<AdamHyper> {
  const name = decoupled ? 'AdamW' : 'Adam';
  const c = conventionOf(name, options);
  return {
    kind: decoupled ? 'adamw' : 'adam',
    name,
    slots: ['m', 'v'],
    defaults: {
      lr: 0.001,
      weightDecay: 0,
      decoupledWeightDecay: decoupled ? (c === 'keras' ? 0.004 : 0.01) : 0,
      beta1: 0.9,
      beta2: 0.999,
      eps: c === 'keras' ? 1e-7 : 1e-8,
      epsHat: c === 'keras',
    },
    validate: (fn, prefix, h) => {
      if (typeof h.epsHat !== 'boolean') throw typeError(fn, `${prefix}epsHat`, 'a boolean', h.epsHat);
      return {
        ...commonHyper(fn, prefix, h),
        beta1: checkBeta(fn, `${prefix}beta1`, h.beta1),
        beta2: checkBeta(fn, `${prefix}beta2`, h.beta2),
        eps: checkEps(fn, `${prefix}eps`, h.eps),
        epsHat: h.epsHat,
      };
    },
    initialState: () => 0,
    update: adamUpdate,
  };
}

export class Adam extends Optimizer<AdamHyper> {
  constructor(params: readonly Parameter[] | readonly ParamGroup<AdamHyper>[], options: AdamOptions = {}) {
    super(params, options, adamSpec(options, false));
  }
}

export class AdamW extends Optimizer<AdamHyper> {
  constructor(params: readonly Parameter[] | readonly ParamGroup<AdamHyper>[], options: AdamOptions = {}) {
    super(params, options, adamSpec(options, true));
  }
}
