// SGD: θ ← θ − η g.
import { sgdScalars, type RawOptim } from '../backend/optim.js';
import { withGuard } from '../backend/optim-scalars.js';
import type { Parameter } from '../parameter.js';
import { commonHyper, Optimizer, type CommonHyper, type OptimizerOptions, type OptimizerSpec, type ParamGroup } from './base.js';
import { conventionOf } from './convention.js';

export type SgdHyper = CommonHyper;
export type SgdOptions = Partial<SgdHyper> & OptimizerOptions;

/** The pure step on one span. */
export function sgdUpdate(raw: RawOptim, value: Float32Array, grad: Float32Array, _state: readonly Float32Array[], h: SgdHyper, lr: number, _t: number, scale: number, guard: number): number {
  return raw.sgdStep(value, grad, withGuard(sgdScalars({ ...h, lr, gradScale: scale }), guard));
}

/** Default lr: 0.01 (note, Keras 3), 0.001 (PyTorch). */
export function sgdSpec(options?: SgdOptions): OptimizerSpec<SgdHyper> {
  const convention = conventionOf('SGD', options);
  return {
    kind: 'sgd',
    name: 'SGD',
    slots: [],
    defaults: { lr: convention === 'pytorch' ? 0.001 : 0.01, weightDecay: 0, decoupledWeightDecay: 0 },
    validate: commonHyper,
    initialState: () => 0,
    update: sgdUpdate,
  };
}

export class SGD extends Optimizer<SgdHyper> {
  constructor(params: readonly Parameter[] | readonly ParamGroup<SgdHyper>[], options: SgdOptions = {}) {
    super(params, options, sgdSpec(options));
  }
}
