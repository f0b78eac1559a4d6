// Bridges compile()'s optimizer argument (a name or an instance) and the
// optimizer classes, and describes an optimizer for model.json so that
// Sequential.load can build it again.
import { createOptimizer, isOptimizerName, Optimizer, OPTIMIZER_NAMES, type OptimizerName } from '../optim/index.js';
import { checkObject, oneOf, rangeError, typeError } from '../errors.js';
import type { CompilableModel } from './types.js';

export { OPTIMIZER_NAMES, type OptimizerName };

export interface OptimizerConfig {
  /** The optimizer's kind: 'sgd', 'adam', ... */
  name: string;
  /** Hyper-parameters (of the first parameter group). */
  options: Record<string, unknown>;
}

/** An optimizer over the model's parameters from a name (with `options`) and the model's backend. */
export function optimizerFromConfig(config: OptimizerConfig, model: CompilableModel): Optimizer {
  const fn = 'optimizerFromConfig';
  checkObject(fn, 'config', config, '{ name, options }');
  if (typeof config.name !== 'string') throw typeError(fn, 'config.name', oneOf(OPTIMIZER_NAMES), config.name);
  const name = config.name.toLowerCase();
  if (!isOptimizerName(name)) throw rangeError(fn, 'config.name', oneOf(OPTIMIZER_NAMES), JSON.stringify(config.name));
  return createOptimizer(name, model.parameters(), { ...config.options, backend: model.backend });
}

export function describeOptimizer(o: Optimizer): OptimizerConfig {
  const groups = o.paramGroups;
  return { name: o.kind, options: groups.length > 0 ? { ...groups[0]!.hyper } : {} };
}

export function resolveOptimizer(spec: unknown, model: CompilableModel): { optimizer: Optimizer; config: OptimizerConfig } {
  const expected = `an Optimizer or ${oneOf(OPTIMIZER_NAMES)}`;
  if (typeof spec === 'string') {
    if (!isOptimizerName(spec.toLowerCase())) throw rangeError('compile', 'optimizer', expected, JSON.stringify(spec));
    const optimizer = optimizerFromConfig({ name: spec, options: {} }, model);
    return { optimizer, config: describeOptimizer(optimizer) };
  }
  if (!(spec instanceof Optimizer)) {
    throw typeError('compile', 'optimizer', expected, spec);
  }
  // An optimizer over other parameters would step nothing of this model.
  const mine = new Set(model.parameters().map((p) => p.value.data));
  const theirs = spec.paramGroups.flatMap((g) => g.params);
  if (theirs.length === 0 || theirs.some((p) => !mine.has(p.value.data))) {
    throw rangeError('compile', 'optimizer', "built over this model's parameters (new Adam(model.parameters()))", 'an optimizer over other parameters');
  }
  return { optimizer: spec, config: describeOptimizer(spec) };
}
