// Every optimizer by name: OptimizerName, createOptimizer's table, compile's
// check and the CLI's --optimizer all derive from this list.
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adagrad', 'rmsprop', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** True when `name` is one of OPTIMIZER_NAMES (exactly; callers lower-case first where they accept any case). */
export function isOptimizerName(name: unknown): name is OptimizerName {
  return (OPTIMIZER_NAMES as readonly unknown[]).includes(name);
}
