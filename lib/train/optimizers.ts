// Bridges compile()'s optimizer argument (a name or an instance) and the
// optimizer classes, and describes an optimizer for model.json.
import type { Sequential } from '../layers/sequential.js';
import type { OptimizerLike } from './types.js';

export interface OptimizerConfig {
  name: string;
  options: Record<string, unknown>;
}

export function resolveOptimizer(spec: OptimizerLike | string, _model: Sequential): { optimizer: OptimizerLike; config: OptimizerConfig } {
  if (typeof spec === 'string') throw new TypeError(`compile: optimizer names are not available yet, got ${JSON.stringify(spec)}`);
  if (spec === null || typeof spec !== 'object' || typeof spec.step !== 'function') {
    throw new TypeError('compile: optimizer must be an optimizer instance or a name');
  }
  return { optimizer: spec, config: { name: spec.constructor.name, options: {} } };
}

export function rebuildOptimizer(config: OptimizerConfig, _model: Sequential): OptimizerLike {
  throw new Error(`load: cannot rebuild optimizer ${config.name}`);
}
