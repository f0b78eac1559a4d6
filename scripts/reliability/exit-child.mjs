// A child process that ends while training, at one stage; run by
// test/lifecycle/exit.test.ts, which checks it ends with the expected code
// and no signal (a crash in addon teardown would show as SIGSEGV/SIGABRT).
//   node exit-child.mjs <stage> <backend>
// stages:
//   before-first-step   model and buffers built, process.exit(0) before any step
//   mid-epoch           process.exit(0) after 3 of the 8 batches of an epoch
//   natural-end         trains 50 steps and returns with nothing pending
//   uncaught-mid-epoch  an exception escapes after 3 steps (exit code 1)
//   signal-during-gemm  SIGTERM (handler: process.exit(0)) arrives while this
//                       thread loops on large GEMMs; prints "ready" first
//   exit-pool-busy      a worker thread loops on large GEMMs (the native pool
//                       busy); this thread calls process.exit(0) meanwhile
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { root } from './ensure-dist.mjs';
import { makeTrainer } from './workload.mjs';

const lib = await import(`${root}dist/index.js`);

function gemmForever(backend, announce) {
  const k = lib.backend(backend);
  // Large enough that the native GEMM splits over the pool; the reference
  // backend takes longer per call, which only widens the window.
  const n = backend === 'native' ? 384 : 96;
  const a = new Float32Array(n * n).fill(0.5);
  const b = new Float32Array(n * n).fill(0.25);
  const c = new Float32Array(n * n);
  k.gemm(a, b, c, n, n, n);
  announce();
  for (;;) k.gemm(a, b, c, n, n, n);
}

if (!isMainThread) {
  gemmForever(workerData.backend, () => parentPort.postMessage('ready'));
} else {
  const [stage, backend = 'native'] = process.argv.slice(2);
  const t = makeTrainer(lib, { seed: 3, backend });
  switch (stage) {
    case 'before-first-step':
      process.exit(0);
      break;
    case 'mid-epoch':
      for (let i = 0; i < 3; i++) t.step();
      process.exit(0);
      break;
    case 'natural-end':
      for (let i = 0; i < 50; i++) t.step();
      break;
    case 'uncaught-mid-epoch':
      for (let i = 0; i < 3; i++) t.step();
      throw new Error('deliberate failure mid-epoch');
    case 'signal-during-gemm':
      process.on('SIGTERM', () => process.exit(0));
      // The handler runs between GEMM calls: yield to the event loop between them.
      {
        const k = lib.backend(backend);
        const n = backend === 'native' ? 384 : 96;
        const a = new Float32Array(n * n).fill(0.5);
        const b = new Float32Array(n * n).fill(0.25);
        const c = new Float32Array(n * n);
        const loop = () => {
          for (let i = 0; i < 3; i++) k.gemm(a, b, c, n, n, n);
          setImmediate(loop);
        };
        console.log('ready');
        loop();
      }
      break;
    case 'exit-pool-busy': {
      const w = new Worker(new URL(import.meta.url), { workerData: { backend } });
      w.once('message', () => setTimeout(() => process.exit(0), 30));
      w.once('error', (e) => {
        console.error(e);
        process.exit(3);
      });
      break;
    }
    default:
      console.error(`unknown stage ${stage}`);
      process.exit(2);
  }
}
