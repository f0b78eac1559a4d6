// The hand-off between the addons (native/collectives/reducer_abi.h): the
// plan's data-parallel chunk takes only a process group's tagged reducer,
// refuses anything else before it runs (state unchanged), and runs only
// asynchronously (a collective never holds the event loop).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense, Sequential, Tensor } from '../../lib/index.js';
import { evaluate, init, type ProcessGroup } from '../../lib/distributed/index.js';
import { TrainingPlan, SCALAR_STRIDE } from '../../lib/train/plan-compile.js';
import { haveCollectives } from './helpers.js';

describe.skipIf(!haveCollectives)('the reducer hand-off to the plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nodegrad-reducer-'));
  let group: ProcessGroup;
  beforeAll(async () => {
    group = await init({ rank: 0, worldSize: 1, store: `file:${dir}`, timeout: 5000 });
  });
  afterAll(async () => {
    await group?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // A 3→2 model, one step of 4 rows: the arguments of planChunkAsync up to `result`.
  function setup() {
    const model = new Sequential([new Dense(3, 2)], { seed: 1, backend: 'native' });
    model.compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
    const plan = TrainingPlan.compile(model, { loss: 'softmaxCrossEntropy', metrics: [], optimizer: model.optimizer, capacity: 4, labels: true, targetWidth: 1, training: true });
    if (typeof plan === 'string') throw new Error(plan);
    const scalars = new Float32Array(plan.optimizer!.spans.length * SCALAR_STRIDE);
    expect(plan.optimizer!.scalars(scalars, 1).steps).toBe(1);
    const x = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i));
    const labels = Int32Array.from([0, 1, 1, 0]);
    const result = new Float64Array(8);
    const args = [plan.handle, plan.pins, x, labels, null, 4, Int32Array.from([0, 1, 2, 3]), 4, 0, 1, scalars, new Float64Array(1), new Float64Array(0), new Float64Array(1), 0, result];
    const before = Float32Array.from(model.values);
    return { model, plan, args, result, before };
  }

  it("runs a step with a group's reducer", async () => {
    const { model, plan, args, result, before } = setup();
    await plan.addon.planChunkAsync(...args, await reducerOf(group), 4, false, false);
    expect(result[0]).toBe(1);
    expect(Array.from(model.values)).not.toEqual(Array.from(before));
  });

  it.each([
    ['an external that is not a reducer (a plan handle)', () => setup().plan.handle],
    ['a plain object', () => ({})],
    ['a number', () => 1],
  ])('refuses %s, with state unchanged', (_what, make) => {
    const { model, plan, args, before } = setup();
    expect(() => plan.addon.planChunkAsync(...args, make(), 4, false, false)).toThrow(/plan: reducer must be the external of a process group's reducer\(\)/);
    expect(Array.from(model.values)).toEqual(Array.from(before));
  });

  it('refuses a data-parallel chunk on the synchronous entry point', async () => {
    const { model, plan, args, before } = setup();
    const r = await reducerOf(group);
    expect(() => plan.addon.planChunk(...args, r, 4, false, false)).toThrow(/runs only in planChunkAsync/);
    expect(Array.from(model.values)).toEqual(Array.from(before));
  });

  it('refuses an epoch length of 0 (the shard must hold the chunk)', async () => {
    const { plan, args } = setup();
    const r = await reducerOf(group);
    expect(() => plan.addon.planChunkAsync(...args, r, 0, false, false)).toThrow(/epochRows must be >= 1/);
  });
});

describe.skipIf(!haveCollectives)('distributed.evaluate, its arguments', () => {
  it('refuses a missing or wrong group and bad batch sizes, naming them', async () => {
    const model = new Sequential([new Dense(3, 2)], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy' });
    const x = Tensor.randn([5, 3], { seed: 2 });
    const y = Tensor.from([0, 1, 1, 0, 1], [5]);
    const dir = mkdtempSync(join(tmpdir(), 'nodegrad-evaluate-'));
    const group = await init({ rank: 0, worldSize: 1, store: `file:${dir}`, timeout: 5000 });
    try {
      await expect(evaluate(model, x, y, undefined as never)).rejects.toThrow(/distributed\.evaluate: options must be an object with a group/);
      await expect(evaluate(model, x, y, { group: {} as never })).rejects.toThrow(TypeError);
      await expect(evaluate(model, x, y, { group, batchSize: 0 })).rejects.toThrow(RangeError);
      // World size 1: the whole set on this rank, model.evaluate's numbers.
      expect(await evaluate(model, x, y, { group, batchSize: 2 })).toEqual(model.evaluate(x, y, { batchSize: 2 }));
    } finally {
      await group.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The group's reducer external, taken in its queue as fit takes it. */
function reducerOf(g: ProcessGroup): Promise<object> {
  return g.withReducer('test', async (r) => r);
}
