// An independent float64 evaluation of the optimizer formulas, written the
// textbook way (m̂ and v̂ formed explicitly, Nesterov as g + βm, Keras's
// velocity as in Keras), NOT by calling the reference backend. Besides each
// new value it returns M, the sum of the magnitudes of the terms that value is
// built from: a float32 evaluation that rounds r times after each operation
// differs from the exact value by at most about r·2⁻²⁴·M, cancellation
// included. Tests use |got − want| ≤ K·2⁻²⁴·M with K stated beside them.
const f = Math.fround;

export type Kind = 'sgd' | 'momentum' | 'adagrad' | 'rmsprop' | 'adam';
export type Variant = 'ema' | 'classic' | 'nesterov' | 'keras' | 'keras-nesterov' | 'tfjs-nesterov';

export interface Hyper {
  lr: number;
  beta?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  step?: number;
  variant?: Variant;
  epsPlacement?: 'inside' | 'outside';
  epsHat?: boolean;
  weightDecay?: number;
  decoupledWeightDecay?: number;
  gradScale?: number;
}

export interface Out {
  th: number;
  m: number;
  v: number;
  Mth: number;
  Mm: number;
  Mv: number;
}

/**
 * One element's step. The factors the kernels multiply by are the float32
 * roundings of what the caller gave (lr, β, ε, ...); every derived constant
 * (1−β, the bias corrections, lr·λ) is exact arithmetic on the caller's
 * doubles (issue 13.9: never 1 − fround(β)).
 */
export function oracleStep(kind: Kind, h: Hyper, th: number, g0: number, m: number, v: number): Out {
  const lr = f(h.lr);
  const s = f(h.gradScale ?? 1);
  const wd = f(h.weightDecay ?? 0);
  const decay = f(h.lr * (h.decoupledWeightDecay ?? 0));
  const g = s * g0 + wd * th;
  const Mg = Math.abs(s * g0) + Math.abs(wd * th);
  const thd = th - decay * th;
  const Mthd = Math.abs(th) + Math.abs(decay * th);
  switch (kind) {
    case 'sgd':
      return { th: thd - lr * g, m, v, Mth: Mthd + lr * Mg, Mm: 0, Mv: 0 };
    case 'momentum': {
      const b = f(h.beta ?? 0.9);
      const variant = h.variant ?? 'ema';
      const keras = variant === 'keras' || variant === 'keras-nesterov';
      const a = variant === 'ema' ? 1 - (h.beta ?? 0.9) : keras ? -lr : 1;
      const m1 = b * m + a * g;
      const Mm = Math.abs(b * m) + Math.abs(a) * Mg;
      let th1: number;
      let Mu: number;
      if (variant === 'ema' || variant === 'classic') [th1, Mu] = [thd - lr * m1, lr * Mm];
      // PyTorch's (lr·β)·m' + lr·g and TF.js's lr·(g + β·m') are one formula in exact arithmetic.
      else if (variant === 'nesterov' || variant === 'tfjs-nesterov') [th1, Mu] = [thd - lr * (g + b * m1), lr * (Mg + b * Mm)];
      else if (variant === 'keras') [th1, Mu] = [thd + m1, Mm];
      else [th1, Mu] = [thd + b * m1 - lr * g, b * Mm + lr * Mg];
      return { th: th1, m: m1, v, Mth: Mthd + Mu, Mm, Mv: 0 };
    }
    case 'adagrad':
    case 'rmsprop': {
      const b = kind === 'adagrad' ? 1 : f(h.beta ?? 0.9);
      const c = kind === 'adagrad' ? 1 : 1 - (h.beta ?? 0.9);
      const eps = f(h.eps ?? 1e-8);
      const v1 = b * v + c * g * g;
      const den = h.epsPlacement === 'outside' ? Math.sqrt(v1) + eps : Math.sqrt(v1 + eps);
      return { th: thd - (lr * g) / den, m, v: v1, Mth: Mthd + (lr * Mg) / den, Mm: 0, Mv: v1 };
    }
    case 'adam': {
      const b1 = f(h.beta1 ?? 0.9);
      const b2 = f(h.beta2 ?? 0.999);
      const eps = f(h.eps ?? 1e-8);
      const t = h.step ?? 1;
      const [beta1, beta2] = [h.beta1 ?? 0.9, h.beta2 ?? 0.999];
      const m1 = b1 * m + (1 - beta1) * g;
      const v1 = b2 * v + (1 - beta2) * g * g;
      const Mm = Math.abs(b1 * m) + (1 - beta1) * Mg;
      const bc1 = 1 - Math.pow(beta1, t);
      const bc2 = 1 - Math.pow(beta2, t);
      let step: number;
      let Mstep: number;
      if (h.epsHat) {
        // Keras: alpha = lr·√(1−β₂ᵗ)/(1−β₁ᵗ); θ −= m·alpha/(√v + ε̂)
        const alpha = (lr * Math.sqrt(bc2)) / bc1;
        step = (m1 * alpha) / (Math.sqrt(v1) + eps);
        Mstep = (Mm * alpha) / (Math.sqrt(v1) + eps);
      } else {
        const mh = m1 / bc1;
        const vh = v1 / bc2;
        step = (lr * mh) / (Math.sqrt(vh) + eps);
        Mstep = (lr * (Mm / bc1)) / (Math.sqrt(vh) + eps);
      }
      return { th: thd - step, m: m1, v: v1, Mth: Mthd + Mstep, Mm, Mv: v1 };
    }
  }
}

export const U = 2 ** -24;

/** First index where |got − want| > K·u·M (+ the smallest normal float32, for values that underflow), or -1. */
export function firstMismatch(got: ArrayLike<number>, want: ArrayLike<number>, M: ArrayLike<number>, K: number): number {
  for (let i = 0; i < got.length; i++) {
    const tol = K * U * M[i]! + 1.2e-38;
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) return i;
  }
  return -1;
}
