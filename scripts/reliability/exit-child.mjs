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
// and, where the package has model.fit, the same moments inside a fit:
//   fit-before-first-step  process.exit(0) from onTrainBegin
//   fit-mid-epoch          process.exit(0) from onBatchEnd of batch 3 (of 8)
//   fit-uncaught           a callback throws in batch 3: fit rejects, unhandled (code 1)
//   fit-signal             SIGTERM (handler: process.exit(0)) during a long fit
//   fit-exit-worker-busy   a worker thread is inside fit; this thread exits
//   has-fit                prints whether the package has model.fit
// and, where fit trains in the background (the native plan in an AsyncWorker):
//   fit-exit-during-chunk  process.exit(0) from a timer, which can only fire
//                          while a chunk of steps runs on the libuv pool
//   fit-main-mid-epoch     fit-mid-epoch on the main-thread path (background: false)
//   predict-async-exit     process.exit(0) while a predictAsync runs
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { root } from './ensure-dist.mjs';
import { makeFitter, makeTrainer } from './workload.mjs';

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

function fitter(backend) {
  const f = makeFitter(lib, { seed: 3, backend });
  if (!f) {
    console.error('this package has no model.fit');
    process.exit(2);
  }
  return f;
}

if (!isMainThread) {
  if (workerData.fit) {
    let told = false;
    const cb = { onBatchEnd: () => (told ? undefined : ((told = true), parentPort.postMessage('ready'))) };
    const f = fitter(workerData.backend);
    for (;;) await f.fit(1000, [cb], { yieldEveryMs: 5 });
  }
  gemmForever(workerData.backend, () => parentPort.postMessage('ready'));
} else {
  const [stage, backend = 'native'] = process.argv.slice(2);
  const t = makeTrainer(lib, { seed: 3, backend });
  switch (stage) {
    case 'has-fit':
      console.log(makeFitter(lib, { backend }) ? 'yes' : 'no');
      break;
    case 'fit-before-first-step':
      await fitter(backend).fit(2, [{ onTrainBegin: () => process.exit(0) }]);
      break;
    case 'fit-mid-epoch':
      await fitter(backend).fit(2, [{ onBatchEnd: (b) => (b === 3 ? process.exit(0) : undefined) }]);
      break;
    case 'fit-uncaught':
      await fitter(backend).fit(2, [
        {
          onBatchEnd: (b) => {
            if (b === 3) throw new Error('deliberate failure mid-epoch');
          },
        },
      ]);
      break;
    case 'fit-signal': {
      process.on('SIGTERM', () => process.exit(0));
      let told = false;
      await fitter(backend).fit(100000, [{ onBatchEnd: () => (told ? undefined : ((told = true), console.log('ready'))) }], { yieldEveryMs: 5 });
      break;
    }
    case 'fit-exit-during-chunk': {
      let armed = false;
      const arm = () => {
        if (!armed) setTimeout(() => process.exit(0), 30);
        armed = true;
      };
      await fitter(backend).fit(100000, [{ onBatchEnd: arm }], { chunkMs: 50 });
      break;
    }
    case 'fit-main-mid-epoch':
      await fitter(backend).fit(2, [{ onBatchEnd: (b) => (b === 3 ? process.exit(0) : undefined) }], { background: false });
      break;
    case 'predict-async-exit': {
      const m = new lib.Sequential([new lib.Dense(256, 512, { activation: 'relu' }), new lib.Dense(512, 10)], { backend });
      const x = lib.Tensor.randn([backend === 'native' ? 20000 : 200, 256], { seed: 1 });
      setTimeout(() => process.exit(0), 5);
      for (;;) await m.predictAsync(x);
    }
    case 'fit-exit-worker-busy': {
      const w = new Worker(new URL(import.meta.url), { workerData: { backend, fit: true } });
      w.once('message', () => setTimeout(() => process.exit(0), 30));
      w.once('error', (e) => {
        console.error(e);
        process.exit(3);
      });
      break;
    }
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
