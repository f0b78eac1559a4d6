// Optimizers, their state dicts, learning-rate schedules, and createOptimizer
// (what model.compile uses for a name like 'adam').
import { typeError } from '../errors.js';
import type { Parameter } from '../parameter.js';
import { AdaGrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { Optimizer } from './base.js';
import { Momentum } from './momentum.js';
import { RMSProp } from './rmsprop.js';
import { SGD } from './sgd.js';

export { Optimizer, CONVENTIONS } from './base.js';
export type { CommonHyper, Convention, GroupStateDict, OptimizerOptions, OptimizerStateDict, ParamGroup } from './base.js';
export { SGD, type SgdHyper, type SgdOptions } from './sgd.js';
export { Momentum, type MomentumHyper, type MomentumOptions } from './momentum.js';
export { AdaGrad, type AdagradHyper, type AdagradOptions } from './adagrad.js';
export { RMSProp, type RmspropHyper, type RmspropOptions } from './rmsprop.js';
export { Adam, AdamW, type AdamHyper, type AdamOptions } from './adam.js';
export { NonFiniteUpdateError } from './non-finite.js';
export * from './schedules.js';

export type OptimizerName = 'sgd' | 'momentum' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw';

const classes = { sgd: SGD, momentum: Momentum, adagrad: AdaGrad, rmsprop: RMSProp, adam: Adam, adamw: AdamW } as const;

/**
 * An optimizer from a name (with that optimizer's defaults, see README
 * "optim") or an existing instance, returned as is.
 */
export function createOptimizer(
  nameOrInstance: OptimizerName | Optimizer,
  params: readonly Parameter[],
  options: Record<string, unknown> = {},
): Optimizer {
  if (nameOrInstance instanceof Optimizer) return nameOrInstance;
  const key = typeof nameOrInstance === 'string' ? nameOrInstance.toLowerCase() : undefined;
  const Cls = key !== undefined && Object.hasOwn(classes, key) ? classes[key as OptimizerName] : undefined;
  if (!Cls) throw typeError('createOptimizer', 'nameOrInstance', `an Optimizer or one of ${Object.keys(classes).map((k) => `'${k}'`).join(', ')}`, nameOrInstance);
  return new Cls(params, options) as Optimizer;
}
