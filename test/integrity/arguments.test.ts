// fit, evaluate and predict check every argument before any callback runs
// or any state changes (issue 13, item 7; and the fit/predict messages of
// item 11): each refusal is asserted by class and message, no callback hook
// has run, and every byte of the model's values and gradients and of its
// optimizer's state is what it was.
import { describe, expect, it } from 'vitest';
import { Adam, Dense, Sequential, Tensor, type Callback, type FitOptions } from '../../lib/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { blobs } from '../train/helpers.js';
import { modelState } from './helpers.js';

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchEnd', 'onBatchForward', 'onNonFiniteLoss'] as const;

function spy(): { cb: Callback; calls: string[] } {
  const calls: string[] = [];
  const cb = Object.fromEntries(HOOKS.map((h) => [h, () => void calls.push(h)])) as Callback;
  return { cb, calls };
}

const detached = (t: Tensor): Tensor => {
  const copy = new Tensor(t.data.slice(), t.shape);
  structuredClone(copy.data.buffer, { transfer: [copy.data.buffer as ArrayBuffer] });
  return copy;
};

for (const b of backendsUnderTest()) {
  describe(`argument checks before anything runs [${b.label}]`, () => {
    async function trained(): Promise<Sequential> {
      const m = new Sequential([new Dense(4, 6, { activation: 'relu' }), new Dense(6, 3)], { backend: b.name, seed: 3 });
      m.compile({ optimizer: new Adam(m.parameters(), { backend: b.name }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
      const { x, y } = blobs(16, 1);
      await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0, seed: 1 });
      // The last batch's gradients are non-zero: a zeroGrad before the refusal would show.
      expect(m.grads.some((g) => g !== 0)).toBe(true);
      return m;
    }
    const { x, y } = blobs(8, 2);
    const nanX = (() => {
      const t = new Tensor(x.data.slice(), x.shape);
      t.data[3 * 4 + 1] = NaN;
      return t;
    })();
    type Case = [title: string, args: () => [unknown, unknown, FitOptions], cls: typeof TypeError | typeof RangeError, message: string];
    const cases: Case[] = [
      ['x of the wrong feature count', () => [Tensor.zeros([8, 5]), y, {}], RangeError, "fit: x must have shape [samples, 4] (the model's input features), got [8, 5]"],
      ['x not a Tensor', () => [[1, 2], y, {}], TypeError, 'fit: x must be a Tensor, got Array(2)'],
      ['y with other rows', () => [x, Tensor.zeros([7]), {}], RangeError, 'fit: y must be a Tensor of 8 rows like x, got shape [7]'],
      ['a class label out of range', () => [x, Tensor.from([0, 1, 2, 3, 0, 1, 2, 0]), {}], RangeError, 'fit: y[3] must be a class label in [0, 3), got 3'],
      ['x with a detached buffer', () => [detached(x), y, {}], TypeError, 'fit: x.data must be a Float32Array with an attached buffer, got a detached buffer'],
      ['callbacks: {}', () => [x, y, { callbacks: {} as never }], TypeError, 'fit: callbacks must be an array of callbacks, got Object'],
      ['a hook that is not a function', () => [x, y, { callbacks: [{ onEpochEnd: 5 as never }] }], TypeError, 'fit: callbacks[0].onEpochEnd must be a function, got 5'],
      ['an unknown option', () => [x, y, { epoch: 3 } as never], TypeError, 'fit: options.epoch is not a known option (known: epochs, batchSize, shuffle, seed, validationSplit, validationData, callbacks, signal, verbose, yieldEveryMs, distributed, callbacksOnAllRanks, background, chunkMs)'],
      ['shuffle not a boolean', () => [x, y, { shuffle: 'yes' as never }], TypeError, 'fit: shuffle must be a boolean, got string "yes"'],
      ['batchSize 0', () => [x, y, { batchSize: 0 }], RangeError, 'fit: batchSize must be an integer >= 1, got 0'],
      [
        'validationData of the wrong feature count',
        () => [x, y, { validationData: [Tensor.zeros([2, 3]), Tensor.zeros([2])] }],
        RangeError,
        "fit: validationData[0] must have shape [samples, 4] (the model's input features), got [2, 3]",
      ],
    ];
    for (const [title, args, cls, message] of cases) {
      it(`fit: ${title}`, async () => {
        const m = await trained();
        const before = modelState(m);
        const { cb, calls } = spy();
        const [xx, yy, o] = args();
        const callbacks = o.callbacks ?? [cb];
        const e = await m.fit(xx as Tensor, yy as Tensor, { verbose: 0, ...o, callbacks }).then(
          () => undefined,
          (er: unknown) => er,
        );
        expect(e).toBeInstanceOf(cls);
        expect((e as Error).message).toBe(message);
        expect(calls).toEqual([]);
        expect(modelState(m)).toBe(before);
      });
    }

    it('evaluate and predict refuse x of the wrong feature count and an out of the right size but wrong shape', async () => {
      const m = await trained();
      const before = modelState(m);
      expect(() => m.evaluate(Tensor.zeros([8, 5]), y)).toThrow(new RangeError("evaluate: x must have shape [samples, 4] (the model's input features), got [8, 5]"));
      expect(() => m.predict(Tensor.zeros([8, 5]))).toThrow(new RangeError("predict: x must have shape [samples, 4] (the model's input features), got [8, 5]"));
      const out = Tensor.zeros([3, 8]); // 24 values like [8, 3], transposed
      expect(() => m.predict(x, out)).toThrow(new RangeError('predict: out must have shape [8, 3], got [3, 8]'));
      expect(Array.from(new Set(out.data))).toEqual([0]);
      expect(() => m.predict(x, {} as never)).toThrow(new TypeError('predict: out must be a Tensor, got Object'));
      expect(modelState(m)).toBe(before);
    });

    it('NaN in x: the non-finite loss names the data row and column, not the learning rate', async () => {
      for (const shuffle of [false, true]) {
        const m = await trained();
        const before = modelState(m);
        const seen: number[] = [];
        const e = await m.fit(nanX, y, { verbose: 0, batchSize: 2, shuffle, seed: 5, callbacks: [{ onBatchEnd: (i) => void seen.push(i) }] }).then(
          () => undefined,
          (er: unknown) => er,
        );
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message).toMatch(
          /^fit: the loss became NaN at epoch 1, batch [1-4] of 4: x holds NaN at row 3, column 1; that batch's update was not applied \(clean the data, or decide with a callback's onNonFiniteLoss\)$/,
        );
        // The batches before it trained (the scan is not up front; see bench/integrity/run.mjs): the failing one did not.
        const failed = Number(/batch (\d)/.exec((e as Error).message)![1]) - 1;
        expect(seen).toEqual([...Array(failed).keys()]);
        if (failed === 0) expect(modelState(m)).toBe(before);
      }
    });

    it('a batchSize beyond the rows trains one batch per epoch instead of failing to allocate', async () => {
      const m = await trained();
      const h = await m.fit(x, y, { epochs: 2, batchSize: 2 ** 40, verbose: 0, seed: 1 });
      expect(h.epochs).toBe(2);
      expect(m.optimizer!.stepCount).toBe(4 + 2); // 4 batches of 5 in the first fit over 16 rows, then 1 per epoch
    });

    it('a detached model arena: fit and optimizer.step name the parameter', async () => {
      const m = await trained();
      const opt = m.optimizer!;
      const before = JSON.stringify(opt.stateDict());
      structuredClone(m.values.buffer, { transfer: [m.values.buffer as ArrayBuffer] });
      const { cb, calls } = spy();
      await expect(m.fit(x, y, { verbose: 0, callbacks: [cb] })).rejects.toThrow(
        new TypeError("fit: the model's parameter 0.weight has detached memory (its ArrayBuffer was transferred, e.g. to a worker)"),
      );
      expect(calls).toEqual([]);
      expect(() => opt.step()).toThrow(
        new TypeError('Adam.step: params[0] (0.weight) has detached memory (its ArrayBuffer was transferred, e.g. to a worker); build the optimizer again over parameters with attached memory'),
      );
      expect(JSON.stringify(opt.stateDict())).toBe(before);
    });
  });
}
