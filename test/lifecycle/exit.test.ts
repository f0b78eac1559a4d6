// A process that ends during training, at each stage, ends with the expected
// exit code and no signal: no crash in the addon's teardown, the thread
// pool's shutdown or a native call in flight. Children: scripts/reliability/exit-child.mjs.
import { beforeAll, describe, expect, it } from 'vitest';
import { backendsUnderTest } from '../helpers/backends.js';
import { ensureDist, runUntilEnd, script } from './run.js';

beforeAll(ensureDist);

const stages: Array<{ stage: string; code: number; signal?: NodeJS.Signals }> = [
  { stage: 'before-first-step', code: 0 },
  { stage: 'mid-epoch', code: 0 },
  { stage: 'natural-end', code: 0 },
  { stage: 'uncaught-mid-epoch', code: 1 },
  { stage: 'signal-during-gemm', code: 0, signal: 'SIGTERM' },
  { stage: 'exit-pool-busy', code: 0 },
];

describe('process exit during training', () => {
  for (const b of backendsUnderTest()) {
    for (const s of stages) {
      it(`[${b.label}] ${s.stage}: exits with code ${s.code} and no crash`, async () => {
        const sig = s.signal;
        const end = await runUntilEnd([script('exit-child.mjs'), s.stage, b.name], sig ? (kill) => kill(sig) : undefined);
        expect(end.signal).toBe(null);
        expect(end.code).toBe(s.code);
        if (s.code === 1) expect(end.stderr).toContain('deliberate failure mid-epoch');
        else expect(end.stderr).toBe('');
      });
    }
  }
});
