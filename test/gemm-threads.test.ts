// The process-wide pool under worker_threads and at process exit: several
// JS threads calling the native gemm at once share one pool (their calls
// queue) and get the same bits as a lone call; a process that exits while
// the pool is idle, or while another thread is mid-call, exits cleanly.
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { packageRoot, tryLoadNative } from '../lib/backend/native.js';

const native = tryLoadNative();

// Plain JS run in worker threads and child processes: loads the addon the
// way the package does and multiplies a fixed pseudo-random 200×230×260.
const setup = `
const { createRequire } = require('node:module');
const addon = createRequire(${JSON.stringify(packageRoot + '/package.json')})('node-gyp-build')(${JSON.stringify(packageRoot)});
function product(threads) {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296) - 0.5;
  const [m, n, k] = [200, 230, 260];
  const a = Float32Array.from({ length: m * k }, rnd), b = Float32Array.from({ length: k * n }, rnd);
  const c = new Float32Array(m * n);
  if (threads) addon.setThreads(threads);
  addon.gemm(a, b, c, m, n, k, false, true, 1, 0);
  return c;
}
`;

function runWorker(threads: number): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const w = new Worker(`${setup}\nrequire('node:worker_threads').parentPort.postMessage(product(${threads}));`, { eval: true });
    w.once('message', (c: Float32Array) => resolve(c));
    w.once('error', reject);
  });
}

function runChild(body: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', `${setup}\n${body}`], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

describe.skipIf(!native)('native thread pool', () => {
  it('worker threads share the pool and get the same bits as the main thread', async () => {
    const before = native!.getThreads!();
    try {
      const results = await Promise.all([runWorker(2), runWorker(3), runWorker(1), runWorker(2)]);
      native!.setThreads!(1);
      const lone = await runWorker(0);
      for (const r of results) expect(new Uint32Array(r.buffer)).toEqual(new Uint32Array(lone.buffer));
    } finally {
      native!.setThreads!(before);
    }
  });

  it('a process exits cleanly with the pool idle, and mid-call in a worker', () => {
    const idle = runChild(`product(2); product(2); process.exit(0);`);
    expect(idle.stderr).toBe('');
    expect(idle.status).toBe(0);
    const busy = runChild(`
      const { Worker } = require('node:worker_threads');
      product(2);
      new Worker(${JSON.stringify(setup)} + 'for (;;) product(2);', { eval: true });
      setTimeout(() => process.exit(0), 300);
    `);
    expect(busy.stderr).toBe('');
    expect(busy.status).toBe(0);
    const natural = runChild(`product(3); /* returns from the event loop */`);
    expect(natural.status).toBe(0);
  });

  it('NODEGRAD_THREADS sets the default; invalid values fall back to the CPU count', () => {
    const env = (v: string) =>
      spawnSync(process.execPath, ['-e', `${setup}\nprocess.stdout.write(String(addon.getThreads()))`], {
        encoding: 'utf8',
        env: { ...process.env, NODEGRAD_THREADS: v },
      }).stdout;
    expect(env('3')).toBe('3');
    expect(env('1')).toBe('1');
    const fallback = env('zero');
    expect(Number(fallback)).toBeGreaterThanOrEqual(1);
    expect(env('0')).toBe(fallback);
    expect(env('2000')).toBe(fallback);
  });
});
