// A run saved after step k (state dict through JSON, parameter values copied
// as a checkpoint would) and resumed continues bitwise identically to one never
// interrupted: every optimizer, convention, with schedule and clipping, on
// every backend. Gradients come from the parameters (linear regression), so
// any difference in state would show in later steps.
import { describe, expect, it } from 'vitest';
import { AdaGrad, Adam, AdamW, Momentum, RMSProp, SGD, cosineDecay, linearWarmup, sequence, type Optimizer } from '../../lib/optim/index.js';
import type { Parameter } from '../../lib/parameter.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { arenaParams, cloneArenas, LinearRegression, type Arenas } from '../helpers/params.js';

type Make = (params: Parameter[], backend: 'native' | 'reference') => Optimizer;
const schedule = sequence([{ schedule: linearWarmup({ steps: 5 }), steps: 5 }], cosineDecay({ steps: 30, minFactor: 0.1 }));
const makers: [string, Make][] = [
  ['SGD', (p, backend) => new SGD(p, { lr: 0.05, backend })],
  ['Momentum', (p, backend) => new Momentum(p, { lr: 0.05, backend, schedule })],
  ['Momentum nesterov (pytorch)', (p, backend) => new Momentum(p, { lr: 0.05, backend, convention: 'pytorch', variant: 'nesterov' })],
  ['AdaGrad (keras)', (p, backend) => new AdaGrad(p, { lr: 0.1, backend, convention: 'keras' })],
  ['RMSProp (pytorch)', (p, backend) => new RMSProp(p, { backend, convention: 'pytorch', clipNorm: 0.5 })],
  ['Adam', (p, backend) => new Adam(p, { lr: 0.01, backend, schedule, clipNorm: 1, weightDecay: 0.001 })],
  ['AdamW (keras)', (p, backend) => new AdamW(p, { lr: 0.01, backend, convention: 'keras' })],
];

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

function train(opt: Optimizer, a: Arenas, problem: LinearRegression, steps: number): void {
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    problem.lossAndGrad(a);
    opt.step();
  }
}

for (const b of backendsUnderTest()) {
  describe(`save at step k, resume, continue bitwise [${b.label}]`, () => {
    for (const [title, make] of makers) {
      it(title, () => {
        const problem = new LinearRegression(32, 13);
        const shapes = [[13], [0], [1]]; // with a zero-size parameter in the arena
        const full = arenaParams(shapes, 3);
        const first = cloneArenas(full);
        const fullOpt = make(full.params, b.name);
        train(fullOpt, full, problem, 20);

        const firstOpt = make(first.params, b.name);
        train(firstOpt, first, problem, 7);
        const saved = JSON.stringify(firstOpt.stateDict());
        const resumed = cloneArenas(first);
        const resumedOpt = make(resumed.params, b.name);
        resumedOpt.loadStateDict(JSON.parse(saved));
        expect(resumedOpt.stepCount).toBe(7);
        train(resumedOpt, resumed, problem, 13);

        expect(bits(resumed.values)).toEqual(bits(full.values));
        expect(resumedOpt.stateDict()).toEqual(fullOpt.stateDict());
        // The run did move: a resume that silently restarted would differ.
        expect(bits(resumed.values)).not.toEqual(bits(cloneArenas(arenaParams(shapes, 3)).values));
      });
    }
  });
}
