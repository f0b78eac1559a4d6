// The optimizer step kernels' list (lib/backend/families/optim.ts), from
// which the bench's optimizer cases are derived, must name exactly the
// checked backend's step kernels, map each onto a raw kernel both backends
// have, and give each state argument in the kernel's own order: a wrong entry
// would benchmark (or, once more is derived from it, run) another kernel.
import { describe, expect, it } from 'vitest';
import { backend, rawBackend } from '../../lib/backend/index.js';
import { OPTIM_STEPS } from '../../lib/backend/families/optim.js';
import { tryLoadNative } from '../../lib/backend/native.js';
import { backendsUnderTest } from '../helpers/backends.js';

describe('optimizer step list', () => {
  it('names exactly the checked step kernels', () => {
    const checked = Object.keys(backend('reference')).filter((k) => k.endsWith('Step'));
    expect(OPTIM_STEPS.map((e) => e.name).sort()).toEqual(checked.sort());
  });

  it('maps onto raw kernels both backends have', () => {
    const addon = tryLoadNative() as unknown as Record<string, unknown> | undefined;
    for (const e of OPTIM_STEPS) {
      expect(typeof (rawBackend('reference') as unknown as Record<string, unknown>)[e.raw], e.raw).toBe('function');
      if (addon) expect(typeof addon[e.raw], e.raw).toBe('function');
    }
  });

  for (const b of backendsUnderTest()) {
    it(`[${b.label}] each entry's example runs, updating param and exactly its state arrays`, () => {
      const k = backend(b.name) as unknown as Record<string, (...a: unknown[]) => void>;
      for (const e of OPTIM_STEPS) {
        const n = 37;
        const p = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
        const g = Float32Array.from({ length: n }, (_, i) => Math.cos(i) * 0.1);
        const state = e.state.map(() => new Float32Array(n));
        const p0 = p.slice();
        k[e.name]!(p, g, ...state, e.example);
        expect(Array.from(p), `${e.name} param`).not.toEqual(Array.from(p0));
        // Starting from zero state, each state array takes a gradient term.
        for (const [i, s] of state.entries()) expect(s.some((v) => v !== 0), `${e.name} ${e.state[i]}`).toBe(true);
      }
    });
  }
});
