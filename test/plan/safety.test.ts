// The background fit's semantics at the edges: what is refused while a chunk
// runs, a non-finite loss at the exact batch, aborts and stops at chunk
// ends, and a detached buffer.
import { describe, expect, it } from 'vitest';
import { AbortError, Adam, Dense, loadWeights, Sequential, SGD, Tensor, weightsToSafetensors, type Callback, type NonFiniteAction } from '../../lib/index.js';
import { busyWith } from '../../lib/train/plan-guard.js';
import { bits, blobs } from '../train/helpers.js';

const model = (seed = 1): Sequential =>
  new Sequential([new Dense(32, 128, { activation: 'relu' }), new Dense(128, 128, { activation: 'relu' }), new Dense(128, 4)], { backend: 'native', seed });

function nextTimer(ms = 1): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('background fit: while a chunk runs', () => {
  it('refuses API calls that read or write the model or its optimizer, naming the fit', async () => {
    const { x, y } = blobs(2048, 1, 4, 32);
    const m = model();
    const opt = new Adam(m.parameters());
    m.compile({ optimizer: opt, loss: 'softmaxCrossEntropy' });
    const weights = weightsToSafetensors(m);
    const freshState = new Adam(m.parameters()).stateDict();
    const ac = new AbortController();
    const fit = m.fit(x, y, { epochs: 1000, batchSize: 32, verbose: 0, signal: ac.signal });
    // A timer can only fire while the fit awaits its worker: inside a chunk.
    await nextTimer(20);
    const what = busyWith(m);
    expect(what).toMatch(/^fit\(\) of Sequential\(32→128→4\) \(epoch \d+ of 1000\)$/);
    const refused = (fn: string): RegExp => new RegExp(`^${fn.replace('.', '\\.')}: refused while fit\\(\\) of Sequential\\(32→128→4\\)`);
    expect(() => m.forward(new Tensor(new Float32Array(32), [1, 32]))).toThrow(refused('model.forward'));
    expect(() => m.zeroGrad()).toThrow(refused('model.zeroGrad'));
    expect(() => opt.step()).toThrow(refused('Adam.step'));
    expect(() => opt.zeroGrad()).toThrow(refused('Adam.zeroGrad'));
    expect(() => opt.stateDict()).toThrow(refused('Adam.stateDict'));
    expect(() => opt.loadStateDict(freshState)).toThrow(refused('Adam.loadStateDict'));
    expect(() => loadWeights(m, weights)).toThrow(refused('loadWeights'));
    await expect(m.save('/nonexistent/never-written')).rejects.toThrow(refused('model.save'));
    // The whole fit refuses these (they say so in fit's own words).
    expect(() => m.predict(x)).toThrow(/^predict: this model is being trained by a fit\(\)/);
    expect(() => m.evaluate(x, y)).toThrow(/^evaluate: this model is being trained by a fit\(\)/);
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow(/^fit: this model is being trained by a fit\(\)/);
    await expect(m.predictAsync(x)).rejects.toThrow(/^predictAsync: this model is being trained by a fit\(\)/);
    ac.abort();
    await expect(fit).rejects.toBeInstanceOf(AbortError);
    // Afterwards everything works again, and the wrappers are gone.
    expect(busyWith(m)).toBeUndefined();
    expect(Object.hasOwn(m, 'forward') || Object.hasOwn(opt, 'step')).toBe(false);
    expect(m.predict(x).shape).toEqual([2048, 4]);
    loadWeights(m, weights);
    opt.zeroGrad();
  });
});

describe('background fit: non-finite loss at the exact batch', () => {
  // Row 45 is NaN: with shuffle off and batch 8 it is in batch 5 of every epoch.
  const { x, y } = blobs(96, 3, 4, 32);
  x.data[45 * 32 + 3] = NaN;
  for (const action of ['skip', 'stop', 'throw'] as NonFiniteAction[]) {
    it(`'${action}' as on the main thread`, async () => {
      const run = async (background: boolean): Promise<{ v: Uint32Array; seen: unknown[]; result: unknown; steps: number }> => {
        const m = model(2);
        const opt = new SGD(m.parameters(), { lr: 0.05 });
        m.compile({ optimizer: opt, loss: 'softmaxCrossEntropy' });
        const seen: unknown[] = [];
        const cb: Callback = {
          onNonFiniteLoss: (info) => (seen.push({ ...info }), action),
          onBatchBegin: (b) => void seen.push(['begin', b]),
          onBatchEnd: (b, logs) => void seen.push([b, logs.loss]),
        };
        const result = await m.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0, callbacks: [cb], background, chunkMs: 50 }).then(
          (h) => ({ epochs: h.epochs, stopReason: h.stopReason, stopMessage: h.stopMessage, loss: h.history.loss }),
          (e: Error) => e.message,
        );
        return { v: bits(m.values), seen, result, steps: opt.stepCount };
      };
      const main = await run(false);
      const bg = await run(true);
      expect(bg).toEqual(main);
      expect(main.seen).toContainEqual({ epoch: 0, batch: 5, loss: NaN });
      expect(main.steps).toBe(action === 'skip' ? 22 : 5);
    });
  }
});

describe('background fit: stop and abort take effect at the end of the chunk', () => {
  it('an abort from onBatchEnd ends the fit after the running chunk; a following fit continues exactly', async () => {
    const { x, y } = blobs(64, 8, 4, 32);
    const straight = model(3).compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy' });
    await straight.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });

    const m = model(3).compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy' });
    const ac = new AbortController();
    const ended: number[] = [];
    const stopAt: Callback = { onBatchEnd: (i) => void (ended.push(i), i === 2 && ac.abort(new Error('enough'))) };
    // Three epochs asked for: the abort lands in the first epoch's chunk.
    const err = await m.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0, signal: ac.signal, callbacks: [stopAt], chunkMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    const done = m.optimizer!.stepCount;
    // Every batch that ran was reported, in order, and the message names the next one.
    expect(ended).toEqual([...Array(done).keys()]);
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThanOrEqual(8);
    const where = done === 8 ? 'epoch 2, before batch 1 of 8' : `epoch 1, before batch ${done + 1} of 8`;
    expect((err as AbortError).message).toBe(`fit: aborted at ${where}`);
    expect((err as AbortError).history.epochs).toBe(done === 8 ? 1 : 0);
    if (done < 8) {
      const rest = (t: Tensor, w: number) => new Tensor(t.data.slice(done * 8 * w), [64 - done * 8, ...t.shape.slice(1)]);
      await m.fit(rest(x, 32), rest(y, 1), { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    }
    expect(m.optimizer!.stepCount).toBe(8);
    expect(bits(m.values)).toEqual(bits(straight.values));
  });

  it('an abort from a timer ends the fit at the next chunk end', async () => {
    const { x, y } = blobs(2048, 2, 4, 32);
    const m = model(4).compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const err = await m.fit(x, y, { epochs: 10_000, batchSize: 16, verbose: 0, signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(m.optimizer!.stepCount).toBeGreaterThan(0);
  });
});

describe('background fit: detached buffers', () => {
  it('a data set whose buffer is transferred away mid-fit is refused, not read', async () => {
    const { x, y } = blobs(256, 5, 4, 32);
    const m = model(5).compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
    const cb: Callback = { onBatchEnd: (b) => void (b === 0 && structuredClone(x.data.buffer, { transfer: [x.data.buffer] })) };
    await expect(m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [cb], chunkMs: 0.001 })).rejects.toThrow(/x must have at least 8192 elements/);
    expect(m.optimizer!.stepCount).toBeGreaterThan(0);
  });
});
