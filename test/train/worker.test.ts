// Training inside worker_threads: two workers train at the same time (each
// loads its own instance of the library and, on native, of the addon) and
// get exactly the weights the main thread gets.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense, Sequential, Tensor } from '../../lib/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { bits, blobs, buildJs, root } from './helpers.js';

let lib = '';
beforeAll(() => {
  lib = pathToFileURL(join(buildJs('worker'), 'index.js')).href;
});

function inWorker(data: Record<string, unknown>): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const w = new Worker(join(root, 'test/train/fixtures/train-worker.mjs'), { workerData: data });
    w.once('message', (m: Float32Array) => resolve(m));
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with code ${code}`)));
  });
}

for (const b of backendsUnderTest()) {
  describe(`training in worker threads [${b.label}]`, () => {
    it('two concurrent workers get the same weights as the main thread', async () => {
      const { x, y } = blobs(200, 2, 4, 12);
      const data = { lib, backend: b.name, x: x.data, y: y.data, rows: 200, features: 12, classes: 4 };
      const workers = Promise.all([inWorker(data), inWorker(data)]);
      const model = new Sequential([new Dense(12, 16, { activation: 'relu' }), new Dense(16, 4)], { backend: b.name, seed: 3 });
      model.compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy' });
      await model.fit(new Tensor(x.data, [200, 12]), y, { epochs: 3, batchSize: 16, seed: 9, verbose: 0 });
      const [w1, w2] = await workers;
      expect(w1!.length).toBe(model.values.length);
      expect(bits(w1!)).toEqual(bits(model.values));
      expect(bits(w2!)).toEqual(bits(model.values));
    });
  });
}
