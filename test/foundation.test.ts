import { describe, expect, it } from 'vitest';
import { backend, info, kernels, useBackend } from '../lib/index.js';
import { tryLoadNative } from '../lib/backend/native.js';

describe('info()', () => {
  it('reports version, backend, SIMD paths and threads', () => {
    const i = info();
    expect(i.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(['native', 'reference']).toContain(i.backend);
    expect(i.simdAvailable).toContain('scalar');
    expect(i.simdAvailable).toContain(i.simd);
    expect(Number.isInteger(i.threads) && i.threads >= 1).toBe(true);
  });

  it('follows NODEGRAD_SIMD when set', () => {
    const forced = process.env.NODEGRAD_SIMD;
    if (!forced || !tryLoadNative()) return;
    expect(info().simd).toBe(forced);
  });
});

describe('useBackend()', () => {
  it('switches the default kernels and back', () => {
    useBackend('reference');
    expect(info().backend).toBe('reference');
    const y = new Float32Array(1);
    kernels.relu(new Float32Array([-3]), y);
    expect(y[0]).toBe(0);
    useBackend('auto');
    expect(info().backend).toBe(tryLoadNative() ? 'native' : 'reference');
  });

  it('rejects unknown names with a TypeError naming the argument', () => {
    // @ts-expect-error deliberately wrong
    expect(() => useBackend('gpu')).toThrow(/useBackend: name must be 'native', 'reference' or 'auto', got string "gpu"/);
  });

  it('backend() returns the same checked object each time', () => {
    expect(backend('reference')).toBe(backend('reference'));
  });
});
