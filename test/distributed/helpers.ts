// Runs the ranks of a distributed scenario as separate Node processes on
// 127.0.0.1, the way PyTorch's own distributed tests fork world_size
// processes around a file store in a temporary directory.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectivesAvailable } from '../../lib/distributed/index.js';
import { ensureDist, root } from '../lifecycle/run.js';

export { root };
export const fixture = (name: string) => join(root, 'test', 'distributed', 'fixtures', name);

/** Whether this machine built the collectives addon; the suites say so visibly when not. */
export const haveCollectives = collectivesAvailable();
if (!haveCollectives) {
  console.log('skipped: the collectives addon is not built here (apt-get install libgloo-dev libhiredis-dev && npm rebuild)');
}

export interface RankResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last JSON line the rank printed. */
  json: Record<string, unknown> | undefined;
}

let port = 29400 + (process.pid % 500);
/** A fresh loopback TCP store address. */
export const tcpStore = () => `tcp://127.0.0.1:${port++}`;

/** Starts `worldSize` ranks of `script args` with RANK/WORLD_SIZE/NODEGRAD_STORE; resolves when all exit. */
export async function runRanks(worldSize: number, script: string, args: string[], opts: { store?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RankResult[]> {
  ensureDist();
  const dir = opts.store ? undefined : mkdtempSync(join(tmpdir(), 'nodegrad-dist-test-'));
  const store = opts.store ?? `file:${dir}`;
  try {
    return await Promise.all(
      Array.from({ length: worldSize }, (_, rank) => {
        return new Promise<RankResult>((resolve) => {
          const child = spawn(process.execPath, [script, ...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, RANK: String(rank), WORLD_SIZE: String(worldSize), NODEGRAD_STORE: store, ...opts.env },
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d));
          child.stderr.on('data', (d: Buffer) => (stderr += d));
          const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
          child.on('close', (code) => {
            clearTimeout(timer);
            const lines = stdout.trim().split('\n').filter((l) => l.startsWith('{'));
            const last = lines[lines.length - 1];
            resolve({ code, stdout, stderr, json: last ? (JSON.parse(last) as Record<string, unknown>) : undefined });
          });
        });
      }),
    );
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
