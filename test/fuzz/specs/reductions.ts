// Fuzz specs of the public reductions-family kernels, derived from the
// family's list (lib/backend/families/reductions.ts). Tolerances from
// test/kernels/reductions.test.ts: every kernel but softmax/logSoftmax is
// bitwise equal to the reference (it repeats the native arithmetic order);
// softmax and logSoftmax differ by the ISA's exp (1 ulp, activations_body.inc)
// on fl32(x − max), then by the sum's and log's propagation of it: 4 ulp, or
// an absolute 2⁻²⁰·(|y| + 1) where logSoftmax cancels near 0 or an element
// is far below the max (where the exp's error is relative to a tiny value).
import fc from 'fast-check';
import type { KernelSpec } from '../engine.js';
import { bitwise, ulpDistance, type Compare } from '../tolerance.js';
import { dim, f32Array } from '../values.js';
import { REDUCTIONS, type PublicReductionEntry } from '../../../lib/backend/families/reductions.js';

const softmaxTol: Compare = (e, a, i) => {
  const ev = e[i]!;
  const av = a[i]!;
  if (Number.isNaN(ev) && Number.isNaN(av)) return undefined;
  if (ulpDistance(ev, av) <= 4) return undefined;
  return Math.abs(ev - av) <= 2 ** -20 * (Math.abs(ev) + 1) ? undefined : `element ${i}: expected ${ev}, got ${av}`;
};

function spec(e: PublicReductionEntry): KernelSpec {
  if (e.kind === 'transpose') {
    return {
      args: [{ role: 'in', name: 'x' }, { role: 'out', name: 'y' }, { role: 'size', name: 'batch' }, { role: 'size', name: 'rows' }, { role: 'size', name: 'cols' }],
      valid: fc.tuple(fc.integer({ min: 0, max: 3 }), dim, dim).chain(([b, r, c]) => fc.tuple(f32Array(b * r * c), f32Array(b * r * c), fc.constant(b), fc.constant(r), fc.constant(c))),
      compare: () => bitwise,
    };
  }
  const yLength = (r: number, c: number) => (e.kind === 'reduceRows' ? r : e.kind === 'reduceCols' ? c : r * c);
  return {
    args: [{ role: 'in', name: 'x' }, { role: 'out', name: 'y' }, { role: 'size', name: 'rows' }, { role: 'size', name: 'cols' }],
    valid: fc.tuple(dim, fc.oneof(dim, fc.constantFrom(31, 32, 33, 48, 64, 65))).chain(([r, c]) => fc.tuple(f32Array(r * c), f32Array(yLength(r, c)), fc.constant(r), fc.constant(c))),
    compare: () => (e.kind === 'mapRows' ? softmaxTol : bitwise),
  };
}

export const reductionSpecs: Record<string, KernelSpec> = Object.fromEntries(
  REDUCTIONS.filter((e): e is PublicReductionEntry => e.public).map((e) => [e.name, spec(e)]),
);
