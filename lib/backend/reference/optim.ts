// Reference optimizer kernels. Each element is computed in float64 from the
// float32 inputs and the block's float32 scalars, following the arrangement in
// native/kernels/optim.h, and every stored value is rounded once, when it is
// written to its Float32Array. Intermediates are NOT rounded: the parameter
// update uses the float64 m' and v' (and the float64 preprocessed gradient),
// not their float32 copies. Native code rounds after every operation, so it
// differs by a few ulp of the terms involved (bound: test/kernels/optim.test.ts).
//
// The guard (block field `guard`) works as natively: a read-only pass
// computes every new value, rounded to float32 as it would be stored, and the
// writing pass runs only if all are finite.
import type { RawOptim } from '../optim.js';
import { GUARD_CHECK, GUARD_OFF, readBlock, type OptimScalars } from '../optim-scalars.js';

const f32 = Math.fround;

function grad(g: number, th: number, s: OptimScalars): number {
  const x = s.scale * g;
  return s.wd !== 0 ? x + s.wd * th : x;
}

function decayed(th: number, s: OptimScalars): number {
  return s.decay !== 0 ? th - s.decay * th : th;
}

/** One element's new values [θ', state...], in float64. */
type ElementMath = (i: number, out: number[]) => void;

/** Runs the guard's check pass (if asked) and the writing pass over `arrays` (θ, then the state). */
function run(s: OptimScalars, n: number, arrays: Float32Array[], math: ElementMath): number {
  const out: number[] = [0, 0, 0, 0];
  if (s.guard !== GUARD_OFF) {
    for (let i = 0; i < n; i++) {
      math(i, out);
      let mask = 0;
      for (let j = 0; j < arrays.length; j++) if (!Number.isFinite(f32(out[j]!))) mask |= 1 << j;
      if (mask !== 0) return 8 * i + mask;
    }
    if (s.guard === GUARD_CHECK) return 0;
  }
  for (let i = 0; i < n; i++) {
    math(i, out);
    for (let j = 0; j < arrays.length; j++) arrays[j]![i] = out[j]!;
  }
  return 0;
}

export const referenceOptim: RawOptim = {
  sgdStep(param, g0, block) {
    const s = readBlock(block);
    return run(s, param.length, [param], (i, o) => {
      const th = param[i]!;
      o[0] = decayed(th, s) - s.lr * grad(g0[i]!, th, s);
    });
  },
  momentumStep(param, g0, m, block) {
    const s = readBlock(block);
    return run(s, param.length, [param, m], (i, o) => {
      const th = param[i]!;
      const g = grad(g0[i]!, th, s);
      const m1 = s.b1 * m[i]! + s.c1 * g;
      const u = s.nesterov === 2 ? s.lr * (g + s.q * m1) : s.nesterov !== 0 ? s.lr * m1 + s.q * g : s.lr * m1;
      o[0] = decayed(th, s) - u;
      o[1] = m1;
    });
  },
  rmsStep(param, g0, v, block) {
    const s = readBlock(block);
    return run(s, param.length, [param, v], (i, o) => {
      const th = param[i]!;
      const g = grad(g0[i]!, th, s);
      const v1 = s.b2 * v[i]! + s.c2 * (g * g);
      const den = s.outside !== 0 ? Math.sqrt(v1) + s.eps : Math.sqrt(v1 + s.eps);
      o[0] = decayed(th, s) - s.lr * (g / den);
      o[1] = v1;
    });
  },
  adamStep(param, g0, m, v, block) {
    const s = readBlock(block);
    return run(s, param.length, [param, m, v], (i, o) => {
      const th = param[i]!;
      const g = grad(g0[i]!, th, s);
      const m1 = s.b1 * m[i]! + s.c1 * g;
      const v1 = s.b2 * v[i]! + s.c2 * (g * g);
      const u = s.divide !== 0 ? m1 / s.bc1 / (Math.sqrt(v1 / s.bc2) + s.eps) : m1 / (Math.sqrt(v1) * s.k + s.eps);
      o[0] = decayed(th, s) - s.lr * u;
      o[1] = m1;
      o[2] = v1;
    });
  },
  rmsMomentumStep(param, g0, v, mom, mg, block) {
    // Always writes, like the native kernel (the block's guard is ignored).
    const s = { ...readBlock(block), guard: GUARD_OFF };
    const arrays = mg ? [param, v, mom, mg] : [param, v, mom];
    return run(s, param.length, arrays, (i, o) => {
      const th = param[i]!;
      const g = grad(g0[i]!, th, s);
      const v1 = s.b2 * v[i]! + s.c2 * (g * g);
      let den: number;
      if (mg) {
        const mg1 = s.b2 * mg[i]! + s.c2 * g;
        den = Math.sqrt(v1 - (mg1 * mg1 + s.eps));
        o[3] = mg1;
      } else {
        den = Math.sqrt(v1 + s.eps);
      }
      const m1 = s.b1 * mom[i]! + (g * s.lr) / den;
      o[0] = decayed(th, s) - m1;
      o[1] = v1;
      o[2] = m1;
    });
  },
  sumSquares(x) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
    return s;
  },
};
