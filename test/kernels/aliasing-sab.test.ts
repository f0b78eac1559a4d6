// Aliasing through a cloned SharedArrayBuffer (issue 13.8): structuredClone
// of a SharedArrayBuffer is another object over the same memory, so buffer
// identity misses the overlap. The overlap checks compare memory addresses
// for such pairs (the addon's memoryAddress), on both backends, with the
// same RangeError as for views of one buffer; nothing is written. The
// native binding of the optimizer steps also checks addresses itself, for
// callers of the raw kernels.
import { describe, expect, it } from 'vitest';
import { tryLoadNative } from '../../lib/backend/native.js';
import { scalarBlock } from '../../lib/backend/optim-scalars.js';
import { backendsUnderTest } from '../helpers/backends.js';

const addon = tryLoadNative() as unknown as Record<string, (...a: unknown[]) => unknown> | undefined;
const note = addon ? '' : ' (skipped: without the native addon addresses are unknown and the check falls back to buffer identity)';

const sabF32 = (n: number, fill = 1): Float32Array => new Float32Array(new SharedArrayBuffer(4 * n)).fill(fill);
const cloneView = (a: Float32Array, offset = 0, length = a.length - offset): Float32Array => new Float32Array(structuredClone(a.buffer as SharedArrayBuffer), a.byteOffset + 4 * offset, length);

for (const b of backendsUnderTest()) {
  describe(`overlap through a structuredClone'd SharedArrayBuffer [${b.label}]`, () => {
    const k = b.kernels;
    it.skipIf(!addon)(`gemm with C over A's memory is refused, nothing written${note}`, () => {
      const a = sabF32(16, 0.5);
      const c = cloneView(a); // the same 64 bytes, another SharedArrayBuffer object
      expect(c.buffer).not.toBe(a.buffer);
      const bm = new Float32Array(16).fill(2);
      const before = a.slice();
      expect(() => k.gemm(a, bm, c, 4, 4, 4)).toThrow(RangeError);
      expect(() => k.gemm(a, bm, c, 4, 4, 4)).toThrow('gemm: c must be memory separate from a, got the same memory as a');
      expect(a).toEqual(before);
      // A partial overlap (C starting 4 floats into A) is refused too.
      const a2 = sabF32(20, 0.5);
      expect(() => k.gemm(a2.subarray(0, 16), bm, cloneView(a2, 4, 16), 4, 4, 4)).toThrow('gemm: c must be memory separate from a, got memory overlapping a');
    });

    it.skipIf(!addon)(`momentumStep with m over param's memory is refused, nothing written${note}`, () => {
      const p = sabF32(9, 1);
      const m = cloneView(p);
      const g = new Float32Array(9).fill(0.5);
      expect(() => k.momentumStep(p, g, m, { lr: 0.1 })).toThrow(RangeError);
      expect(() => k.momentumStep(p, g, m, { lr: 0.1 })).toThrow('momentumStep: param must be memory separate from m, got the same memory as m');
      expect([...p]).toEqual(new Array(9).fill(1));
    });

    it('separate SharedArrayBuffers, and adjacent views of clones, are accepted', () => {
      const p = sabF32(8, 1);
      const m = sabF32(8, 0);
      k.momentumStep(p, new Float32Array(8).fill(1), m, { lr: 0.5, variant: 'classic' });
      expect([...p]).toEqual(new Array(8).fill(0.5));
      const arena = sabF32(8, 1);
      const right = cloneView(arena, 4, 4);
      k.sgdStep(arena.subarray(0, 4), right, { lr: 0.5 });
      expect([...arena]).toEqual([0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1]);
    });
  });
}

describe.skipIf(!addon)(`the native optimizer binding checks addresses itself${note}`, () => {
  it('raw adamStep with v over m (a clone) throws before writing', () => {
    const n = 5;
    const m = sabF32(n, 0.25);
    const v = cloneView(m);
    const p = new Float32Array(n).fill(1);
    const block = scalarBlock({ lr: 0.1, b1: 0.9, c1: 0.1, b2: 0.999, c2: 0.001, k: 1, eps: 1e-8 });
    expect(() => addon!.adamStep!(p, new Float32Array(n), m, v, block)).toThrow('adamStep: m must be memory separate from v, got the same memory as v');
    expect([...p, ...m]).toEqual([...new Array(n).fill(1), ...new Array(n).fill(0.25)]);
  });
  it('memoryAddress: a clone reports the same address, a subarray its offset', () => {
    const a = sabF32(8);
    const at = addon!.memoryAddress!(a) as number;
    expect(addon!.memoryAddress!(cloneView(a))).toBe(at);
    expect(addon!.memoryAddress!(a.subarray(3))).toBe(at + 12);
    expect(() => addon!.memoryAddress!({})).toThrow('memoryAddress: view must be a typed array');
  });
});
