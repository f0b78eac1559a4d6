// Models the plan cannot compile train step by step on the main thread, as
// before (yieldEveryMs applies), and say why in history.fallback.
import { describe, expect, it } from 'vitest';
import { Dense, diagnostics, Layer, ReLU, Sequential, SGD, type Tensor } from '../../lib/index.js';
import { bits, blobs } from '../train/helpers.js';

/** A user's layer written in TypeScript: y = 2x. */
class Double extends Layer {
  readonly className = 'Double';
  expectedInFeatures(): undefined {
    return undefined;
  }
  protected outFeaturesFor(n: number): number {
    return n;
  }
  describe(): string {
    return 'Double()';
  }
  config(): Record<string, unknown> {
    return {};
  }
  forward(x: Tensor): Tensor {
    const y = x.clone();
    for (let i = 0; i < y.data.length; i++) y.data[i]! *= 2;
    return y;
  }
  backward(dy: Tensor): Tensor {
    const dx = dy.clone();
    for (let i = 0; i < dx.data.length; i++) dx.data[i]! *= 2;
    return dx;
  }
}

class MyDense extends Dense {}

const { x, y } = blobs(200, 4, 3, 4);

async function fitTwice(make: () => Sequential, extra: object = {}): Promise<{ reason: string | undefined; same: boolean; ticks: number }> {
  const run = async (background: boolean) => {
    const m = make();
    m.compile({ optimizer: new SGD(m.parameters(), { lr: 0.1 }), loss: 'softmaxCrossEntropy' });
    let ticks = 0;
    let on = true;
    const tick = (): void => {
      ticks++;
      if (on) setImmediate(tick);
    };
    setImmediate(tick);
    const h = await m.fit(x, y, { epochs: 2, batchSize: 8, seed: 1, verbose: 0, yieldEveryMs: 0, background, ...extra });
    on = false;
    return { h, v: bits(m.values), ticks };
  };
  const a = await run(true);
  const b = await run(false);
  expect(a.h.background).toBe(false);
  expect(b.h.fallback).toBe('background: false');
  return { reason: a.h.fallback, same: a.v.length > 0 && a.v.every((w, i) => w === b.v[i]), ticks: a.ticks };
}

describe('fallback to the main-thread path', () => {
  it('a layer written in TypeScript', async () => {
    const r = await fitTwice(() => new Sequential([new Dense(4, 8), new Double(), new ReLU(), new Dense(8, 3)], { backend: 'native' }));
    expect(r.reason).toBe('layer Double (Double) is not one the plan knows');
    expect(r.same).toBe(true);
    // yieldEveryMs: 0 yields before every batch: the event loop turned while it trained.
    expect(r.ticks).toBeGreaterThanOrEqual(50);
  });

  it('a subclass of a known layer (it may override forward)', async () => {
    const r = await fitTwice(() => new Sequential([new MyDense(4, 8, { activation: 'relu' }), new Dense(8, 3)], { backend: 'native' }));
    expect(r.reason).toBe('layer Dense (MyDense) is not one the plan knows');
    expect(r.same).toBe(true);
  });

  it('a callback that reads activations inside the step (onBatchForward: diagnostics)', async () => {
    const r = await fitTwice(() => new Sequential([new Dense(4, 8, { activation: 'relu' }), new Dense(8, 3)], { backend: 'native' }), { callbacks: [diagnostics()] });
    expect(r.reason).toBe('a callback has onBatchForward (diagnostics read activations inside a step)');
    expect(r.same).toBe(true);
  });

  it('the reference backend, and an optimizer on the reference backend', async () => {
    const r = await fitTwice(() => new Sequential([new Dense(4, 8, { activation: 'relu' }), new Dense(8, 3)], { backend: 'reference' }));
    expect(r.reason).toBe('the model runs on the reference backend');
    const m = new Sequential([new Dense(4, 8), new Dense(8, 3)], { backend: 'native' });
    m.compile({ optimizer: new SGD(m.parameters(), { backend: 'reference' }), loss: 'softmaxCrossEntropy' });
    const h = await m.fit(x, y, { verbose: 0 });
    expect(h.fallback).toBe('the optimizer runs on the reference backend');
  });

  it('a model whose forward was replaced on the instance', async () => {
    const m = new Sequential([new Dense(4, 3)], { backend: 'native' });
    m.compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
    const f = m.forward.bind(m);
    let calls = 0;
    m.forward = (t, training) => (calls++, f(t, training));
    const h = await m.fit(x, y, { batchSize: 50, verbose: 0 });
    expect(h.fallback).toBe("the model's forward is replaced on the instance");
    expect(calls).toBe(4);
  });
});
