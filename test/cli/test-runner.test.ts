// scripts/test.mjs's decisions: no colour codes in a log that is not a
// terminal, and a one-line reason (with the fix) when cmake or Ninja is
// missing instead of a bare failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { childEnv, missingTools, missingToolsMessage } from '../../scripts/lib/test-env.mjs';
import { root } from '../train/helpers.js';

const bin = mkdtempSync(join(tmpdir(), 'nodegrad-path-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

describe('npm test environment', () => {
  it('a piped vitest run (as npm test starts it) writes no ANSI escape codes', () => {
    const env = childEnv(false, {}, { ...process.env, FORCE_COLOR: '1' });
    expect(env.NO_COLOR).toBe('1');
    expect('FORCE_COLOR' in env).toBe(false);
    const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/train/data.test.ts', '-t', 'stratifiedSplit'], { cwd: root, encoding: 'utf8', env });
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).toContain('passed');
    expect(r.stdout + r.stderr).not.toContain('\x1b[');
    // On a terminal the caller's colour settings stand.
    expect(childEnv(true, {}, { FORCE_COLOR: '1' })).toEqual({ FORCE_COLOR: '1' });
  });

  it('names cmake and ninja when they are not on the PATH, with how to install or skip', () => {
    // A PATH holding only node: neither tool is found.
    symlinkSync(process.execPath, join(bin, 'node'));
    expect(missingTools(['cmake', 'ninja'], { PATH: bin })).toEqual(['cmake', 'ninja']);
    expect(missingToolsMessage(['ninja'])).toBe(
      'native selftest: not run: ninja not found on the PATH; install them (Debian/Ubuntu: apt-get install cmake ninja-build; macOS: brew install cmake ninja) or skip this suite with NODEGRAD_TEST_SKIP_NATIVE_SELFTEST=1',
    );
  });
});
