// The name lists (losses, optimizers, metrics) are the single source the
// consumers check against: every listed name is accepted by its consumer,
// and an unknown name's error lists exactly these names.
import { describe, expect, it } from 'vitest';
import { createOptimizer, Dense, LOSS_NAMES, loss, METRIC_NAMES, OPTIMIZER_NAMES, Sequential } from '../../lib/index.js';

const model = (): Sequential => new Sequential([new Dense(3, 2)], { backend: 'reference' });

describe('name lists', () => {
  it('hold the documented names', () => {
    expect([...LOSS_NAMES]).toEqual(['mse', 'softmaxCrossEntropy', 'binaryCrossEntropy']);
    expect([...OPTIMIZER_NAMES]).toEqual(['sgd', 'momentum', 'adagrad', 'rmsprop', 'adam', 'adamw']);
    expect([...METRIC_NAMES]).toEqual(['loss', 'accuracy', 'categoricalAccuracy', 'binaryAccuracy', 'mae']);
  });

  it('are accepted by loss(), compile() and createOptimizer()', () => {
    for (const name of LOSS_NAMES) {
      expect(loss(name, { backend: 'reference' }).name).toBe(name);
      expect(() => model().compile({ optimizer: 'sgd', loss: name })).not.toThrow();
    }
    for (const name of OPTIMIZER_NAMES) {
      const m = model();
      expect(createOptimizer(name, m.parameters()).kind).toBe(name);
      expect(m.compile({ optimizer: name, loss: 'mse' }).optimizer?.kind).toBe(name);
    }
    expect(() => model().compile({ optimizer: 'adam', loss: 'mse', metrics: [...METRIC_NAMES] })).not.toThrow();
  });

  it("name every listed name in an unknown name's error", () => {
    const listed = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');
    // @ts-expect-error deliberately wrong
    expect(() => loss('hinge')).toThrow(`loss: name must be one of ${listed(LOSS_NAMES)}, got "hinge"`);
    // @ts-expect-error deliberately wrong
    expect(() => model().compile({ optimizer: 'adam', loss: 'hinge' })).toThrow(`one of ${listed(LOSS_NAMES)}`);
    // @ts-expect-error deliberately wrong
    expect(() => model().compile({ optimizer: 'lbfgs', loss: 'mse' })).toThrow(`one of ${listed(OPTIMIZER_NAMES)}`);
    // @ts-expect-error deliberately wrong
    expect(() => model().compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1'] })).toThrow(listed(METRIC_NAMES));
  });
});
