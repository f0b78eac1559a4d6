// An activation entry of the family list (lib/backend/families/activations.ts)
// bound to one backend and one parameter value: the forward and backward
// kernel calls that the activation layers and Dense share, resolved by name
// from the list, so a new entry there needs no code here.
import type { RawBackend } from '../backend/index.js';
import { referenceBackend } from '../backend/reference/index.js';
import { ACTIVATIONS, GELU_APPROXIMATE, type ActivationEntry, type ActivationName, type GeluApproximate } from '../backend/families/activations.js';
import { checkFiniteF32, oneOf, rangeError, stateError, typeError } from '../errors.js';

export { ACTIVATIONS, type ActivationEntry, type ActivationName, type GeluApproximate };

/**
 * The list's entries whose kernels this library has (its reference backend
 * implements them), in the list's order: what Dense's `activation` and the
 * CLI's --activation accept. The list can run ahead of the kernels while an
 * activation is being added; then that name is refused as unknown rather
 * than failing when a model is built.
 */
export const IMPLEMENTED_ACTIVATIONS: readonly ActivationEntry[] = ACTIVATIONS.filter(
  (e) => typeof (referenceBackend as unknown as Record<string, unknown>)[e.name] === 'function',
);

/** The names of IMPLEMENTED_ACTIVATIONS. */
export const ACTIVATION_NAMES: readonly ActivationName[] = IMPLEMENTED_ACTIVATIONS.map((e) => e.name);

export function activationEntryOf(name: ActivationName): ActivationEntry {
  return ACTIVATIONS.find((e) => e.name === name)!;
}

/** An entry's parameter as the layer keeps it: α (float32), GELU's form, or nothing. */
export type ActivationParam = { kind: 'none' } | { kind: 'alpha'; alpha: number } | { kind: 'approximate'; approximate: GeluApproximate };

/** Checks a user's α / approximate for `entry` (undefined: the entry's default); `arg` names it in errors. */
export function activationParam(fn: string, entry: ActivationEntry, arg: string, value: unknown): ActivationParam {
  if (entry.param === 'alpha') {
    if (value === undefined) return { kind: 'alpha', alpha: Math.fround(entry.alphaDefault) };
    if (typeof value !== 'number') throw typeError(fn, arg, 'a finite number', value);
    return { kind: 'alpha', alpha: checkFiniteF32(fn, arg, value) };
  }
  if (entry.param === 'approximate') {
    if (value === undefined) return { kind: 'approximate', approximate: GELU_APPROXIMATE[0] };
    if (typeof value !== 'string') throw typeError(fn, arg, oneOf(GELU_APPROXIMATE), value);
    if (!(GELU_APPROXIMATE as readonly string[]).includes(value)) throw rangeError(fn, arg, oneOf(GELU_APPROXIMATE), JSON.stringify(value));
    return { kind: 'approximate', approximate: value as GeluApproximate };
  }
  return { kind: 'none' };
}

/** The α of an ActivationParam (0 without one): denseForward's `alpha` argument. */
export function alphaOf(p: ActivationParam): number {
  return p.kind === 'alpha' ? p.alpha : 0;
}

/** The raw kernels' scalar for the parameter: α, or the form's index in GELU_APPROXIMATE. */
function rawScalar(p: ActivationParam): number | undefined {
  if (p.kind === 'alpha') return p.alpha;
  if (p.kind === 'approximate') return GELU_APPROXIMATE.indexOf(p.approximate);
  return undefined;
}

export interface BoundActivation {
  forward(x: Float32Array, y: Float32Array): void;
  /** `input` is the forward input x, or its output y when `fromOutput`. */
  backward(input: Float32Array, dy: Float32Array, dx: Float32Array): void;
  /** True when the backward kernel takes the forward output (the entry's backwardInput 'y'). */
  readonly fromOutput: boolean;
}

type Kernel = (...args: (Float32Array | number)[]) => void;

/** The entry's two kernels of `raw` with the parameter applied; throws when the backend lacks them. */
export function bindActivation(owner: string, raw: RawBackend, entry: ActivationEntry, param: ActivationParam): BoundActivation {
  const kernels = raw as unknown as Record<string, Kernel | undefined>;
  const f = kernels[entry.name];
  const b = kernels[`${entry.name}Backward`];
  if (typeof f !== 'function' || typeof b !== 'function') {
    throw stateError(owner, `this backend has no ${entry.name} / ${entry.name}Backward kernels (an addon older than the library?)`);
  }
  const s = rawScalar(param);
  const fromOutput = entry.backwardInput === 'y';
  if (s === undefined) return { forward: (x, y) => f.call(raw, x, y), backward: (i, dy, dx) => b.call(raw, i, dy, dx), fromOutput };
  return { forward: (x, y) => f.call(raw, x, y, s), backward: (i, dy, dx) => b.call(raw, i, dy, dx, s), fromOutput };
}
