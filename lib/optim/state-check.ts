// Poisoned optimizer state is refused (issue 13.5): a state slot loaded from
// a state dict (or optimizer.json, which goes through loadStateDict) must
// hold finite values, and the slots that are second moments or accumulators
// (every optimizer's 'v': Adam's v, RMSProp's v, AdaGrad's sum of squares)
// must be >= 0. Anything else would turn every weight into NaN on the next
// step, and the refusal names the parameter and element instead.
import { describe, rangeError } from '../errors.js';
import type { Parameter } from '../parameter.js';

/** Slots that are sums or averages of g²: never negative. */
export const NON_NEGATIVE_SLOTS: readonly string[] = ['v'];

/** Throws a RangeError naming the first bad element of `arena` (a group's slot, laid out as its parameters). */
export function checkSlotValues(fn: string, at: string, slot: string, arena: Float32Array, params: readonly Parameter[]): void {
  const nonNegative = NON_NEGATIVE_SLOTS.includes(slot);
  for (let i = 0; i < arena.length; i++) {
    const x = arena[i]!;
    if (Number.isFinite(x) && !(nonNegative && x < 0)) continue;
    // The arena's element i → its parameter and the element within it.
    let k = i;
    let name = '?';
    for (const p of params) {
      name = p.name;
      if (k < p.value.data.length) break;
      k -= p.value.data.length;
    }
    const expected = nonNegative ? 'finite numbers >= 0' : 'finite numbers';
    throw rangeError(fn, `${at}.state.${slot}[${i}]`, `${expected} (parameter '${name}', element ${k})`, describe(x));
  }
}
