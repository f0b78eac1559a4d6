// Each optimizer lowers the loss of a small linear regression (13 weights and
// a bias, gradient written by hand) within a fixed number of steps, on every
// backend. The learning rates are ordinary choices for each method; the bar
// (loss below 5% of its starting value within 300 steps) is loose enough for
// any correct implementation and fails for a wrong sign, a missing update or
// a diverging step.
import { describe, expect, it } from 'vitest';
import { createOptimizer, type OptimizerName } from '../../lib/optim/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { arenaParams, LinearRegression } from '../helpers/params.js';

const cases: [OptimizerName, Record<string, unknown>][] = [
  ['sgd', { lr: 0.05 }],
  ['momentum', { lr: 0.05 }],
  ['momentum', { lr: 0.02, variant: 'nesterov' }],
  ['adagrad', { lr: 0.3 }],
  ['rmsprop', { lr: 0.01 }],
  ['adam', { lr: 0.05 }],
  ['adamw', { lr: 0.05 }],
  ['adam', { lr: 0.05, convention: 'keras' }],
];

for (const b of backendsUnderTest()) {
  describe(`optimizers lower the loss of linear regression [${b.label}]`, () => {
    for (const [name, options] of cases) {
      it(`${name} ${JSON.stringify(options)}`, () => {
        const problem = new LinearRegression(64, 13);
        const a = arenaParams([[13], [1]], 5);
        const opt = createOptimizer(name, a.params, { ...options, backend: b.name });
        const initial = problem.lossAndGrad(a);
        let loss = initial;
        for (let s = 0; s < 300; s++) {
          opt.zeroGrad();
          loss = problem.lossAndGrad(a);
          opt.step();
        }
        loss = problem.lossAndGrad(a);
        expect(initial).toBeGreaterThan(1);
        expect(loss).toBeLessThan(0.05 * initial);
      });
    }
  });
}
