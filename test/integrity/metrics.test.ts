// Metrics and targets (issue 13, item 10): a NaN prediction is never
// correct; a metric that does not fit the loss or the output width is
// refused at compile; binaryCrossEntropy targets and softmaxCrossEntropy
// probability targets outside [0, 1] are RangeErrors from fit and evaluate,
// with the model and optimizer state unchanged.
import { describe, expect, it } from 'vitest';
import { Dense, loss, Sequential, Tensor } from '../../lib/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { createMetrics } from '../../lib/train/metrics.js';
import { modelState } from './helpers.js';

describe('a NaN prediction is never correct', () => {
  it('accuracy over all-NaN outputs is 0, whatever the labels (it was 0.4: every label-0 row counted)', () => {
    const m = new Sequential([new Dense(2, 3)], { backend: 'reference' });
    m.compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    m.values.fill(NaN);
    const x = Tensor.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2]);
    const y = Tensor.from([0, 0, 1, 2, 1]);
    const logs = m.evaluate(x, y);
    expect(logs.accuracy).toBe(0);
  });

  it('one NaN in a row makes that row wrong; binary accuracy does not count a NaN as "below the threshold"', () => {
    const [cat] = createMetrics(['categoricalAccuracy'], 'softmaxCrossEntropy', 3);
    // Row 0: argmax 0 but holds a NaN; row 1: a clean hit.
    const pred = new Float32Array([5, NaN, 1, 0, 9, 1]);
    expect(cat!.sum(pred, { kind: 'labels', labels: new Int32Array([0, 1]) }, 2, 3)).toBe(1);
    const [bin] = createMetrics(['binaryAccuracy'], 'binaryCrossEntropy', 1);
    // Targets 0: a NaN logit is neither > 0 nor a hit; the -1 logit is.
    expect(bin!.sum(new Float32Array([NaN, -1]), { kind: 'values', values: new Float32Array([0, 0]) }, 2, 1)).toBe(1);
  });
});

describe('a metric that does not fit is refused at compile', () => {
  const make = (outputs: number) => new Sequential([new Dense(2, outputs)], { backend: 'reference' });
  const table: [string, number, Parameters<Sequential['compile']>[0], string][] = [
    [
      'binaryAccuracy with softmaxCrossEntropy (class-label targets)',
      3,
      { optimizer: 'sgd', loss: 'softmaxCrossEntropy', metrics: ['binaryAccuracy'] },
      "compile: metrics 'binaryAccuracy' does not fit loss 'softmaxCrossEntropy' (class labels or class probabilities); use 'accuracy' or 'categoricalAccuracy'",
    ],
    [
      'categoricalAccuracy over one output',
      1,
      { optimizer: 'sgd', loss: 'binaryCrossEntropy', metrics: ['categoricalAccuracy'] },
      "compile: metrics 'categoricalAccuracy' needs a model with 2 or more outputs (one per class), got 1; use 'binaryAccuracy'",
    ],
    [
      'accuracy with softmaxCrossEntropy over one output',
      1,
      { optimizer: 'sgd', loss: 'softmaxCrossEntropy', metrics: ['accuracy'] },
      "compile: metrics 'accuracy' with loss 'softmaxCrossEntropy' needs a model with 2 or more outputs (one per class), got 1",
    ],
  ];
  for (const [title, outputs, options, message] of table) {
    it(title, () => {
      const m = make(outputs);
      m.compile({ optimizer: 'adam', loss: 'mse' });
      const before = modelState(m);
      const opt = m.optimizer;
      expect(() => m.compile(options)).toThrow(new RangeError(message));
      // The earlier compile stands.
      expect(m.optimizer).toBe(opt);
      expect(modelState(m)).toBe(before);
    });
  }
});

describe('targets outside [0, 1] for the cross-entropies are RangeErrors', () => {
  it('binaryCrossEntropy: fit and evaluate (a loss of -10001 was returned)', async () => {
    const m = new Sequential([new Dense(2, 1)], { backend: 'reference', seed: 1 });
    m.compile({ optimizer: 'adam', loss: 'binaryCrossEntropy' });
    const x = Tensor.from([1, 2, 3, 4], [2, 2]);
    await m.fit(x, Tensor.from([0, 1], [2, 1]), { verbose: 0 });
    const before = modelState(m);
    const y = Tensor.from([1, 10001], [2, 1]);
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow(new RangeError('fit: y must be binaryCrossEntropy targets in [0, 1], got 10001 at row 1, column 0'));
    expect(() => m.evaluate(x, Tensor.from([-0.5, 1], [2, 1]))).toThrow(new RangeError('evaluate: y must be binaryCrossEntropy targets in [0, 1], got -0.5 at row 0, column 0'));
    expect(modelState(m)).toBe(before);
  });

  it('the kernels and loss(name) refuse them through the same check, leaving grad untouched', () => {
    for (const k of backendsUnderTest().map((b) => b.kernels)) {
      const grad = new Float32Array(2).fill(7);
      expect(() => k.binaryCrossEntropy(new Float32Array([0, 1]), new Float32Array([1, 10001]), grad)).toThrow(
        new RangeError('binaryCrossEntropy: target[1] must be a probability in [0, 1], got 10001'),
      );
      expect(() => k.softmaxCrossEntropy(new Float32Array([0, 1]), new Float32Array([1.5, -0.5]), grad, 1, 2)).toThrow(
        new RangeError('softmaxCrossEntropy: target[0] must be a probability in [0, 1], got 1.5'),
      );
      expect(Array.from(grad)).toEqual([7, 7]);
    }
    expect(() => loss('binaryCrossEntropy').compute(Tensor.from([0, 1], [2, 1]), Tensor.from([NaN, 1], [2, 1]))).toThrow(
      new RangeError('binaryCrossEntropy: target[0] must be a probability in [0, 1], got NaN'),
    );
  });

  it('softmaxCrossEntropy with probability targets', async () => {
    const m = new Sequential([new Dense(2, 3)], { backend: 'reference', seed: 1 });
    m.compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy' });
    const x = Tensor.from([1, 2, 3, 4], [2, 2]);
    const before = modelState(m);
    await expect(m.fit(x, Tensor.from([1, 0, 0, 1.5, -0.5, 0], [2, 3]), { verbose: 0 })).rejects.toThrow(
      new RangeError('fit: y must be softmaxCrossEntropy probability targets in [0, 1], got 1.5 at row 1, column 0'),
    );
    expect(modelState(m)).toBe(before);
    // In range: accepted.
    await m.fit(x, Tensor.from([1, 0, 0, 0.5, 0.5, 0], [2, 3]), { verbose: 0 });
  });
});
