// A process that ends during training, at each stage, ends with the expected
// exit code and no signal: no crash in the addon's teardown, the thread
// pool's shutdown or a native call in flight. Children: scripts/reliability/exit-child.mjs.
import { describe, expect, it } from 'vitest';
import { backendsUnderTest } from '../helpers/backends.js';
import { ensureDist, runNode, runUntilEnd, script } from './run.js';

ensureDist();
// The fit stages run where the package has model.fit (it does once training
// has landed); until then this title says so instead of skipping silently.
const hasFit = runNode([script('exit-child.mjs'), 'has-fit', 'reference']).stdout.trim() === 'yes';

const stages: Array<{ stage: string; code: number; signal?: NodeJS.Signals }> = [
  { stage: 'before-first-step', code: 0 },
  { stage: 'mid-epoch', code: 0 },
  { stage: 'natural-end', code: 0 },
  { stage: 'uncaught-mid-epoch', code: 1 },
  { stage: 'signal-during-gemm', code: 0, signal: 'SIGTERM' },
  { stage: 'exit-pool-busy', code: 0 },
  ...(hasFit
    ? [
        { stage: 'fit-before-first-step', code: 0 },
        { stage: 'fit-mid-epoch', code: 0 },
        { stage: 'fit-uncaught', code: 1 },
        { stage: 'fit-signal', code: 0, signal: 'SIGTERM' as const },
        { stage: 'fit-exit-worker-busy', code: 0 },
        { stage: 'fit-exit-during-chunk', code: 0 },
        { stage: 'fit-main-mid-epoch', code: 0 },
        { stage: 'predict-async-exit', code: 0 },
      ]
    : []),
];

it(`model.fit stages ${hasFit ? 'are included' : 'are not run: this package has no model.fit yet'}`, () => {
  expect(runNode([script('exit-child.mjs'), 'has-fit', 'reference']).stdout.trim()).toBe(hasFit ? 'yes' : 'no');
});

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
