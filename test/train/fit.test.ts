import { describe, expect, it } from 'vitest';
import { Adam, AbortError, Dense, earlyStopping, Sequential, SGD, Tensor, type Callback } from '../../lib/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { bits, blobs, smallModel } from './helpers.js';

/**
 * A callback that, after batch 1 of epoch 0, sets the weights so that the
 * next forward pass overflows (NaN in x is refused before training, and a
 * loss is summed in double, so only non-finite outputs make it non-finite):
 * the first layer's outputs all tanh(1) ≈ 0.76, the second layer's weights
 * 3e38, so each output is 16 · 0.76 · 3e38 > float32's maximum: +Infinity.
 * The weights themselves stay finite. `restore()` puts the saved ones back.
 * Fits using it run with `background: false`: in the background, callbacks
 * run between chunks of steps, so a weight change lands batches later.
 */
function overflowAfterBatch1(m: Sequential): Callback & { restore(): void } {
  let saved: Float32Array | undefined;
  return {
    onBatchEnd(batch) {
      if (batch !== 1 || saved) return;
      saved = m.values.slice();
      const [w0, b0, w1] = m.parameters();
      w0!.value.data.fill(0);
      b0!.value.data.fill(1);
      w1!.value.data.fill(3e38);
    },
    restore() {
      m.values.set(saved!);
    },
  };
}

for (const b of backendsUnderTest()) {
  describe(`fit [${b.label}]`, () => {
    it('is reproducible bit for bit with a seed, and the seed matters', async () => {
      const { x, y } = blobs(90, 1);
      const run = async (seed: number): Promise<Uint32Array> => {
        const m = smallModel(b.name).compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
        await m.fit(x, y, { epochs: 3, batchSize: 16, seed, verbose: 0 });
        return bits(m.values);
      };
      const a = await run(11);
      expect(await run(11)).toEqual(a);
      expect(await run(12)).not.toEqual(a);
    });

    it('handles the last partial batch and reuses the batch buffers', async () => {
      const { x, y } = blobs(50, 2);
      const m = smallModel(b.name).compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
      const sizes: number[] = [];
      const inputs: Tensor[] = [];
      const forward = m.forward.bind(m);
      m.forward = (t: Tensor, training?: boolean) => {
        inputs.push(t);
        return forward(t, training);
      };
      const cb: Callback = { onBatchEnd: (_i, logs) => void sizes.push(logs.size!) };
      await m.fit(x, y, { epochs: 2, batchSize: 16, seed: 3, verbose: 0, callbacks: [cb] });
      expect(sizes).toEqual([16, 16, 16, 2, 16, 16, 16, 2]);
      expect(m.optimizer!.stepCount).toBe(8);
      // The same tensor object for every full batch, another for the partial one.
      const full = inputs.filter((t) => t.shape[0] === 16);
      expect(new Set(full).size).toBe(1);
      expect(new Set(inputs.filter((t) => t.shape[0] === 2)).size).toBe(1);
    });

    it('learns: accuracy from evaluate() agrees with argmax of predict()', async () => {
      const { x, y } = blobs(120, 3);
      const m0 = smallModel(b.name);
      m0.compile({ optimizer: new Adam(m0.parameters(), { lr: 0.02 }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
      const h = await m0.fit(x, y, { epochs: 15, batchSize: 8, seed: 4, verbose: 0 });
      expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]!);
      const p = m0.predict(x);
      let hits = 0;
      for (let i = 0; i < 120; i++) {
        const row = Array.from(p.data.subarray(i * 3, i * 3 + 3));
        if (row.indexOf(Math.max(...row)) === y.data[i]) hits++;
      }
      const e = m0.evaluate(x, y);
      expect(e.accuracy).toBe(hits / 120);
      // Three well-separated blobs: a trained MLP gets most points right (chance is 1/3).
      expect(e.accuracy).toBeGreaterThan(0.8);
    });

    it('predict writes into a given output, and rejects a wrong one untouched', async () => {
      const { x } = blobs(10, 5);
      const m = smallModel(b.name);
      const out = Tensor.zeros([10, 3]);
      expect(m.predict(x, out)).toBe(out);
      expect(bits(out.data)).toEqual(bits(m.predict(x).data));
      const bad = new Tensor(new Float32Array(27).fill(7), [9, 3]);
      expect(() => m.predict(x, bad)).toThrow(new RangeError('predict: out must have shape [10, 3], got [9, 3]'));
      expect(bad.data.every((v) => v === 7)).toBe(true);
    });

    it('stops with an error naming epoch and batch when the loss is not finite', async () => {
      const { x, y } = blobs(40, 6);
      const m = smallModel(b.name).compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
      await expect(m.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0, background: false, callbacks: [overflowAfterBatch1(m)] })).rejects.toThrow(
        /^fit: the loss became (Infinity|NaN) at epoch 1, batch 3 of 5; that batch's update was not applied/,
      );
      expect(m.optimizer!.stepCount).toBe(2);
      expect(m.values.every(Number.isFinite)).toBe(true);
      // The model is usable again after the error.
      expect(() => m.predict(x)).not.toThrow();
    });

    it('lets a callback skip or stop on a non-finite loss', async () => {
      const { x, y } = blobs(40, 6);
      const skip = smallModel(b.name).compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
      const poison = overflowAfterBatch1(skip);
      const skipper: Callback = { onNonFiniteLoss: () => (poison.restore(), 'skip') };
      const h = await skip.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0, background: false, callbacks: [poison, skipper] });
      expect(h.stopReason).toBe('completed');
      expect(skip.optimizer!.stepCount).toBe(9); // 10 batches, one skipped
      expect(skip.values.every(Number.isFinite)).toBe(true);
      const stop = smallModel(b.name).compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
      const seen: { epoch: number; batch: number; loss: number }[] = [];
      const h2 = await stop.fit(x, y, {
        epochs: 2,
        batchSize: 8,
        shuffle: false,
        verbose: 0,
        background: false,
        callbacks: [overflowAfterBatch1(stop), { onNonFiniteLoss: (info) => (seen.push(info), 'stop') }],
      });
      expect(seen.map((i) => [i.epoch, i.batch, Number.isFinite(i.loss)])).toEqual([[0, 2, false]]);
      expect(h2.stopReason).toBe('stopped');
      expect(stop.optimizer!.stepCount).toBe(2);
    });

    it('rejects fit and predict while a fit is running', async () => {
      const { x, y } = blobs(64, 7);
      const m = smallModel(b.name).compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
      const running = m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, yieldEveryMs: 0 });
      const msg = 'this model is being trained by a fit() that has not finished; await it (or abort it) first';
      expect(() => m.predict(x)).toThrow(`predict: ${msg}`);
      await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow(`fit: ${msg}`);
      expect(() => m.evaluate(x, y)).toThrow(`evaluate: ${msg}`);
      await running;
      expect(m.predict(x).shape).toEqual([64, 3]);
    });

    // On the main thread (background: false) an abort from onBatchEnd stops
    // at the next batch; the background path stops at the end of the running
    // chunk (test/plan/safety.test.ts).
    it('aborts at a batch boundary; a following fit continues exactly', async () => {
      const { x, y } = blobs(64, 8);
      const straight = smallModel(b.name).compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy' });
      await straight.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });

      const m = smallModel(b.name).compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy' });
      const ac = new AbortController();
      const stopAt: Callback = { onBatchEnd: (i) => void (i === 2 && ac.abort(new Error('enough'))) };
      const err = await m.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0, signal: ac.signal, callbacks: [stopAt], background: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AbortError);
      expect((err as AbortError).message).toBe('fit: aborted at epoch 1, before batch 4 of 8');
      expect(((err as AbortError).cause as Error).message).toBe('enough');
      expect(m.optimizer!.stepCount).toBe(3);
      // The rest of the epoch: rows 24..63 in the same batches.
      const rest = (t: Tensor, w: number) => new Tensor(t.data.slice(24 * w), [40, ...t.shape.slice(1)]);
      await m.fit(rest(x, 4), rest(y, 1), { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
      expect(m.optimizer!.stepCount).toBe(8);
      expect(bits(m.values)).toEqual(bits(straight.values));
    });

    it('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
      const { x, y } = blobs(60, 9);
      // Validation labels shifted by one class: the better the fit, the worse val_loss gets.
      const yv = new Tensor(y.data.map((c) => (c + 1) % 3), [60]);
      const mm = smallModel(b.name);
      mm.compile({ optimizer: new Adam(mm.parameters(), { lr: 0.02 }), loss: 'softmaxCrossEntropy' });
      const snapshots: Uint32Array[] = [];
      const record: Callback = { onEpochEnd: () => void snapshots.push(bits(mm.values)) };
      const es = earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
      const h = await mm.fit(x, y, { epochs: 50, batchSize: 10, seed: 1, verbose: 0, validationData: [x, yv], callbacks: [record, es] });
      const val = h.history.val_loss!;
      const best = val.indexOf(Math.min(...val));
      expect(h.stopReason).toBe('stopped');
      expect(h.epochs).toBe(best + 3);
      expect(h.epochs).toBeLessThan(50);
      expect(h.stopMessage).toMatch(/^early stopping: val_loss did not improve for 2 epochs/);
      expect(es.bestEpoch).toBe(best);
      expect(bits(mm.values)).toEqual(snapshots[best]);
    });

    it('validationSplit holds out the last rows', async () => {
      const { x, y } = blobs(50, 10);
      const m = smallModel(b.name).compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
      const h = await m.fit(x, y, { epochs: 1, batchSize: 8, validationSplit: 0.2, seed: 1, verbose: 0 });
      const tail = (t: Tensor, w: number) => new Tensor(t.data.slice(40 * w), [10, ...t.shape.slice(1)]);
      const e = m.evaluate(tail(x, 4), tail(y, 1));
      expect(h.history.val_loss).toEqual([e.loss]);
      expect(h.history.val_accuracy).toEqual([e.accuracy]);
      expect(m.optimizer!.stepCount).toBe(5); // 40 training rows / 8
    });

    it('binary accuracy and mae for a one-output model', async () => {
      const m = new Sequential([new Dense(1, 1)], { backend: b.name, seed: 1 });
      m.values.set([2, -1]); // logit = 2x − 1
      m.compile({ optimizer: new SGD(m.parameters(), { lr: 0 }), loss: 'binaryCrossEntropy', metrics: ['accuracy', 'mae'] });
      const x = Tensor.from([0, 1, 0.25, 2], [4, 1]); // logits −1, 1, −0.5, 3
      const y = Tensor.from([0, 0, 0, 1], [4, 1]);
      const e = m.evaluate(x, y);
      expect(e.accuracy).toBe(0.75); // row 1 predicted positive, target 0
      expect(e.mae).toBeCloseTo((1 + 1 + 0.5 + 2) / 4, 6); // on the raw outputs (logits): |−1−0| + |1−0| + |−0.5−0| + |3−1|
    });
  });
}

describe('fit argument errors', () => {
  const { x, y } = blobs(20, 1);
  it('needs compile first', async () => {
    await expect(smallModel('reference').fit(x, y)).rejects.toThrow('fit: compile the model first: model.compile({ optimizer, loss, metrics })');
  });
  it('checks shapes, labels and options before changing anything', async () => {
    const m = smallModel('reference').compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy' });
    const before = bits(m.values);
    await expect(m.fit(x.reshape([80]), y)).rejects.toThrow(new RangeError('fit: x must have shape [samples, features], got [80]'));
    await expect(m.fit(x, Tensor.zeros([19]))).rejects.toThrow(new RangeError('fit: y must be a Tensor of 20 rows like x, got shape [19]'));
    const bad = y.clone();
    bad.data[5] = 3;
    await expect(m.fit(x, bad)).rejects.toThrow(new RangeError('fit: y[5] must be a class label in [0, 3), got 3'));
    await expect(m.fit(x, y, { batchSize: 0 })).rejects.toThrow(new RangeError('fit: batchSize must be an integer >= 1, got 0'));
    await expect(m.fit(x, y, { validationSplit: 1 })).rejects.toThrow(new RangeError('fit: validationSplit must be in (0, 1), got 1'));
    expect(bits(m.values)).toEqual(before);
    expect(m.optimizer!.stepCount).toBe(0);
  });
  it('compile rejects unknown losses, metrics and optimizers', () => {
    const m = smallModel('reference');
    // @ts-expect-error deliberately wrong
    expect(() => m.compile({ optimizer: 'adam', loss: 'hinge' })).toThrow(
      new RangeError(`compile: loss must be one of 'mse', 'softmaxCrossEntropy', 'binaryCrossEntropy', got "hinge"`),
    );
    // @ts-expect-error deliberately wrong
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1'] })).toThrow(/^compile: metrics\[0\] must be one of 'loss', .*, got "f1"$/);
    // @ts-expect-error deliberately wrong
    expect(() => m.compile({ optimizer: 'lbfgs', loss: 'mse' })).toThrow(/optimizer must be an Optimizer or one of 'sgd'/);
    const other = smallModel('reference');
    expect(() => m.compile({ optimizer: new Adam(other.parameters()), loss: 'mse' })).toThrow(/built over this model's parameters/);
  });
});
