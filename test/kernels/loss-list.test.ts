// The losses family is listed once per language: the C++ list
// (native/kernels/losses_list.h, exported by the addon as `lossKernels`) and
// the TS list (lib/backend/families/losses.ts). They must agree name for
// name and in order, or a registration would bind one loss's name to
// another's kernel; and everything derived from the TS list (checked and
// raw kernels on both backends, the names loss() and compile accept) must
// cover every entry.
import { describe, expect, it } from 'vitest';
import { backend } from '../../lib/backend/index.js';
import { LOSSES, LOSS_KERNELS } from '../../lib/backend/families/losses.js';
import { tryLoadNative } from '../../lib/backend/native.js';
import { referenceBackend } from '../../lib/backend/reference/index.js';
import { LOSS_NAMES, loss } from '../../lib/index.js';

describe('losses family list', () => {
  const addon = tryLoadNative() as (ReturnType<typeof tryLoadNative> & { lossKernels?: string[] }) | undefined;

  it.runIf(addon !== undefined)('C++ kernel list equals the TS list, in order', () => {
    expect(addon!.lossKernels).toEqual([...LOSS_KERNELS]);
  });

  it('the kernel list is each loss followed by its labels kernel', () => {
    // Written out, not derived: a wrong derivation must fail here.
    expect([...LOSS_KERNELS]).toEqual(['mse', 'softmaxCrossEntropy', 'softmaxCrossEntropyLabels', 'binaryCrossEntropy']);
    expect([...LOSS_NAMES]).toEqual(LOSSES.map((e) => e.name));
  });

  it('every listed raw kernel exists on both backends', () => {
    for (const name of LOSS_KERNELS) {
      expect(typeof (referenceBackend as unknown as Record<string, unknown>)[name], `reference ${name}`).toBe('function');
      if (addon) expect(typeof (addon as unknown as Record<string, unknown>)[name], `native ${name}`).toBe('function');
    }
  });

  it('every loss has a checked kernel and a Loss by name', () => {
    for (const e of LOSSES) {
      expect(typeof (backend('reference') as unknown as Record<string, unknown>)[e.name], `checked ${e.name}`).toBe('function');
      expect(loss(e.name, { backend: 'reference' }).name).toBe(e.name);
    }
  });

  it.runIf(addon !== undefined)('the native binding names each kernel\'s first argument as the list does', () => {
    const raw = addon as unknown as Record<string, (...a: unknown[]) => number>;
    for (const e of LOSSES) {
      const args = e.kind === 'rows' ? [new Float32Array(1), new Float32Array(1), 1, 1] : [new Float32Array(1), new Float32Array(1)];
      expect(() => raw[e.name]!('not an array', ...args), e.name).toThrow(new RegExp(`^${e.first}\\b`));
    }
  });

  it('probability-target losses refuse a target outside [0, 1]; value losses accept it', () => {
    const k = backend('reference') as unknown as Record<string, (...a: unknown[]) => number>;
    for (const e of LOSSES) {
      const z = new Float32Array([0.5, -0.5]);
      const t = new Float32Array([2, 0]);
      const g = new Float32Array(2);
      const call = () => (e.kind === 'rows' ? k[e.name]!(z, t, g, 1, 2) : k[e.name]!(z, t, g));
      if (e.targets === 'probabilities') expect(call, e.name).toThrow(RangeError);
      else expect(call(), e.name).toBeGreaterThan(0);
    }
  });
});
