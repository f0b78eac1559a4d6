// Reference activations: each element computed in float64 from the float32
// inputs and rounded once to float32 on store (the Float32Array does that).
// Backward kernels select (x > 0 ? dy : α·dy) and never multiply by a mask.
import type { RawActivations } from '../activations.js';

export const referenceActivations: RawActivations = {
  relu(x, y) {
    // `x > 0 ? x : 0` alone would turn NaN into 0; NaN must propagate (v !== v),
    // and -0 must become +0 (it fails x > 0 and is not NaN, so it gets 0).
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      y[i] = v > 0 ? v : v !== v ? v : 0;
    }
  },
  reluBackward(x, dy, dx) {
    for (let i = 0; i < x.length; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
  },
  leakyRelu(x, y, alpha) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      y[i] = v > 0 ? v : alpha * v;
    }
  },
  leakyReluBackward(x, dy, dx, alpha) {
    for (let i = 0; i < x.length; i++) dx[i] = x[i]! > 0 ? dy[i]! : alpha * dy[i]!;
  },
  elu(x, y, alpha) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      y[i] = v > 0 ? v : alpha * Math.expm1(v);
    }
  },
  eluBackward(x, dy, dx, alpha) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      dx[i] = v > 0 ? dy[i]! : alpha * Math.exp(v) * dy[i]!;
    }
  },
  sigmoid(x, y) {
    for (let i = 0; i < x.length; i++) y[i] = 1 / (1 + Math.exp(-x[i]!));
  },
  sigmoidBackward(y, dy, dx) {
    for (let i = 0; i < y.length; i++) {
      const s = y[i]!;
      dx[i] = dy[i]! * s * (1 - s);
    }
  },
  tanh(x, y) {
    for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]!);
  },
  tanhBackward(y, dy, dx) {
    for (let i = 0; i < y.length; i++) {
      const t = y[i]!;
      dx[i] = dy[i]! * ((1 - t) * (1 + t));
    }
  },
  prelu(x, alpha, y) {
    const f = alpha.length;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      y[i] = v > 0 ? v : alpha[i % f]! * v;
    }
  },
  preluBackward(x, alpha, dy, dx, dalpha) {
    const f = alpha.length;
    const acc = new Float64Array(f);
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      const g = dy[i]!;
      const j = i % f;
      if (v > 0) {
        dx[i] = g;
      } else {
        acc[j]! += v * g;
        dx[i] = alpha[j]! * g;
      }
    }
    for (let j = 0; j < f; j++) dalpha[j] = acc[j]!;
  },
};
