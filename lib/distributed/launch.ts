// `nodegrad launch`: starts N ranks of one command on this machine, like
// torchrun. Each rank gets RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE and
// NODEGRAD_STORE (a file store in a fresh temporary directory); its output is
// prefixed with its rank. The first rank to fail stops the others, and its
// status is the launcher's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { constants } from 'node:os';
import { checkInteger, typeError } from '../errors.js';

export interface LaunchOptions {
  /** Number of ranks to start. */
  nproc: number;
  /** The command and its arguments, e.g. ['node', 'train.mjs']. */
  command: readonly string[];
  /** The rendezvous (default: a file store in a fresh temporary directory, removed at the end). */
  store?: string;
  /** Prefix each output line with "[rank N] " (default true). */
  prefix?: boolean;
  /** Milliseconds between SIGTERM and SIGKILL when stopping the other ranks (default 5000). */
  killGraceMs?: number;
  /** Where output goes (default process.stdout / process.stderr). */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

function statusOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal ? (constants.signals as Record<string, number>)[signal] : undefined;
  return 128 + (n ?? 1);
}

/** Runs the ranks; resolves to the exit status (0, or the first failing rank's). */
export function launch(options: LaunchOptions): Promise<number> {
  const fn = 'launch';
  checkInteger(fn, 'nproc', options.nproc, 1);
  if (!Array.isArray(options.command) || options.command.length === 0 || !options.command.every((s) => typeof s === 'string')) {
    throw typeError(fn, 'command', 'a non-empty array of strings', options.command);
  }
  const n = options.nproc;
  const dir = options.store === undefined ? mkdtempSync(join(tmpdir(), 'nodegrad-launch-')) : undefined;
  const store = options.store ?? `file:${dir}`;
  const out = options.stdout ?? process.stdout;
  const err = options.stderr ?? process.stderr;
  const prefix = options.prefix ?? true;
  const grace = options.killGraceMs ?? 5000;
  const [cmd, ...args] = options.command as [string, ...string[]];

  return new Promise((resolve) => {
    const children: ChildProcess[] = [];
    let running = n;
    let status: number | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const stopOthers = (signal: NodeJS.Signals): void => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
      killTimer ??= setTimeout(() => {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      }, grace);
      killTimer.unref();
    };
    const forward = (signal: NodeJS.Signals) => () => {
      status ??= statusOf(null, signal);
      stopOthers(signal);
    };
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);

    const pipe = (stream: NodeJS.ReadableStream | null, to: NodeJS.WritableStream, rank: number): Promise<void> => {
      if (!stream) return Promise.resolve();
      if (!prefix) {
        stream.pipe(to, { end: false });
        return new Promise((r) => stream.on('end', r));
      }
      const rl = createInterface({ input: stream, crlfDelay: Infinity });
      rl.on('line', (line) => to.write(`[rank ${rank}] ${line}\n`));
      return new Promise((r) => rl.on('close', r));
    };

    for (let rank = 0; rank < n; rank++) {
      const child = spawn(cmd, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          RANK: String(rank),
          WORLD_SIZE: String(n),
          LOCAL_RANK: String(rank),
          LOCAL_WORLD_SIZE: String(n),
          NODEGRAD_STORE: store,
        },
      });
      children.push(child);
      const piped = Promise.all([pipe(child.stdout, out, rank), pipe(child.stderr, err, rank)]);
      let settled = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
        if (settled) return;
        settled = true;
        if (spawnError) err.write(`nodegrad launch: rank ${rank}: cannot start ${cmd}: ${spawnError.message}\n`);
        const s = spawnError ? 127 : statusOf(code, signal);
        if (s !== 0 && status === undefined) {
          status = s;
          err.write(`nodegrad launch: rank ${rank} exited with status ${s}; stopping the other ranks\n`);
          stopOthers('SIGTERM');
        }
        void piped.then(() => {
          if (--running > 0) return;
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
          if (killTimer) clearTimeout(killTimer);
          if (dir) rmSync(dir, { recursive: true, force: true });
          resolve(status ?? 0);
        });
      };
      child.on('error', (e) => finish(null, null, e));
      child.on('exit', (code, signal) => finish(code, signal));
    }
  });
}
