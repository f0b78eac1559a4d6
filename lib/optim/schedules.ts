// Learning-rate schedules: functions from the index k of the step about to be
// taken (0 for the first step) to a factor that multiplies every group's lr.
// They keep no state, so a run resumed from a state dict (which stores the
// step count) gets the same factors as one never interrupted. The built-in
// ones remember their configuration (scheduleConfig), so a model file can
// record them and build them again (scheduleFromConfig).
import { rangeError, typeError } from '../errors.js';

export type Schedule = (step: number) => number;

/** A built-in schedule's configuration, as a model file records it. */
export type ScheduleConfig =
  | { type: 'stepDecay'; stepSize: number; gamma: number }
  | { type: 'exponentialDecay'; gamma: number }
  | { type: 'cosineDecay'; steps: number; minFactor: number }
  | { type: 'linearWarmup'; steps: number; startFactor: number }
  | { type: 'sequence'; phases: { schedule: ScheduleConfig; steps: number }[]; then: ScheduleConfig }
  | { type: 'multiply'; schedules: ScheduleConfig[] };

const configs = new WeakMap<Schedule, ScheduleConfig>();

function remember(s: Schedule, c: ScheduleConfig): Schedule {
  configs.set(s, c);
  return s;
}

/** The configuration of a built-in schedule (composed of built-in ones); undefined for a user function. */
export function scheduleConfig(s: Schedule): ScheduleConfig | undefined {
  return configs.get(s);
}

function positiveInt(fn: string, arg: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw rangeError(fn, arg, 'an integer >= 1', String(v));
}
function inUnit(fn: string, arg: string, v: number, closedTop = true): void {
  if (!(v >= 0 && (closedTop ? v <= 1 : v < 1))) throw rangeError(fn, arg, `a number in [0, 1${closedTop ? ']' : ')'}`, String(v));
}
function positive(fn: string, arg: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw rangeError(fn, arg, 'a finite number > 0', String(v));
}

/** Factor gamma^floor(k / stepSize): multiply by gamma every stepSize steps. */
export function stepDecay({ stepSize, gamma = 0.1 }: { stepSize: number; gamma?: number }): Schedule {
  positiveInt('stepDecay', 'stepSize', stepSize);
  positive('stepDecay', 'gamma', gamma);
  return remember((k) => Math.pow(gamma, Math.floor(k / stepSize)), { type: 'stepDecay', stepSize, gamma });
}

/** Factor gamma^k. */
export function exponentialDecay({ gamma }: { gamma: number }): Schedule {
  positive('exponentialDecay', 'gamma', gamma);
  return remember((k) => Math.pow(gamma, k), { type: 'exponentialDecay', gamma });
}

/** Half a cosine from 1 down to minFactor over `steps` steps, then minFactor. */
export function cosineDecay({ steps, minFactor = 0 }: { steps: number; minFactor?: number }): Schedule {
  positiveInt('cosineDecay', 'steps', steps);
  inUnit('cosineDecay', 'minFactor', minFactor);
  return remember((k) => (k >= steps ? minFactor : minFactor + ((1 - minFactor) * (1 + Math.cos((Math.PI * k) / steps))) / 2), { type: 'cosineDecay', steps, minFactor });
}

/** Linear warm-up: startFactor + (1 − startFactor)·(k+1)/steps for the first `steps` steps, then 1. */
export function linearWarmup({ steps, startFactor = 0 }: { steps: number; startFactor?: number }): Schedule {
  positiveInt('linearWarmup', 'steps', steps);
  inUnit('linearWarmup', 'startFactor', startFactor);
  return remember((k) => (k >= steps ? 1 : startFactor + ((1 - startFactor) * (k + 1)) / steps), { type: 'linearWarmup', steps, startFactor });
}

/**
 * Runs schedules one after another: each phase for its `steps`, seeing a step
 * index that restarts at 0; `then` runs after the last phase (e.g.
 * `sequence([{ schedule: linearWarmup({ steps: 100 }), steps: 100 }], cosineDecay({ steps: 900 }))`).
 */
export function sequence(phases: ReadonlyArray<{ schedule: Schedule; steps: number }>, then: Schedule): Schedule {
  phases.forEach((p, i) => positiveInt('sequence', `phases[${i}].steps`, p.steps));
  const s: Schedule = (k) => {
    let start = 0;
    for (const p of phases) {
      if (k < start + p.steps) return p.schedule(k - start);
      start += p.steps;
    }
    return then(k - start);
  };
  const inner = phases.map((p) => configs.get(p.schedule));
  const last = configs.get(then);
  if (inner.every((c) => c !== undefined) && last !== undefined) {
    remember(s, { type: 'sequence', phases: phases.map((p, i) => ({ schedule: inner[i]!, steps: p.steps })), then: last });
  }
  return s;
}

/** The product of several schedules' factors (e.g. warm-up times exponential decay). */
export function multiply(...schedules: Schedule[]): Schedule {
  const s: Schedule = (k) => schedules.reduce((f, x) => f * x(k), 1);
  const inner = schedules.map((x) => configs.get(x));
  if (inner.every((c) => c !== undefined)) remember(s, { type: 'multiply', schedules: inner as ScheduleConfig[] });
  return s;
}

/** Nesting deeper than this in a file is refused rather than recursed into. */
const MAX_DEPTH = 32;

/**
 * Builds a schedule from its configuration, checking every field (a file
 * may hold anything): a TypeError or RangeError naming the field at `at`.
 */
export function scheduleFromConfig(c: unknown, at = 'schedule', depth = 0): Schedule {
  const fn = 'scheduleFromConfig';
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw typeError(fn, at, 'an object { type, ... }', c);
  if (depth > MAX_DEPTH) throw rangeError(fn, at, `nested at most ${MAX_DEPTH} deep`, 'deeper nesting');
  const o = c as Record<string, unknown>;
  const num = (k: string): number => {
    if (typeof o[k] !== 'number') throw typeError(fn, `${at}.${k}`, 'a number', o[k]);
    return o[k] as number;
  };
  const keys = (allowed: string[]): void => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) throw rangeError(fn, `${at}.${k}`, `absent (known: ${allowed.join(', ')})`, 'present');
  };
  switch (o.type) {
    case 'stepDecay':
      keys(['type', 'stepSize', 'gamma']);
      return stepDecay({ stepSize: num('stepSize'), gamma: num('gamma') });
    case 'exponentialDecay':
      keys(['type', 'gamma']);
      return exponentialDecay({ gamma: num('gamma') });
    case 'cosineDecay':
      keys(['type', 'steps', 'minFactor']);
      return cosineDecay({ steps: num('steps'), minFactor: num('minFactor') });
    case 'linearWarmup':
      keys(['type', 'steps', 'startFactor']);
      return linearWarmup({ steps: num('steps'), startFactor: num('startFactor') });
    case 'sequence': {
      keys(['type', 'phases', 'then']);
      if (!Array.isArray(o.phases)) throw typeError(fn, `${at}.phases`, 'an array', o.phases);
      const phases = (o.phases as unknown[]).map((p, i) => {
        if (p === null || typeof p !== 'object') throw typeError(fn, `${at}.phases[${i}]`, 'an object { schedule, steps }', p);
        for (const k of Object.keys(p)) if (k !== 'schedule' && k !== 'steps') throw rangeError(fn, `${at}.phases[${i}].${k}`, 'absent (known: schedule, steps)', 'present');
        const { schedule, steps } = p as Record<string, unknown>;
        if (typeof steps !== 'number') throw typeError(fn, `${at}.phases[${i}].steps`, 'a number', steps);
        return { schedule: scheduleFromConfig(schedule, `${at}.phases[${i}].schedule`, depth + 1), steps };
      });
      return sequence(phases, scheduleFromConfig(o.then, `${at}.then`, depth + 1));
    }
    case 'multiply':
      keys(['type', 'schedules']);
      if (!Array.isArray(o.schedules)) throw typeError(fn, `${at}.schedules`, 'an array', o.schedules);
      return multiply(...(o.schedules as unknown[]).map((x, i) => scheduleFromConfig(x, `${at}.schedules[${i}]`, depth + 1)));
    default:
      throw rangeError(fn, `${at}.type`, "one of 'stepDecay', 'exponentialDecay', 'cosineDecay', 'linearWarmup', 'sequence', 'multiply'", JSON.stringify(o.type) ?? 'undefined');
  }
}
