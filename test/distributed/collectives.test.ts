// Collectives over Gloo between real processes: results against plain sums,
// identical bits on every rank, a lost rank, a stalled rank, rendezvous
// timeouts, and the options' errors.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDist } from '../lifecycle/run.js';
import { resolveOptions } from '../../lib/distributed/options.js';
import { fixture, haveCollectives, runRanks, tcpStore } from './helpers.js';

const script = fixture('collectives.mjs');
// What every rank's ints(n, r) holds (the fixture's formula, evaluated here independently).
const ints = (n: number, r: number) => Array.from({ length: n }, (_, i) => ((i * 7 + r * 13) % 1000) - 500);
function expectedSums(n: number, world: number): number[] {
  const s = new Array<number>(n).fill(0);
  for (let r = 0; r < world; r++) ints(n, r).forEach((v, i) => (s[i]! += v));
  return s;
}

describe.skipIf(!haveCollectives)('collectives (Gloo, 127.0.0.1)', () => {
  for (const [world, kind] of [
    [2, 'file'],
    [3, 'tcp'],
  ] as const) {
    it(`${world} ranks, ${kind} store: allReduce sum/mean, broadcast, barrier`, async () => {
      const ranks = await runRanks(world, script, ['basic'], kind === 'tcp' ? { store: tcpStore() } : {});
      for (const r of ranks) expect(r.json?.error, r.stderr).toBeUndefined();
      for (const n of [0, 1, 1000, 300_001]) {
        const sums = expectedSums(n, world);
        const head = sums.slice(0, 5).concat(n > 5 ? [sums[n - 1]!] : []);
        // Means of integers: the sum is exact, then one division rounded to float32.
        const means = sums.slice(0, 5).map((s) => Math.fround(s / world));
        for (const r of ranks) {
          expect(r.json![`sum${n}`]).toEqual(head);
          expect(r.json![`mean${n}`]).toEqual(means);
        }
      }
      // Float sums depend on the order; every rank must still hold the same bits.
      const bits = new Set(ranks.map((r) => r.json!.floatBits));
      expect(bits.size).toBe(1);
      for (const r of ranks) {
        expect(r.json!.broadcast).toEqual([1.5, -2, Math.fround(3e-3), 7]);
        expect(r.json!.closedRejects).toMatch(/the process group is closed/);
      }
    });
  }

  it('a rank that dies makes the others fail fast, naming it', async () => {
    const ranks = await runRanks(3, script, ['die', '20000']);
    expect(ranks[1]!.code).toBe(7);
    for (const r of [ranks[0]!, ranks[2]!]) {
      expect(r.json?.error, r.stderr).toMatch(/^allReduce on rank \d failed: /);
      expect(r.json!.ms as number).toBeLessThan(20000);
    }
    // Its ring neighbours see the closed connection and can name it by pid.
    expect(ranks.filter((r) => /lost rank 1 \(pid \d+\)/.test(String(r.json?.error))).length).toBeGreaterThanOrEqual(1);
  });

  it('a stalled rank makes the collective time out, not hang', async () => {
    const ranks = await runRanks(2, script, ['stall', '1500']);
    const r0 = ranks[0]!.json!;
    expect(r0.error).toMatch(/allReduce on rank 0 failed: .*[Tt]imed out/);
    // Gloo's timeout, plus scheduling slack on a loaded 2-core machine.
    expect(r0.ms as number).toBeGreaterThanOrEqual(1400);
    expect(r0.ms as number).toBeLessThan(10_000);
  });

  it('a rendezvous whose peers never come rejects within the timeout', async () => {
    const t = Date.now();
    const ranks = await runRanks(1, script, ['basic', '1500'], { env: { WORLD_SIZE: '2' } });
    expect(ranks[0]!.json!.error).toMatch(/rendezvous of rank 0 of 2 through file:.* failed \(timeout 1500 ms\): Wait timeout for key\(s\)/);
    expect(Date.now() - t).toBeLessThan(20_000);
  });

  it('world size 1 needs no peer', async () => {
    const ranks = await runRanks(1, script, ['basic']);
    expect(ranks[0]!.json!.error).toBeUndefined();
    expect(ranks[0]!.json!.sum1000).toEqual(expectedSums(1000, 1).slice(0, 5).concat([expectedSums(1000, 1)[999]!]));
  });
});

describe('distributed.init options', () => {
  const env = { RANK: '1', WORLD_SIZE: '2', NODEGRAD_STORE: 'file:/tmp/x' };
  it('come from the environment, options winning', () => {
    expect(resolveOptions(undefined, env)).toEqual({ rank: 1, worldSize: 2, store: 'file:/tmp/x', timeoutMs: 60000 });
    expect(resolveOptions({ rank: 0, timeout: 5, bind: '10.0.0.2' }, env)).toEqual({ rank: 0, worldSize: 2, store: 'file:/tmp/x', hostname: '10.0.0.2', timeoutMs: 5 });
    expect(resolveOptions({ iface: 'eth0' }, env).iface).toBe('eth0');
  });
  it("read mpirun's variables", () => {
    expect(resolveOptions(undefined, { OMPI_COMM_WORLD_RANK: '3', OMPI_COMM_WORLD_SIZE: '4', NODEGRAD_STORE: 'tcp://h:1234' })).toMatchObject({ rank: 3, worldSize: 4 });
  });
  it.each([
    [{}, {}, RangeError, /worldSize is not set/],
    [{}, { WORLD_SIZE: '2' }, RangeError, /rank is not set/],
    [{}, { WORLD_SIZE: '2', RANK: '2', NODEGRAD_STORE: 'file:/x' }, RangeError, /rank must be an integer in \[0, 1\] \(worldSize 2\), got 2/],
    [{}, { WORLD_SIZE: 'two', RANK: '0' }, RangeError, /worldSize \(from \$WORLD_SIZE\) must be a non-negative integer, got "two"/],
    [{}, { WORLD_SIZE: '2', RANK: '0' }, RangeError, /store is not set/],
    [{ store: 'http://x:1' }, { WORLD_SIZE: '2', RANK: '0' }, RangeError, /store must be file:DIR, tcp:\/\/HOST:PORT or redis:\/\/HOST:PORT, got "http:\/\/x:1"/],
    [{ timeout: 0 }, env, RangeError, /timeout must be an integer >= 1, got 0/],
    [{ worldSize: 0 }, env, RangeError, /worldSize must be an integer >= 1, got 0/],
    [{ rnak: 1 }, env, RangeError, /unknown option "rnak"/],
    [{ bind: 5 }, env, TypeError, /bind must be a string/],
  ] as const)('refuse %j with env %j', (opts, e, cls, msg) => {
    expect(() => resolveOptions(opts as never, e)).toThrow(cls);
    expect(() => resolveOptions(opts as never, e)).toThrow(msg);
  });
});

// The Redis store (Gloo's own) and ranks started by mpirun: run where the
// tools are installed (.ci/run installs them), with a visible line where not.
const redisServer = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
const mpirun = spawnSync('sh', ['-c', 'command -v mpirun'], { encoding: 'utf8' }).stdout.trim();
if (!redisServer) console.log('skipped: redis-server is not installed (apt-get install redis-server): the redis:// store test');
if (!mpirun) console.log('skipped: mpirun is not installed (apt-get install openmpi-bin): the mpirun test');

describe.skipIf(!haveCollectives || !redisServer)('redis:// store', () => {
  it('2 ranks rendezvous through a redis-server on 127.0.0.1', async () => {
    const port = 26379 + (process.pid % 1000);
    const server = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const ranks = await runRanks(2, script, ['basic'], { store: `redis://127.0.0.1:${port}` });
      for (const r of ranks) {
        expect(r.json?.error, r.stderr).toBeUndefined();
        expect(r.json!.sum1000).toEqual(expectedSums(1000, 2).slice(0, 5).concat([expectedSums(1000, 2)[999]!]));
      }
    } finally {
      server.kill('SIGKILL');
    }
  });
});

describe.skipIf(!haveCollectives || !mpirun)('ranks started by mpirun', () => {
  it('read OMPI_COMM_WORLD_RANK/SIZE and rendezvous through the given store', () => {
    ensureDist();
    const dir = mkdtempSync(join(tmpdir(), 'nodegrad-mpi-'));
    try {
      const env: Record<string, string | undefined> = { ...process.env, NODEGRAD_STORE: `file:${dir}`, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
      delete env.RANK;
      delete env.WORLD_SIZE;
      const r = spawnSync(mpirun, ['-np', '2', '--oversubscribe', '--mca', 'btl', 'self,tcp', '--mca', 'btl_tcp_if_include', 'lo', '-x', 'NODEGRAD_STORE', process.execPath, script, 'basic'], {
        encoding: 'utf8',
        env,
        timeout: 60_000,
      });
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l.rank).sort(), r.stdout + r.stderr).toEqual([0, 1]);
      for (const l of lines) {
        expect(l.error).toBeUndefined();
        expect(l.worldSize).toBe(2);
        expect(l.sum1000).toEqual(expectedSums(1000, 2).slice(0, 5).concat([expectedSums(1000, 2)[999]!]));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
