// fit inside a Node service: an HTTP server on 127.0.0.1 keeps answering
// while a multi-second fit runs. A fit that held the event loop until the end
// would answer nothing while it runs and fail this test.
import { request, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { defaultBackendName } from '../../lib/backend/index.js';
import { Dense, Sequential, type Callback } from '../../lib/index.js';
import { blobs } from './helpers.js';

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/ping', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Served {
  fitMs: number;
  epochs: number;
  stopMessage: string | undefined;
  answeredDuring: number[];
  answeredAfter: number;
  p50: number;
  p99: number;
  max: number;
}

/** Runs a fit of at least `minMs` while a client keeps requesting from a server in this process. */
async function serveDuringFit(minMs: number, yieldEveryMs: number, background = false): Promise<Served> {
  const server: Server = createServer((_req, res) => res.end('pong'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  const { x, y } = blobs(4096, 1, 10, 64);
  const model = new Sequential([new Dense(64, 256, { activation: 'relu' }), new Dense(256, 256, { activation: 'relu' }), new Dense(256, 10)], { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy' });
  // Run for at least minMs whatever the machine's speed: stop by time, not by epoch count.
  let fitStart = 0;
  const timer: Callback = {
    onTrainBegin: () => void (fitStart = performance.now()),
    onEpochEnd: (_e, _l, ctx) => {
      if (performance.now() - fitStart > minMs) ctx.stop('time');
    },
  };

  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let fitting = true;
  const fit = model.fit(x, y, { epochs: 10_000, batchSize: 64, seed: 1, verbose: 0, callbacks: [timer], yieldEveryMs, background }).finally(() => (fitting = false));

  const answeredDuring: number[] = []; // ms since the fit started, for answers that came while it ran
  let answeredAfter = 0;
  const client = (async () => {
    while (fitting) {
      const body = await get(port);
      if (body !== 'pong') throw new Error(`unexpected answer ${body}`);
      if (fitting) answeredDuring.push(performance.now() - fitStart);
      else answeredAfter++;
    }
  })();
  const history = await fit;
  const fitMs = performance.now() - fitStart;
  await client;
  delay.disable();
  server.close();
  return {
    fitMs,
    epochs: history.epochs,
    stopMessage: history.stopMessage,
    answeredDuring,
    answeredAfter,
    p50: delay.percentile(50) / 1e6,
    p99: delay.percentile(99) / 1e6,
    max: delay.max / 1e6,
  };
}

describe(`HTTP server during fit [${defaultBackendName()}]`, () => {
  it('answers requests throughout a multi-second fit', async () => {
    const r = await serveDuringFit(3000, 10);
    // Figures for the report (not asserted: no test asserts a time).
    console.log(
      `[http-during-fit] fit ${r.fitMs.toFixed(0)} ms, ${r.epochs} epochs; ${r.answeredDuring.length} requests answered during the fit, ${r.answeredAfter} after; ` +
        `event-loop delay p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(2)} ms`,
    );
    expect(r.stopMessage).toBe('time');
    // Answers came while the fit ran, and spread over it: one in its first and one in its last quarter.
    expect(r.answeredDuring.length).toBeGreaterThanOrEqual(10);
    expect(Math.min(...r.answeredDuring)).toBeLessThan(r.fitMs / 4);
    expect(Math.max(...r.answeredDuring)).toBeGreaterThan((3 * r.fitMs) / 4);
  });

  // The background path (native plan on a worker thread) needs no yields at
  // all: yieldEveryMs Infinity, as in the control below, and yet it answers.
  it.runIf(defaultBackendName() === 'native')('answers requests throughout a background fit that never yields', async () => {
    const r = await serveDuringFit(2000, Infinity, true);
    console.log(
      `[http-during-background-fit] fit ${r.fitMs.toFixed(0)} ms, ${r.epochs} epochs; ${r.answeredDuring.length} requests answered during the fit; ` +
        `event-loop delay p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(2)} ms`,
    );
    expect(r.stopMessage).toBe('time');
    expect(r.answeredDuring.length).toBeGreaterThanOrEqual(10);
    expect(Math.min(...r.answeredDuring)).toBeLessThan(r.fitMs / 4);
    expect(Math.max(...r.answeredDuring)).toBeGreaterThan((3 * r.fitMs) / 4);
  });

  it('control: a fit that never yields answers nothing while it runs (so the test above can fail)', async () => {
    const r = await serveDuringFit(1000, Infinity);
    expect(r.stopMessage).toBe('time');
    expect(r.answeredDuring).toEqual([]);
    expect(r.answeredAfter).toBe(1);
  });
});
