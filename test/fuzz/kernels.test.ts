// Property-based fuzzing of every public kernel on every backend (specs in
// test/fuzz/specs/, engine in test/fuzz/engine.ts). The kernel list comes
// from the backend itself, so a kernel without a spec fails here.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { backend } from '../../lib/backend/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { KERNEL_CASES, reportCount } from './budget.js';
import { checkInvalid, checkValid, counter, invalidCase, validCase } from './engine.js';
import { kernelSpecs } from './specs/index.js';

type Fn = (...args: unknown[]) => unknown;
const reference = backend('reference') as unknown as Record<string, Fn>;
const publicKernels = Object.keys(reference).sort();
const backends = backendsUnderTest();
const covered = publicKernels.filter((name) => kernelSpecs[name]);
// Spread the budget evenly: per kernel and backend, 40% valid, 60% invalid calls.
const perTest = Math.ceil(KERNEL_CASES / Math.max(1, covered.length * backends.length));
const validRuns = Math.ceil(perTest * 0.4);
const invalidRuns = perTest - validRuns;

afterAll(() => reportCount('kernels', counter.cases));

describe('fuzz coverage', () => {
  it('every public kernel has a fuzz spec', () => {
    expect(publicKernels.length).toBeGreaterThan(0);
    expect(publicKernels.filter((name) => !kernelSpecs[name])).toEqual([]);
  });

  it('every fuzz spec names a public kernel', () => {
    expect(Object.keys(kernelSpecs).filter((name) => !publicKernels.includes(name))).toEqual([]);
  });
});

for (const name of covered) {
  const spec = kernelSpecs[name]!;
  describe(`fuzz ${name}`, () => {
    for (const b of backends) {
      const fn = (b.kernels as unknown as Record<string, Fn>)[name]!;
      it(`${name} [${b.label}]: valid calls on offset views and allowed aliases match the reference`, () => {
        fc.assert(
          fc.property(validCase(spec), (c) => {
            const bad = checkValid(spec, fn, reference[name]!, c);
            if (bad) throw new Error(bad);
          }),
          { numRuns: validRuns },
        );
      });
      it(`${name} [${b.label}]: invalid calls throw the documented error and leave memory untouched`, () => {
        fc.assert(
          fc.property(invalidCase(spec), (c) => {
            const bad = checkInvalid(spec, name, fn, reference[name]!, c);
            fc.pre(bad !== 'skip');
            if (bad) throw new Error(bad);
          }),
          { numRuns: invalidRuns },
        );
      });
    }
  });
}
