// Argument errors of the training API, built by lib/errors.ts's helpers:
// the class (TypeError for a wrong kind of value, RangeError for a wrong
// value), the function, the argument, what was expected and what was given;
// and a refused call changes nothing (no step taken, the weights as they were).
import { describe, expect, it } from 'vitest';
import { earlyStopping, Tensor } from '../../lib/index.js';
import { stratifiedSplit } from '../../lib/train/split.js';
import { bits, blobs, smallModel } from './helpers.js';

describe('training argument errors', () => {
  const { x, y } = blobs(20, 1);
  const compiled = () => smallModel('reference').compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });

  it('fit: each bad option names itself, and nothing is trained', async () => {
    const m = compiled();
    const before = bits(m.values);
    const cases: [object, ErrorConstructor, string][] = [
      [{ verbose: 3 }, RangeError, 'fit: verbose must be 0, 1 or 2, got 3'],
      [{ seed: 1.5 }, RangeError, 'fit: seed must be an integer, got 1.5'],
      [{ seed: '7' }, TypeError, 'fit: seed must be an integer, got string "7"'],
      [{ epochs: '2' }, TypeError, 'fit: epochs must be an integer >= 1, got string "2"'],
      [{ yieldEveryMs: -1 }, RangeError, 'fit: yieldEveryMs must be a number >= 0, got -1'],
      [{ signal: {} }, TypeError, 'fit: signal must be an AbortSignal, got Object'],
      [{ validationData: [x, y], validationSplit: 0.5 }, RangeError, 'fit: validationData must be left out when validationSplit is given (give one of them), got both'],
      [{ validationData: [x] }, TypeError, 'fit: validationData must be an array [x, y], got Array(1)'],
      [{ validationData: [Tensor.zeros([2, 5]), Tensor.zeros([2])] }, RangeError, "fit: validationData[0] must have shape [samples, 4] (the model's input features), got [2, 5]"],
      [{ validationSplit: 0.99 }, RangeError, 'fit: validationSplit must be a fraction that leaves rows in both the training and the validation set of 20 rows, got 0.99'],
    ];
    for (const [options, cls, message] of cases) {
      await expect(m.fit(x, y, { verbose: 0, ...options } as never)).rejects.toThrow(new cls(message));
    }
    await expect(m.fit(x, y, null as never)).rejects.toThrow(new TypeError('fit: options must be an object, got null'));
    expect(m.optimizer!.stepCount).toBe(0);
    expect(bits(m.values)).toEqual(before);
  });

  it('fit, evaluate, predict: x and y', async () => {
    const m = compiled();
    await expect(m.fit(new Float32Array(4) as never, y)).rejects.toThrow(new TypeError('fit: x must be a Tensor, got Float32Array(4)'));
    await expect(m.fit(x, Tensor.zeros([20, 2]))).rejects.toThrow(new RangeError("fit: y must have shape [20, 3] to match the model's 3 outputs, got [20, 2]"));
    expect(() => m.evaluate(x, y, { batchSize: 0 })).toThrow(new RangeError('evaluate: batchSize must be an integer >= 1, got 0'));
    expect(() => m.evaluate(Tensor.zeros([0, 4]), Tensor.zeros([0]))).toThrow(new RangeError('evaluate: x must be at least one row, got none'));
    expect(() => m.predict(x.reshape([80]))).toThrow(new RangeError('predict: x must have shape [samples, features], got [80]'));
    expect(() => m.predict(x, new Float32Array(60) as never)).toThrow(new TypeError('predict: out must be a Tensor, got Float32Array(60)'));
  });

  it('compile: options, metrics and optimizer', () => {
    const m = smallModel('reference');
    expect(() => m.compile(null as never)).toThrow(new TypeError('compile: options must be { optimizer, loss, metrics }, got null'));
    expect(() => m.compile({ optimizer: 'sgd', loss: 7 as never })).toThrow(TypeError);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: 'accuracy' as never })).toThrow(new TypeError('compile: metrics must be an array of metric names, got string "accuracy"'));
    expect(() => m.compile({ optimizer: 3 as never, loss: 'mse' })).toThrow(/^compile: optimizer must be an Optimizer or one of 'sgd', .*'adamw', got 3$/);
    expect(m.optimizer).toBeUndefined();
  });

  it('earlyStopping and stratifiedSplit', () => {
    expect(() => earlyStopping({ patience: -1 })).toThrow(new RangeError('earlyStopping: patience must be an integer >= 0, got -1'));
    expect(() => earlyStopping({ mode: 'avg' as never })).toThrow(new RangeError(`earlyStopping: mode must be one of 'min', 'max', got "avg"`));
    expect(() => stratifiedSplit(new Int32Array(4), 5, 1)).toThrow(new RangeError('stratifiedSplit: testSize must be an integer in [0, 4], got 5'));
  });

  it('save and load: dir', async () => {
    const m = compiled();
    await expect(m.save('')).rejects.toThrow(new RangeError('save: dir must be a non-empty string, got an empty string'));
    await expect(m.save(3 as never)).rejects.toThrow(new TypeError('save: dir must be a non-empty string, got 3'));
  });
});
