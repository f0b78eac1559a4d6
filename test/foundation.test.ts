import { readFileSync } from 'node:fs';
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

  // Linux lists avx512f in /proc/cpuinfo only when the kernel also saves the
  // ZMM state, the same two conditions cpu.cc checks (CPUID and XGETBV).
  it('lists avx512 exactly when the CPU and OS support avx512f (Linux x64)', () => {
    if (process.platform !== 'linux' || process.arch !== 'x64' || !tryLoadNative()) return;
    const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1]?.split(/\s+/) ?? [];
    expect(info().simdAvailable.includes('avx512')).toBe(flags.includes('avx512f'));
    if (flags.includes('avx512f')) expect(info().simdAvailable.indexOf('avx512')).toBe(0);
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
