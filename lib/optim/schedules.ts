// Learning-rate schedules: functions from the index k of the step about to be
// taken (0 for the first step) to a factor that multiplies every group's lr.
// They keep no state, so a run resumed from a state dict (which stores the
// step count) gets the same factors as one never interrupted.
import { rangeError } from '../errors.js';

export type Schedule = (step: number) => number;

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
  return (k) => Math.pow(gamma, Math.floor(k / stepSize));
}

/** Factor gamma^k. */
export function exponentialDecay({ gamma }: { gamma: number }): Schedule {
  positive('exponentialDecay', 'gamma', gamma);
  return (k) => Math.pow(gamma, k);
}

/** Half a cosine from 1 down to minFactor over `steps` steps, then minFactor. */
export function cosineDecay({ steps, minFactor = 0 }: { steps: number; minFactor?: number }): Schedule {
  positiveInt('cosineDecay', 'steps', steps);
  inUnit('cosineDecay', 'minFactor', minFactor);
  return (k) => (k >= steps ? minFactor : minFactor + ((1 - minFactor) * (1 + Math.cos((Math.PI * k) / steps))) / 2);
}

/** Linear warm-up: startFactor + (1 − startFactor)·(k+1)/steps for the first `steps` steps, then 1. */
export function linearWarmup({ steps, startFactor = 0 }: { steps: number; startFactor?: number }): Schedule {
  positiveInt('linearWarmup', 'steps', steps);
  inUnit('linearWarmup', 'startFactor', startFactor);
  return (k) => (k >= steps ? 1 : startFactor + ((1 - startFactor) * (k + 1)) / steps);
}

/**
 * Runs schedules one after another: each phase for its `steps`, seeing a step
 * index that restarts at 0; `then` runs after the last phase (e.g.
 * `sequence([{ schedule: linearWarmup({ steps: 100 }), steps: 100 }], cosineDecay({ steps: 900 }))`).
 */
export function sequence(phases: ReadonlyArray<{ schedule: Schedule; steps: number }>, then: Schedule): Schedule {
  phases.forEach((p, i) => positiveInt('sequence', `phases[${i}].steps`, p.steps));
  return (k) => {
    let start = 0;
    for (const p of phases) {
      if (k < start + p.steps) return p.schedule(k - start);
      start += p.steps;
    }
    return then(k - start);
  };
}

/** The product of several schedules' factors (e.g. warm-up times exponential decay). */
export function multiply(...schedules: Schedule[]): Schedule {
  return (k) => schedules.reduce((f, s) => f * s(k), 1);
}
