// Poisoned optimizer state is refused (issue 13.5): loadStateDict, and
// Sequential.load through optimizer.json, refuse non-finite state, negative
// second moments / accumulators and step counts that are not non-negative
// integers, with a RangeError naming the state, element and parameter; the
// model's values and the optimizer's state keep every byte.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AdaGrad, Adam, Dense, Momentum, RMSProp, Sequential, type Optimizer, type OptimizerStateDict } from '../../lib/index.js';
import { decodeF32, encodeF32 } from '../../lib/optim/codec.js';
import { arenaParams } from '../helpers/params.js';

type Make = (ps: ReturnType<typeof arenaParams>['params']) => Optimizer;
const kinds: [string, Make, string[]][] = [
  ['Adam', (ps) => new Adam(ps, { backend: 'reference' }), ['m', 'v']],
  ['RMSProp', (ps) => new RMSProp(ps, { backend: 'reference' }), ['v']],
  ['AdaGrad', (ps) => new AdaGrad(ps, { backend: 'reference' }), ['v']],
  ['Momentum', (ps) => new Momentum(ps, { backend: 'reference' }), ['m']],
];

function trained(make: Make) {
  const a = arenaParams([[2, 3], [3]]); // parameters p0 (6 elements) and p1 (3)
  a.grads.fill(0.5);
  const opt = make(a.params);
  opt.step();
  opt.step();
  return { a, opt, saved: JSON.parse(JSON.stringify(opt.stateDict())) as OptimizerStateDict };
}

/** The saved dict with element i of slot set to x. */
function poison(saved: OptimizerStateDict, slot: string, i: number, x: number): OptimizerStateDict {
  const c = structuredClone(saved);
  const st = c.groups[0]!.state!;
  const arr = decodeF32(st[slot], 9)!;
  arr[i] = x;
  st[slot] = encodeF32(arr);
  return c;
}

for (const [name, make, slots] of kinds) {
  describe(`${name}.loadStateDict refuses poisoned state, changing nothing`, () => {
    const cases: [string, (s: OptimizerStateDict) => OptimizerStateDict, string][] = [];
    for (const slot of slots) {
      const nonNeg = slot === 'v';
      const want = nonNeg ? 'finite numbers >= 0' : 'finite numbers';
      cases.push([`${slot} NaN`, (s) => poison(s, slot, 1, NaN), `${name}.loadStateDict: state.groups[0].state.${slot}[1] must be ${want} (parameter 'p0', element 1), got NaN`]);
      cases.push([`${slot} −Infinity`, (s) => poison(s, slot, 7, -Infinity), `${name}.loadStateDict: state.groups[0].state.${slot}[7] must be ${want} (parameter 'p1', element 1), got -Infinity`]);
      if (nonNeg) cases.push([`${slot} −1`, (s) => poison(s, slot, 6, -1), `${name}.loadStateDict: state.groups[0].state.v[6] must be finite numbers >= 0 (parameter 'p1', element 0), got -1`]);
    }
    const step = (x: unknown) => (s: OptimizerStateDict): OptimizerStateDict => ({ ...structuredClone(s), step: x as number });
    cases.push(['step 1.5', step(1.5), `${name}.loadStateDict: state.step must be an integer >= 0, got 1.5`]);
    cases.push(['step −1', step(-1), `${name}.loadStateDict: state.step must be an integer >= 0, got -1`]);
    cases.push(['step NaN', step(NaN), `${name}.loadStateDict: state.step must be an integer >= 0, got NaN`]);
    cases.push(['step 2^53', step(2 ** 53), `${name}.loadStateDict: state.step must be an integer >= 0, got 9007199254740992`]);
    for (const [title, mutate, message] of cases) {
      it(title, () => {
        const { a, opt, saved } = trained(make);
        const values = new Uint8Array(a.values.buffer.slice(0));
        const before = JSON.stringify(opt.stateDict());
        const bad = mutate(saved);
        expect(() => opt.loadStateDict(bad)).toThrow(RangeError);
        expect(() => opt.loadStateDict(bad)).toThrow(message);
        expect(JSON.stringify(opt.stateDict())).toBe(before);
        expect(new Uint8Array(a.values.buffer.slice(0))).toEqual(values);
      });
    }
    it('negative momentum (m) is fine, and a clean dict still loads', () => {
      const { opt, saved } = trained(make);
      const ok = slots.includes('m') ? poison(saved, 'm', 2, -3) : saved;
      opt.loadStateDict(ok);
      expect(opt.stateDict()).toEqual(ok);
    });
  });
}

describe('Sequential.load refuses a poisoned optimizer.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nodegrad-poison-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('v of −1 in optimizer.json: refused, naming the state', async () => {
    const m = new Sequential([new Dense(2, 2)], { backend: 'reference', seed: 1 });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const x = new Float32Array([1, 2, 3, 4]);
    const { Tensor } = await import('../../lib/tensor.js');
    await m.fit(new Tensor(x, [2, 2]), new Tensor(x.slice(), [2, 2]), { epochs: 1, verbose: 0 });
    await m.save(dir);
    // The optimizer file of the save (optimizer.json, or optimizer-<save id>.json since saves are committed as one unit).
    const name = readdirSync(dir).find((f) => /^optimizer(-[0-9a-z-]+)?\.json$/.test(f));
    expect(name).toBeDefined();
    const file = join(dir, name!);
    const text = readFileSync(file, 'utf8');
    const j = JSON.parse(text) as Record<string, unknown>;
    // optimizer.json holds the state dict (possibly inside a wrapper): poison every v found.
    const visit = (o: unknown): void => {
      if (typeof o !== 'object' || o === null) return;
      const r = o as Record<string, unknown>;
      if (typeof r.v === 'string') {
        const arr = decodeF32(r.v, (Buffer.from(r.v, 'base64').length / 4) | 0)!;
        arr[0] = -1;
        r.v = encodeF32(arr);
      }
      Object.values(r).forEach(visit);
    };
    visit(j);
    writeFileSync(file, JSON.stringify(j));
    await expect(Sequential.load(dir)).rejects.toThrow(/state\.v\[0\] must be finite numbers >= 0 \(parameter '[^']+', element 0\), got -1/);
  });
});
