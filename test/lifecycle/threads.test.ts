// The addon loaded and training in 4 worker_threads at once, bit-identical to
// the same runs on one thread; a worker terminated mid-training leaves the
// process healthy. Scenarios: scripts/reliability/threads.mjs (plain node).
import { beforeAll, describe, expect, it } from 'vitest';
import { backendsUnderTest } from '../helpers/backends.js';
import { ensureDist, runNode, script } from './run.js';

beforeAll(ensureDist);

function lastJson(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Record<string, unknown>;
}

describe('worker threads', () => {
  for (const b of backendsUnderTest()) {
    it(`[${b.label}] 4 workers training at once give the bits of single-thread runs`, () => {
      const r = runNode([script('threads.mjs'), 'parallel', b.name, '1500'], 120_000);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = lastJson(r.stdout);
      expect(out.workers).toBe(4);
      expect(out.identical).toEqual([true, true, true, true]);
      expect(out.distinct).toBe(true);
      // Each worker ran the same SIMD path as the main thread.
      expect(out.workerSimd).toEqual([out.simd, out.simd, out.simd, out.simd]);
    });

    // The background path: a worker terminated while a chunk of steps runs on
    // the libuv pool (Node waits for the running work before it tears the worker down).
    it.runIf(b.name === 'native')(`[${b.label}] a worker terminated inside a background chunk leaves the process able to train`, () => {
      const r = runNode([script('threads.mjs'), 'terminate-chunk', b.name, '800'], 120_000);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = lastJson(r.stdout);
      expect(out.background).toEqual([true, true, true, true, true, true]);
      expect(out.terminateCodes).toEqual([1, 1, 1, 1, 1, 1]);
      expect(out.mainAfter).toBe(true);
      expect(out.newWorkerAfter).toBe(true);
    });

    it(`[${b.label}] a worker terminated mid-training leaves the process able to train`, () => {
      const r = runNode([script('threads.mjs'), 'terminate', b.name, '800'], 120_000);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = lastJson(r.stdout);
      expect(out.terminateCodes).toEqual([1, 1, 1, 1, 1, 1]); // terminate() resolves with exit code 1
      expect(out.mainAfter).toBe(true);
      expect(out.newWorkerAfter).toBe(true);
    });
  }
});
