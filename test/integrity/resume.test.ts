// What save records about the optimizer (issue 13, item 3): every parameter
// group with its hyper-parameters and parameter subset, clipNorm, weight
// decay, the convention and the built-in schedules. A run saved after two
// epochs and resumed from the files is bitwise identical to one never
// interrupted (values and optimizer state), on every backend; a schedule
// that is a user function is saved as a marker that load asks for. The
// backend is not part of the file: load puts model and optimizer on the
// backend it is given (else the default), so each optimizer here runs on its
// model's backend, as one built by compile from a name does.
import { afterAll, describe, expect, it } from 'vitest';
import {
  AdaGrad,
  Adam,
  AdamW,
  Dense,
  ModelFileError,
  Momentum,
  RMSProp,
  SGD,
  Sequential,
  Tensor,
  type Optimizer,
} from '../../lib/index.js';
import { cosineDecay, exponentialDecay, linearWarmup, multiply, sequence, stepDecay } from '../../lib/optim/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { bits, blobs } from '../train/helpers.js';
import { cleanTmp, modelState, readJson, tmp } from './helpers.js';

afterAll(cleanTmp);

type Make = (m: Sequential) => Optimizer;
const conventions = ['note', 'pytorch', 'keras'] as const;
const classes = { SGD, Momentum, AdaGrad, RMSProp, Adam, AdamW } as const;

const cases: [string, Make][] = [];
for (const [name, Cls] of Object.entries(classes)) {
  for (const convention of conventions) {
    // lr large enough that every step moves the weights visibly.
    cases.push([`${name} (${convention})`, (m) => new Cls(m.parameters(), { convention, lr: 0.05, backend: m.backend })]);
  }
}
const layer = (m: Sequential, i: number): Sequential['parameters'] extends () => infer P ? P : never => m.layers[i]!.parameters();
cases.push(
  ['Adam, two groups with their own lr and weight decay', (m) => new Adam([{ params: layer(m, 0), lr: 0.02 }, { params: layer(m, 1), lr: 0.005, weightDecay: 0.01 }], { backend: m.backend })],
  ['SGD over a subset (frozen first layer)', (m) => new SGD(layer(m, 1), { lr: 0.1, backend: m.backend })],
  ['Adam with clipNorm', (m) => new Adam(m.parameters(), { lr: 0.05, clipNorm: 0.05, backend: m.backend })],
  ['AdamW with decoupled weight decay, pytorch', (m) => new AdamW(m.parameters(), { lr: 0.05, decoupledWeightDecay: 0.1, convention: 'pytorch', backend: m.backend })],
  ['Momentum nesterov, clipNorm, two groups', (m) => new Momentum([{ params: layer(m, 1), beta: 0.8 }, { params: layer(m, 0) }], { lr: 0.05, variant: 'nesterov', clipNorm: 0.1, backend: m.backend })],
  ['stepDecay', (m) => new Momentum(m.parameters(), { lr: 0.1, backend: m.backend, schedule: stepDecay({ stepSize: 3, gamma: 0.5 }) })],
  ['exponentialDecay', (m) => new Momentum(m.parameters(), { lr: 0.1, backend: m.backend, schedule: exponentialDecay({ gamma: 0.9 }) })],
  ['cosineDecay', (m) => new Momentum(m.parameters(), { lr: 0.1, backend: m.backend, schedule: cosineDecay({ steps: 10, minFactor: 0.1 }) })],
  ['linearWarmup', (m) => new Adam(m.parameters(), { lr: 0.05, backend: m.backend, schedule: linearWarmup({ steps: 9, startFactor: 0.1 }) })],
  [
    'sequence and multiply composed',
    (m) =>
      new RMSProp(m.parameters(), {
        lr: 0.01,
        backend: m.backend,
        schedule: multiply(sequence([{ schedule: linearWarmup({ steps: 4 }), steps: 4 }], cosineDecay({ steps: 20 })), exponentialDecay({ gamma: 0.99 })),
      }),
  ],
);

function build(backend: 'native' | 'reference', make: Make): Sequential {
  const m = new Sequential([new Dense(4, 6, { activation: 'tanh' }), new Dense(6, 3)], { backend, seed: 11 });
  return m.compile({ optimizer: make(m), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
}

const { x, y } = blobs(40, 3);
const fitOpts = (seed: number) => ({ epochs: 2, batchSize: 8, seed, verbose: 0 as const });

for (const b of backendsUnderTest()) {
  describe(`save after 2 epochs, load, 2 more = 4 uninterrupted, bitwise [${b.label}]`, () => {
    for (const [title, make] of cases) {
      it(title, async () => {
        const whole = build(b.name, make);
        await whole.fit(x, y, fitOpts(1));
        const atSave = bits(whole.values);
        await whole.fit(x, y, fitOpts(2));

        const first = build(b.name, make);
        await first.fit(x, y, fitOpts(1));
        const dir = tmp();
        await first.save(dir);
        const resumed = await Sequential.load(dir, { backend: b.name });
        await resumed.fit(x, y, fitOpts(2));

        expect(bits(resumed.values)).toEqual(bits(whole.values));
        expect(resumed.optimizer!.stateDict()).toEqual(whole.optimizer!.stateDict());
        expect(resumed.optimizer!.paramGroups.map((g) => g.params.map((p) => p.name))).toEqual(whole.optimizer!.paramGroups.map((g) => g.params.map((p) => p.name)));
        expect(resumed.optimizer!.options.clipNorm).toBe(whole.optimizer!.options.clipNorm);
        // The second fit moved the weights: a resume that did nothing would differ.
        expect(bits(whole.values)).not.toEqual(atSave);
      });
    }
  });
}

describe('what save records without the optimizer state, and user-function schedules', () => {
  it('{ optimizer: false }: the frozen first layer stays frozen after load', async () => {
    const m = build('reference', (mm) => new SGD(layer(mm, 1), { lr: 0.1, clipNorm: 1, backend: mm.backend }));
    await m.fit(x, y, fitOpts(1));
    const dir = tmp();
    await m.save(dir, { optimizer: false });
    const j = readJson(`${dir}/model.json`);
    expect(j.optimizerState).toBeNull();
    // Hyper-parameters are kept (and saved) as given: derived constants are rounded once from the double (issue 13.9).
    expect(j.training.optimizer).toEqual({ name: 'sgd', convention: 'note', clipNorm: 1, schedule: null, groups: [{ params: ['1.weight', '1.bias'], hyper: { lr: 0.1, weightDecay: 0, decoupledWeightDecay: 0 } }] });
    const l = await Sequential.load(dir, { backend: 'reference' });
    const frozen = bits(l.values.subarray(0, 4 * 6 + 6));
    const trained = bits(l.values.subarray(30));
    await l.fit(x, y, fitOpts(2));
    expect(bits(l.values.subarray(0, 30))).toEqual(frozen);
    expect(bits(l.values.subarray(30))).not.toEqual(trained);
    expect(l.optimizer!.stepCount).toBe(10); // counted from 0 again (2 epochs of 5 batches): no state was saved
  });

  it('a user-function schedule is saved as a marker; load refuses without it and resumes bitwise with it', async () => {
    const schedule = (k: number): number => 1 / (1 + k);
    const make: Make = (mm) => new Adam(mm.parameters(), { lr: 0.05, schedule, backend: mm.backend });
    const whole = build('reference', make);
    await whole.fit(x, y, fitOpts(1));
    await whole.fit(x, y, fitOpts(2));
    const first = build('reference', make);
    await first.fit(x, y, fitOpts(1));
    const dir = tmp();
    await first.save(dir);
    expect(readJson(`${dir}/model.json`).training.optimizer.schedule).toEqual({ type: 'custom' });
    const e = await Sequential.load(dir).then(
      () => undefined,
      (er: unknown) => er,
    );
    expect(e).toBeInstanceOf(ModelFileError);
    expect((e as Error).message).toBe(
      `${dir}/model.json: training.optimizer does not fit the model: the optimizer was saved with a schedule that is a user function; pass it again: Sequential.load(dir, { schedule })`,
    );
    expect((e as Error).cause).toBeInstanceOf(RangeError);
    const resumed = await Sequential.load(dir, { backend: 'reference', schedule });
    await resumed.fit(x, y, fitOpts(2));
    expect(bits(resumed.values)).toEqual(bits(whole.values));
    expect(modelState(resumed)).toBe(modelState(whole));
  });

  it('a schedule given for a file with a built-in one is refused', async () => {
    const m = build('reference', (mm) => new SGD(mm.parameters(), { schedule: stepDecay({ stepSize: 2 }), backend: mm.backend }));
    const dir = tmp();
    await m.save(dir);
    await expect(Sequential.load(dir, { schedule: () => 1 })).rejects.toThrow(
      `${dir}/model.json: training.optimizer does not fit the model: load: schedule was given but the file records a built-in schedule or none`,
    );
  });
});

// Keep the import of Tensor used (x, y are Tensors).
void Tensor;
