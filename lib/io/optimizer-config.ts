// The optimizer as model.json records it: its kind, every parameter group
// (the names of its parameters and its hyper-parameters), clipNorm, the
// convention and the learning-rate schedule's configuration. Enough to build
// the same optimizer over a loaded model, so a resumed run (with the state
// from optimizer.json) continues bitwise, and a model saved without its
// optimizer state still trains only the parameters it trained before.
//
// A schedule that is a user function cannot be written down: the file
// records the marker { type: 'custom' } and load asks the caller for it
// (Sequential.load(dir, { schedule })).
import type { Sequential } from '../model/sequential.js';
import { createOptimizer, Optimizer, OPTIMIZER_NAMES, scheduleConfig, scheduleFromConfig, type OptimizerName, type Schedule, type ScheduleConfig } from '../optim/index.js';
import type { Parameter } from '../parameter.js';

/** The optimizer names model.json may hold: the one list (lib/optim/names.ts). */
export const OPTIMIZER_KINDS: readonly OptimizerName[] = OPTIMIZER_NAMES;

export type SavedSchedule = ScheduleConfig | { type: 'custom' };

export interface OptimizerConfig {
  /** The optimizer's kind: 'sgd', 'adam', ... */
  name: string;
  /** Each group: the model's parameter names it updates and its hyper-parameters. */
  groups?: { params: string[]; hyper: Record<string, unknown> }[];
  clipNorm?: number | null;
  convention?: string;
  schedule?: SavedSchedule | null;
  /** Version-1 files: the first group's hyper-parameters, over every parameter. */
  options?: Record<string, unknown>;
}

function paramNames(model: Sequential): Map<Float32Array, string> {
  return new Map(model.parameters().map((p) => [p.value.data, p.name]));
}

/** The configuration of an optimizer over (a subset of) the model's parameters. */
export function describeOptimizer(o: Optimizer, model: Sequential): OptimizerConfig {
  const names = paramNames(model);
  const { clipNorm, schedule, convention } = o.options;
  return {
    name: o.kind,
    convention,
    clipNorm: clipNorm ?? null,
    schedule: schedule === undefined ? null : (scheduleConfig(schedule) ?? { type: 'custom' }),
    groups: o.paramGroups.map((g, i) => ({
      params: g.params.map((p, j) => {
        const n = names.get(p.value.data);
        if (n === undefined) throw new RangeError(`save: the optimizer's groups[${i}].params[${j}] is not a parameter of this model`);
        return n;
      }),
      hyper: { ...g.hyper },
    })),
  };
}

function fail(at: string, expected: string, got: unknown): never {
  throw new TypeError(`training.optimizer${at} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
}

/**
 * The optimizer a configuration describes, over `model`'s parameters and on
 * its backend. `schedule` supplies a schedule the file marks as a user
 * function. Throws (TypeError/RangeError) when the configuration does not fit.
 */
export function optimizerFromConfig(config: OptimizerConfig, model: Sequential, options: { schedule?: Schedule } = {}): Optimizer {
  if (config === null || typeof config !== 'object') fail('', 'an object { name, groups, ... }', config);
  const name = typeof config.name === 'string' ? (config.name.toLowerCase() as OptimizerName) : undefined;
  if (name === undefined || !OPTIMIZER_KINDS.includes(name)) fail('.name', `one of ${OPTIMIZER_KINDS.map((n) => `'${n}'`).join(', ')}`, config.name);
  const backend = model.backend;
  if (config.groups === undefined) {
    // Version 1: one group over every parameter.
    if (options.schedule !== undefined) throw new RangeError('load: schedule was given but the file records none');
    const o = config.options ?? {};
    if (o === null || typeof o !== 'object' || Array.isArray(o)) fail('.options', 'an object', o);
    return createOptimizer(name, model.parameters(), { ...o, backend });
  }
  if (!Array.isArray(config.groups)) fail('.groups', 'an array', config.groups);
  const byName = new Map(model.parameters().map((p) => [p.name, p]));
  const used = new Set<string>();
  const groups = config.groups.map((g, i) => {
    if (g === null || typeof g !== 'object') fail(`.groups[${i}]`, 'an object { params, hyper }', g);
    if (!Array.isArray(g.params)) fail(`.groups[${i}].params`, 'an array of parameter names', g.params);
    const params: Parameter[] = g.params.map((n, j) => {
      const p = typeof n === 'string' ? byName.get(n) : undefined;
      if (!p) fail(`.groups[${i}].params[${j}]`, `one of the model's parameter names (${[...byName.keys()].join(', ')})`, n);
      if (used.has(n)) fail(`.groups[${i}].params[${j}]`, 'a parameter in no other group', n);
      used.add(n);
      return p;
    });
    if (g.hyper === null || typeof g.hyper !== 'object' || Array.isArray(g.hyper)) fail(`.groups[${i}].hyper`, 'an object', g.hyper);
    if ('params' in g.hyper) fail(`.groups[${i}].hyper.params`, 'absent', g.hyper.params);
    return { ...g.hyper, params };
  });
  const opt: Record<string, unknown> = { backend };
  if (config.convention !== undefined) opt.convention = config.convention;
  if (config.clipNorm !== undefined && config.clipNorm !== null) opt.clipNorm = config.clipNorm;
  const s = config.schedule;
  if (s !== undefined && s !== null && typeof s === 'object' && (s as { type?: unknown }).type === 'custom') {
    if (options.schedule === undefined) {
      throw new RangeError('the optimizer was saved with a schedule that is a user function; pass it again: Sequential.load(dir, { schedule })');
    }
    opt.schedule = options.schedule;
  } else {
    if (options.schedule !== undefined) throw new RangeError('load: schedule was given but the file records a built-in schedule or none');
    if (s !== undefined && s !== null) opt.schedule = scheduleFromConfig(s, 'training.optimizer.schedule');
  }
  // An optimizer over no group at all cannot be expressed by the constructors; the file never holds one.
  if (groups.length === 0) fail('.groups', 'a non-empty array', config.groups);
  return createOptimizer(name, groups as unknown as readonly Parameter[], opt);
}

export { Optimizer };
