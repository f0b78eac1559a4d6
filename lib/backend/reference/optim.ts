// Reference optimizer kernels. Each element is computed in float64 from the
// float32 inputs and the float32 scalars, following the arrangement in
// native/kernels/optim.h, and every stored value is rounded once, when it is
// written to its Float32Array. Intermediates are NOT rounded: the parameter
// update uses the float64 m' and v' (and the float64 preprocessed gradient),
// not their float32 copies. Native code rounds after every operation, so it
// differs by a few ulp of the terms involved (bound: test/kernels/optim.test.ts).
import type { RawOptim } from '../optim.js';

function grad(g: number, th: number, scale: number, wd: number): number {
  const s = scale * g;
  return wd !== 0 ? s + wd * th : s;
}

function decayed(th: number, decay: number): number {
  return decay !== 0 ? th - decay * th : th;
}

export const referenceOptim: RawOptim = {
  sgdStep(param, g0, lr, scale, wd, decay) {
    for (let i = 0; i < param.length; i++) {
      const th = param[i]!;
      const g = grad(g0[i]!, th, scale, wd);
      param[i] = decayed(th, decay) - lr * g;
    }
  },
  momentumStep(param, g0, m, beta, a, p, q, nesterov, scale, wd, decay) {
    for (let i = 0; i < param.length; i++) {
      const th = param[i]!;
      const g = grad(g0[i]!, th, scale, wd);
      const m1 = beta * m[i]! + a * g;
      m[i] = m1;
      const u = nesterov ? p * m1 + q * g : p * m1;
      param[i] = decayed(th, decay) - u;
    }
  },
  rmsStep(param, g0, v, lr, b, c2, eps, epsOutside, scale, wd, decay) {
    for (let i = 0; i < param.length; i++) {
      const th = param[i]!;
      const g = grad(g0[i]!, th, scale, wd);
      const v1 = b * v[i]! + c2 * (g * g);
      v[i] = v1;
      const den = epsOutside ? Math.sqrt(v1) + eps : Math.sqrt(v1 + eps);
      param[i] = decayed(th, decay) - lr * (g / den);
    }
  },
  adamStep(param, g0, m, v, alpha, k, beta1, c1, beta2, c2, eps, scale, wd, decay) {
    for (let i = 0; i < param.length; i++) {
      const th = param[i]!;
      const g = grad(g0[i]!, th, scale, wd);
      const m1 = beta1 * m[i]! + c1 * g;
      const v1 = beta2 * v[i]! + c2 * (g * g);
      m[i] = m1;
      v[i] = v1;
      param[i] = decayed(th, decay) - alpha * (m1 / (Math.sqrt(v1) * k + eps));
    }
  },
  sumSquares(x) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
    return s;
  },
};
