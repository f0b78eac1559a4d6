// The activation family is listed once per language: the C++ list
// (native/kernels/activations_list.h, exported by the addon as
// `activationKernels` and `fusedActivations`) and the TS list
// (lib/backend/families/activations.ts). They must agree name for name and
// id for id, or a fused layer would run another activation than it names.
import { describe, expect, it } from 'vitest';
import { backend } from '../../lib/backend/index.js';
import { ACTIVATIONS, FUSED_ACTIVATIONS, fusedActivationId } from '../../lib/backend/families/activations.js';
import { tryLoadNative } from '../../lib/backend/native.js';
import { referenceBackend } from '../../lib/backend/reference/index.js';

const kernelNames = ACTIVATIONS.flatMap((e) => [e.name, `${e.name}Backward`]);

describe('activation family list', () => {
  const addon = tryLoadNative() as (ReturnType<typeof tryLoadNative> & { activationKernels?: string[]; fusedActivations?: Record<string, number> }) | undefined;

  it.runIf(addon !== undefined)('C++ kernel list equals the TS list', () => {
    expect(addon!.activationKernels).toEqual(kernelNames);
  });

  it.runIf(addon !== undefined)('C++ fused ids equal the TS ids', () => {
    expect(addon!.fusedActivations).toEqual({ ...FUSED_ACTIVATIONS });
  });

  it('ids are distinct, none is 0, and every entry has one', () => {
    const ids = Object.values(FUSED_ACTIVATIONS);
    expect(new Set(ids).size).toBe(ids.length);
    expect(FUSED_ACTIVATIONS.none).toBe(0);
    expect(fusedActivationId('gelu', 'tanh')).toBe(FUSED_ACTIVATIONS.geluTanh);
    for (const e of ACTIVATIONS) expect(fusedActivationId(e.name)).toBe(e.fused);
  });

  it('every listed kernel exists on both backends, checked and raw', () => {
    for (const name of kernelNames) {
      expect(typeof (referenceBackend as unknown as Record<string, unknown>)[name], `reference ${name}`).toBe('function');
      expect(typeof (backend('reference') as unknown as Record<string, unknown>)[name], `checked ${name}`).toBe('function');
      if (addon) expect(typeof (addon as unknown as Record<string, unknown>)[name], `native ${name}`).toBe('function');
    }
  });
});
