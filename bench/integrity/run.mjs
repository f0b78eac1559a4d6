// `node bench/integrity/run.mjs` (after `npm run build:ts`): the two costs
// issue 13 asks to be measured, median of several runs, absolute times and
// the ratio measured in the same run.
//  1. Sequential.load refusing a hand-edited model.json that claims
//     Dense(20000, 20000) next to the small weights file (the header is
//     checked against the architecture before anything is allocated).
//  2. What an up-front scan of x for NaN/±Inf would cost against one epoch
//     of training on the same data (MNIST-shaped: 784 features, 784-128-10):
//     the reason fit locates non-finite data only after a non-finite loss.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dense, Sequential, Tensor } from '../../dist/index.js';
import { rawBackend } from '../../dist/backend/index.js';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (f) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
console.log(`1-minute load average at start: ${loadavg()[0].toFixed(2)} (other processes share the machine)`);

// 1. Load refusal.
{
  const dir = mkdtempSync(join(tmpdir(), 'nodegrad-bench-'));
  const m = new Sequential([new Dense(2, 3), new Dense(3, 2)], { seed: 1 }).compile({ optimizer: 'adam', loss: 'mse' });
  await m.save(dir);
  const path = join(dir, 'model.json');
  const j = JSON.parse(readFileSync(path, 'utf8'));
  j.model.config.inputFeatures = 20000;
  j.model.config.layers[0].config.inFeatures = 20000;
  j.model.config.layers[0].config.outFeatures = 20000;
  j.model.config.layers[1].config.inFeatures = 20000;
  writeFileSync(path, JSON.stringify(j));
  const times = [];
  let message = '';
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    try {
      await Sequential.load(dir);
    } catch (e) {
      message = `${e.name}: ${e.message}`;
    }
    times.push(performance.now() - t0);
  }
  // And loading the intact small model, for scale.
  const good = mkdtempSync(join(tmpdir(), 'nodegrad-bench-'));
  await m.save(good);
  const ok = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    await Sequential.load(good);
    ok.push(performance.now() - t0);
  }
  console.log(`load refusal of Dense(20000, 20000) over the small weights file: median ${median(times).toFixed(2)} ms (min ${Math.min(...times).toFixed(2)}, max ${Math.max(...times).toFixed(2)}, 15 runs)`);
  console.log(`  ${message}`);
  console.log(`load of the intact small model: median ${median(ok).toFixed(2)} ms; refusal/load ratio ${(median(times) / median(ok)).toFixed(2)}`);
  rmSync(dir, { recursive: true, force: true });
  rmSync(good, { recursive: true, force: true });
}

// 2. What an up-front NaN/Inf scan of x would cost, against one epoch.
{
  const rows = 10_000;
  const features = 784;
  const x = Tensor.rand([rows, features], { seed: 1 });
  const y = new Tensor(new Float32Array(rows).map((_, i) => i % 10), [rows]);
  const raw = rawBackend();
  const jsScan = (a) => {
    for (let i = 0; i < a.length; i++) if (a[i] - a[i] !== 0) return i;
    return -1;
  };
  const kernel = [];
  const js = [];
  for (let i = 0; i < 9; i++) {
    kernel.push(ms(() => raw.sumSquares(x.data)));
    js.push(ms(() => jsScan(x.data)));
  }
  const m = new Sequential([new Dense(features, 128, { activation: 'relu' }), new Dense(128, 10)], { seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy' });
  await m.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0, seed: 1 }); // warm-up
  const epochs = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await m.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0, seed: 1 });
    epochs.push(performance.now() - t0);
  }
  const e = median(epochs);
  console.log(`x [${rows}, ${features}] (${((rows * features * 4) / 2 ** 20).toFixed(1)} MiB), ${m.backend} backend:`);
  console.log(`  scan by the sum-of-squares kernel: median ${median(kernel).toFixed(2)} ms (${((100 * median(kernel)) / e).toFixed(1)} % of an epoch)`);
  console.log(`  scan by a JavaScript loop:         median ${median(js).toFixed(2)} ms (${((100 * median(js)) / e).toFixed(1)} % of an epoch)`);
  console.log(`  one epoch of fit (784-128-10, Adam, batch 128): median ${e.toFixed(1)} ms (3 runs)`);
}
