// Fuzz specs of the elementwise family, derived from its list
// (lib/backend/families/elementwise.ts). Tolerances: test/shared/elementwise-tolerances.mjs
// (bitwise except exp, log, softplus on the SIMD paths; reasons there).
// Binary and comparison kernels: a and b are out's length or (lengthFree)
// one value, out at least 2 long, so every other length of out is invalid;
// the broadcast form (shapes) is covered by test/kernels/elementwise.test.ts.
import fc from 'fast-check';
import type { KernelSpec } from '../engine.js';
import { bitwise, ulps, type Compare } from '../tolerance.js';
import { f32, f32Array, length } from '../values.js';
import { ELEMENTWISE } from '../../../lib/backend/families/elementwise.js';
import { ULP } from '../../shared/elementwise-tolerances.mjs';

const tolOf = (name: string): Compare => {
  const t = (ULP as Record<string, { simd: number }>)[name];
  return t ? ulps(t.simd) : bitwise;
};
const atLeast2 = length.filter((n) => n >= 2);
const param = fc.oneof(fc.float({ min: -4, max: 4, noNaN: true }), fc.constantFrom(0, -0, 1e-45));

function binary(name: string, u8: boolean): KernelSpec {
  return {
    args: [
      { role: 'in', name: 'a', lengthFree: true },
      { role: 'in', name: 'b', lengthFree: true },
      u8 ? { role: 'out', name: 'out', kind: 'Uint8Array' } : { role: 'out', name: 'out', mayAlias: ['a', 'b'] },
    ],
    valid: atLeast2.chain((n) =>
      fc
        .tuple(fc.constantFrom('vv', 'vs', 'sv'), f32Array(n), f32Array(n), f32Array(1))
        .map(([mode, a, b, s]) => [mode === 'sv' ? s : a, mode === 'vs' ? s : b, u8 ? new Uint8Array(n) : new Float32Array(n)]),
    ),
    compare: () => tolOf(name),
  };
}

function unary(name: string, params: readonly string[]): KernelSpec {
  return {
    args: [{ role: 'in', name: 'x' }, { role: 'out', name: 'y', mayAlias: ['x'] }, ...params.map((p) => ({ role: 'scalar', name: p }) as const)],
    valid: length.chain((n) =>
      fc.tuple(f32Array(n), f32Array(n), fc.array(param, { minLength: params.length, maxLength: params.length })).map(([x, y, ps]) => {
        // clip's bounds in order (lo <= hi).
        if (name === 'clip') ps.sort((p, q) => p - q);
        return [x, y, ...ps];
      }),
    ),
    compare: () => tolOf(name),
  };
}

const grad = (name: string): KernelSpec => ({
  args: [{ role: 'in', name: 'input' }, { role: 'in', name: 'dy' }, { role: 'out', name: 'dx', mayAlias: ['input', 'dy'] }],
  valid: length.chain((n) => fc.tuple(f32Array(n, f32), f32Array(n), f32Array(n))),
  compare: () => tolOf(name),
});

const select: KernelSpec = {
  args: [
    { role: 'in', name: 'condition', kind: 'Uint8Array' },
    { role: 'in', name: 't' },
    { role: 'in', name: 'e' },
    { role: 'out', name: 'out', mayAlias: ['t', 'e'] },
  ],
  valid: length.chain((n) =>
    fc.tuple(fc.uint8Array({ minLength: n, maxLength: n, max: 2 }), f32Array(n), f32Array(n), f32Array(n)).map(([c, t, e, o]) => [c, t, e, o]),
  ),
  compare: () => bitwise,
};

export const elementwiseSpecs: Record<string, KernelSpec> = {
  ...Object.fromEntries(
    ELEMENTWISE.map((e) => [
      e.name,
      e.kind === 'binary' || e.kind === 'compare'
        ? binary(e.name, e.kind === 'compare')
        : e.kind === 'grad'
          ? grad(e.name)
          : unary(e.name, 'params' in e ? e.params : []),
    ]),
  ),
  select,
};
