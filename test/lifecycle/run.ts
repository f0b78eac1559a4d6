// Runs the plain-node reliability scripts (scripts/reliability/) from tests:
// they need compiled JavaScript, so dist/ is brought up to date first.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;
export const script = (name: string) => join(root, 'scripts', 'reliability', name);

export function ensureDist(): void {
  const r = spawnSync(process.execPath, [script('ensure-dist.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ensure-dist failed: ${r.stdout}${r.stderr}`);
}

export function runNode(args: string[], timeoutMs = 60_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, args, { encoding: 'utf8', timeout: timeoutMs });
}

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts a child; `onReady` runs once its stdout says "ready". */
export function runUntilEnd(args: string[], onReady?: (kill: (s: NodeJS.Signals) => void) => void, timeoutMs = 60_000): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let ready = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!ready && onReady && stdout.includes('ready')) {
        ready = true;
        // Let it get well inside the loop of native calls first.
        setTimeout(() => onReady((s) => child.kill(s)), 100);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
