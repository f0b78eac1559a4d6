// The optimizer kernels' scalar block has one layout per language: the C++
// X-macro NODEGRAD_OPTIM_SCALARS (native/kernels/optim.h, exported by the
// addon as optimScalarFields) and OPTIM_SCALARS in TypeScript. They must
// agree name for name, in order; and each optimizer's mapping must put its
// derived constants where the kernels read them, rounded once from the
// caller's doubles.
import { describe, expect, it } from 'vitest';
import { tryLoadNative } from '../../lib/backend/native.js';
import { adamScalars, momentumScalars, rmspropScalars } from '../../lib/backend/optim.js';
import { OPTIM_SCALARS, readBlock } from '../../lib/backend/optim-scalars.js';

const addon = tryLoadNative() as unknown as { optimScalarFields?: string[] } | undefined;

describe('the scalar block layout', () => {
  it.skipIf(!addon)(`C++ and TypeScript list the same fields in the same order${addon ? '' : ' (skipped: the native addon is not built)'}`, () => {
    expect(addon!.optimScalarFields).toEqual([...OPTIM_SCALARS]);
  });

  it('derived constants come from the double, rounded once (issue 13.9)', () => {
    const f = Math.fround;
    // 1 − fround(0.999) = 0.00099998713 (1.3e-5 relative off); fround(1 − 0.999) is the nearest float32 to 0.001.
    const a = readBlock(adamScalars({ lr: 0.001, beta1: 0.9, beta2: 0.999, step: 3 }));
    expect(a.c1).toBe(f(1 - 0.9));
    expect(a.c2).toBe(f(1 - 0.999));
    expect(a.c2).not.toBe(f(1 - f(0.999)));
    expect(a.b2).toBe(f(0.999));
    expect(a.lr).toBe(f(0.001 / (1 - 0.9 ** 3)));
    expect(a.k).toBe(f(1 / Math.sqrt(1 - 0.999 ** 3)));
    const r = readBlock(rmspropScalars({ lr: 0.01, beta: 0.99, epsPlacement: 'outside' }));
    expect([r.b2, r.c2, r.outside]).toEqual([f(0.99), f(1 - 0.99), 1]);
    expect(r.c2).not.toBe(f(1 - f(0.99)));
    const n = readBlock(momentumScalars({ lr: 0.1, beta: 0.9, variant: 'nesterov', decoupledWeightDecay: 0.3 }));
    expect([n.b1, n.c1, n.lr, n.q, n.nesterov, n.decay]).toEqual([f(0.9), 1, f(0.1 * 0.9), f(0.1), 1, f(0.1 * 0.3)]);
  });
});
