// The optimizer's state dict: step count, each group's hyper-parameters,
// parameter shapes and state slots (base64 float32), written by stateDict()
// and checked completely by loadStateDict() before anything changes.
import { checkInteger, describe, rangeError, typeError } from '../errors.js';
import type { CommonHyper, HyperValue, OptimizerSpec } from './base.js';
import { decodeF32, encodeF32 } from './codec.js';
import { checkKeys, type Group } from './groups.js';
import { checkSlotValues } from './state-check.js';

export interface GroupStateDict {
  hyper: Record<string, HyperValue>;
  /** Shapes of the group's parameters, in order. */
  shapes: number[][];
  /** Each state slot as base64 of its little-endian float32 bytes; null before the first step. */
  state: Record<string, string> | null;
}

export interface OptimizerStateDict {
  kind: string;
  format: 1;
  /** Steps taken. */
  step: number;
  groups: GroupStateDict[];
}

/** One group's hyper-parameters and state as read from a state dict. */
export interface LoadedGroup<H> {
  hyper: H;
  /** One array per slot, or null when the state dict holds no state yet. */
  arenas: Float32Array[] | null;
}

/** Every group's entry of the state dict. */
export function groupStates<H>(groups: readonly Group<H>[], slots: readonly string[]): GroupStateDict[] {
  return groups.map((g) => ({
    hyper: { ...(g.hyper as unknown as Record<string, HyperValue>) },
    shapes: g.params.map((p) => [...p.value.shape]),
    state: g.arenas ? Object.fromEntries(slots.map((s, j) => [s, encodeF32(g.arenas![j]!)])) : null,
  }));
}

/** Checks `dict` against the optimizer's kind and groups; returns what to commit, or throws having changed nothing. */
export function checkStateDict<H extends CommonHyper>(
  fn: string,
  dict: OptimizerStateDict,
  kind: string,
  groups: readonly Group<H>[],
  spec: OptimizerSpec<H>,
): { step: number; groups: LoadedGroup<H>[] } {
  if (typeof dict !== 'object' || dict === null) throw typeError(fn, 'state', 'an object', dict);
  if (dict.kind !== kind) throw rangeError(fn, 'state.kind', `'${kind}'`, describe(dict.kind));
  if (dict.format !== 1) throw rangeError(fn, 'state.format', '1', describe(dict.format));
  const step = checkInteger(fn, 'state.step', dict.step, 0);
  if (!Array.isArray(dict.groups)) throw typeError(fn, 'state.groups', 'an array', dict.groups);
  if (dict.groups.length !== groups.length) {
    throw rangeError(fn, 'state.groups', `an array of ${groups.length} groups`, `${dict.groups.length} groups`);
  }
  return { step, groups: dict.groups.map((gd, i) => checkGroupState(fn, `state.groups[${i}]`, gd, groups[i]!, spec)) };
}

function checkGroupState<H extends CommonHyper>(fn: string, at: string, gd: GroupStateDict, g: Group<H>, spec: OptimizerSpec<H>): LoadedGroup<H> {
  if (typeof gd !== 'object' || gd === null) throw typeError(fn, at, 'an object', gd);
  const shapes = gd.shapes;
  if (!Array.isArray(shapes) || shapes.length !== g.params.length) {
    throw rangeError(fn, `${at}.shapes`, `an array of ${g.params.length} shapes`, Array.isArray(shapes) ? `${shapes.length} shapes` : describe(shapes));
  }
  g.params.forEach((p, j) => {
    const want = p.value.shape;
    const got = shapes[j];
    if (!Array.isArray(got) || got.length !== want.length || got.some((d, k) => d !== want[k])) {
      throw rangeError(fn, `${at}.shapes[${j}]`, `[${want.join(', ')}]`, Array.isArray(got) ? `[${got.join(', ')}]` : describe(got));
    }
  });
  if (typeof gd.hyper !== 'object' || gd.hyper === null) throw typeError(fn, `${at}.hyper`, 'an object', gd.hyper);
  for (const k of Object.keys(spec.defaults)) {
    if (!(k in gd.hyper)) throw rangeError(fn, `${at}.hyper`, `an object with '${k}'`, 'no such key');
  }
  checkKeys(fn, `${at}.hyper.`, gd.hyper, Object.keys(spec.defaults));
  const hyper = spec.validate(fn, `${at}.hyper.`, gd.hyper);
  if (gd.state === null) return { hyper, arenas: null };
  if (typeof gd.state !== 'object') throw typeError(fn, `${at}.state`, 'an object or null', gd.state);
  checkKeys(fn, `${at}.state.`, gd.state, spec.slots);
  const arenas = spec.slots.map((s) => {
    const a = decodeF32(gd.state![s], g.size);
    if (!a) throw rangeError(fn, `${at}.state.${s}`, `base64 of ${g.size} float32 values`, describe(gd.state![s]));
    checkSlotValues(fn, at, s, a, g.params);
    return a;
  });
  return { hyper, arenas };
}
