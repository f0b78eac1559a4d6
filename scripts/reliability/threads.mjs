// Worker-thread scenarios, run as a plain node process by
// test/lifecycle/threads.test.ts (which checks the exit code and the JSON
// line this prints last). dist/ must be built (ensureDist()).
//   node threads.mjs parallel  <backend> <steps>  4 workers train at once; each
//                                                  result must equal the same
//                                                  training run on this thread
//   node threads.mjs terminate <backend> <steps>  workers are terminated while
//                                                  training; this thread then
//                                                  trains, and so does a new worker
//   node threads.mjs terminate-chunk <backend> <steps>  the same with the
//                                                  workers' fits in the background
//                                                  (chunks of up to an epoch), so
//                                                  terminations land inside chunks
//                                                  as well as between them
// Training is model.fit where the package has it (steps/8 epochs of 8
// batches), else the step loop of workload.mjs.
// Also the worker body itself (workerData set).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { root } from './ensure-dist.mjs';
import { makeFitter, makeTrainer } from './workload.mjs';

const lib = await import(`${root}dist/index.js`);

/** Trains `steps` steps (fit: steps/8 epochs) and resolves to the parameters. */
async function trainFor(seed, backend, steps) {
  const f = makeFitter(lib, { seed, backend });
  if (f) {
    await f.fit(Math.max(1, Math.round(steps / 8)));
    return f.params();
  }
  const t = makeTrainer(lib, { seed, backend });
  for (let i = 0; i < steps; i++) t.step();
  return t.params();
}

/** Trains until terminated; calls `running` once training is under way. */
async function trainForever(seed, backend, running, extra = {}) {
  const f = makeFitter(lib, { seed, backend });
  if (f) {
    // Which path the fits take (history.background: undefined before the background path existed).
    const { background } = await f.fit(1, [], extra);
    let told = false;
    const cb = { onBatchEnd: () => (told ? undefined : ((told = true), running(background))) };
    for (;;) await f.fit(1000, [cb], { yieldEveryMs: 5, ...extra });
  }
  const t = makeTrainer(lib, { seed, backend });
  t.step();
  running();
  for (;;) t.step();
}

if (!isMainThread) {
  const { seed, steps, backend, forever, extra } = workerData;
  if (forever) {
    await trainForever(seed, backend, (background) => parentPort.postMessage({ running: true, background }), extra);
  } else {
    const p = await trainFor(seed, backend, steps);
    parentPort.postMessage({ seed, simd: lib.info().simd, params: p }, [p.buffer]);
  }
} else {
  const [mode, backend = 'native', stepsArg = '2000'] = process.argv.slice(2);
  const steps = Number(stepsArg);
  const here = new URL(import.meta.url);

  const train = (seed) => trainFor(seed, backend, steps);
  const same = (a, b) => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
  const runWorker = (seed, forever = false, extra = {}) => new Worker(here, { workerData: { seed, steps, backend, forever, extra } });
  const result = (w) =>
    new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`worker exited with code ${code} before answering`)));
    });

  const out = { mode, backend, simd: lib.info().simd, steps, via: makeFitter(lib, { backend }) ? 'fit' : makeTrainer(lib, { backend }).kind };
  if (mode === 'parallel') {
    const seeds = [1, 2, 3, 4];
    const expected = [];
    for (const s of seeds) expected.push(await train(s));
    const workers = seeds.map((s) => runWorker(s));
    const answers = await Promise.all(workers.map(result));
    out.workers = answers.length;
    out.identical = answers.map((a, i) => a.seed === seeds[i] && same(a.params, expected[i]));
    out.workerSimd = answers.map((a) => a.simd);
    // Different seeds must give different models, or "identical" proves nothing.
    out.distinct = !same(expected[0], expected[1]);
  } else if (mode === 'terminate' || mode === 'terminate-chunk') {
    const before = await train(1);
    const extra = mode === 'terminate-chunk' ? { background: true, chunkMs: 50 } : {};
    // Several terminations at different moments: one lands inside a native
    // call sooner or later (that once aborted the process: see binding.gyp).
    out.terminateCodes = [];
    out.background = [];
    for (const delay of [0, 3, 7, 12, 20, 35]) {
      const w = runWorker(5, true, extra);
      out.background.push((await result(w)).background ?? null); // it is training now
      await new Promise((r) => setTimeout(r, delay));
      out.terminateCodes.push(await w.terminate());
    }
    out.mainAfter = same(await train(1), before);
    const again = await result(runWorker(1));
    out.newWorkerAfter = same(again.params, before);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  console.log(JSON.stringify(out));
}
