// The activation family is listed once per language: the C++ list
// (native/kernels/activations_list.h, exported by the addon as
// `activationKernels` and `fusedActivations`) and the TS list
// (lib/backend/families/activations.ts). They must agree name for name and
// id for id, or a fused layer would run another activation than it names.
import { describe, expect, it } from 'vitest';
import { backend, rawBackend } from '../../lib/backend/index.js';
import { FusedActivation } from '../../lib/backend/gemm.js';
import { backendsUnderTest } from '../helpers/backends.js';
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

// denseForward's fused epilogue runs the activation family's kernel on each
// finished float32 value: for every fused id, the result is bit for bit the
// unfused product + bias followed by that kernel (GELU's two forms included).

for (const b of backendsUnderTest()) {
  describe(`denseForward fused ids [${b.label}]`, () => {
    const raw = rawBackend(b.name);
    const kernels = raw as unknown as Record<string, (x: Float32Array, y: Float32Array, p?: number) => void>;
    const forms: Array<[string, number, (y: Float32Array) => void]> = [];
    for (const e of ACTIVATIONS) {
      if ('approximate' in e) {
        Object.entries(e.approximate).forEach(([form, id], i) => forms.push([`${e.name} ${form}`, id, (y) => kernels[e.name]!(y, y, i)]));
      } else {
        const alpha = 'alphaDefault' in e ? Math.fround(0.3) : 0;
        forms.push([e.name, e.fused, (y) => kernels[e.name]!(y, y, alpha)]);
      }
    }
    it.each(forms)('%s (id %i)', (_name, id, apply) => {
      const [m, n, k] = [5, 37, 19];
      const x = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i) * 2);
      const w = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.37));
      const bias = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3);
      const alpha = Math.fround(0.3);
      const fused = new Float32Array(m * n);
      raw.denseForward(x, w, bias, fused, m, n, k, id as FusedActivation, alpha);
      const plain = new Float32Array(m * n);
      raw.denseForward(x, w, bias, plain, m, n, k, FusedActivation.none, 0);
      apply(plain);
      expect(Buffer.from(fused.buffer).equals(Buffer.from(plain.buffer))).toBe(true);
    });
  });
}
