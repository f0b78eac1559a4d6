// Optimizers, their state dicts, learning-rate schedules, and createOptimizer
// (what model.compile uses for a name like 'adam').
import { oneOf, typeError } from '../errors.js';
import type { Parameter } from '../parameter.js';
import { AdaGrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { Optimizer } from './base.js';
import { Momentum } from './momentum.js';
import { isOptimizerName, OPTIMIZER_NAMES, type OptimizerName } from './names.js';
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

export { OPTIMIZER_NAMES, isOptimizerName, type OptimizerName } from './names.js';

// A name missing here, or one not in OPTIMIZER_NAMES, does not compile.
const classes = { sgd: SGD, momentum: Momentum, adagrad: AdaGrad, rmsprop: RMSProp, adam: Adam, adamw: AdamW } as const satisfies Record<OptimizerName, unknown>;

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
  const Cls = isOptimizerName(key) ? classes[key] : undefined;
  if (!Cls) throw typeError('createOptimizer', 'nameOrInstance', `an Optimizer or ${oneOf(OPTIMIZER_NAMES)}`, nameOrInstance);
  return new Cls(params, options) as Optimizer;
}
