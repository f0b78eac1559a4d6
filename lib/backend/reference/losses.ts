// Reference losses (one formula per kernel of the family's list,
// families/losses.ts: RawLosses is derived from it, so a missing kernel does
// not compile): float64 arithmetic from the float32 inputs, each gradient
// element rounded once to float32 on store, the loss summed in float64 in
// index order. Native kernels arrange each element's formula the same way.
import type { RawLosses } from '../losses.js';

export const referenceLosses: RawLosses = {
  mse(pred, target, grad) {
    const count = pred.length;
    if (count === 0) return 0;
    const scale = 2 / count;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const d = pred[i]! - target[i]!;
      sum += d * d;
      grad[i] = d * scale;
    }
    return sum / count;
  },

  softmaxCrossEntropy(logits, target, grad, n, classes) {
    if (n === 0) return 0;
    let total = 0;
    for (let r = 0; r < n; r++) {
      const o = r * classes;
      const { max, sum } = rowStats(logits, o, classes);
      const lse = max + Math.log(sum);
      let tsum = 0;
      for (let j = 0; j < classes; j++) {
        const t = target[o + j]!;
        tsum += t;
        // t·(lse − z) rather than −t·log p: no log of an underflowed p.
        if (t !== 0) total += t * (lse - logits[o + j]!);
      }
      // d/dz_j Σ_k t_k(lse − z_k) = p_j·Σt − t_j (= p_j − t_j for one-hot).
      for (let j = 0; j < classes; j++) {
        const p = Math.exp(logits[o + j]! - max) / sum;
        grad[o + j] = (p * tsum - target[o + j]!) / n;
      }
    }
    return total / n;
  },

  softmaxCrossEntropyLabels(logits, labels, grad, n, classes) {
    if (n === 0) return 0;
    let total = 0;
    for (let r = 0; r < n; r++) {
      const o = r * classes;
      const { max, sum } = rowStats(logits, o, classes);
      const label = labels[r]!;
      total += max + Math.log(sum) - logits[o + label]!;
      for (let j = 0; j < classes; j++) {
        const p = Math.exp(logits[o + j]! - max) / sum;
        grad[o + j] = (p - (j === label ? 1 : 0)) / n;
      }
    }
    return total / n;
  },

  binaryCrossEntropy(logits, target, grad) {
    const count = logits.length;
    if (count === 0) return 0;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const z = logits[i]!;
      const t = target[i]!;
      const e = Math.exp(-Math.abs(z));
      total += Math.max(z, 0) - z * t + Math.log1p(e);
      // σ(z) without overflow: from e = exp(−|z|) on both sides of 0.
      const s = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      grad[i] = (s - t) / count;
    }
    return total / count;
  },
};

// The row's max (so every exp argument is ≤ 0) and Σ exp(z − max) ≥ 1.
function rowStats(z: Float32Array, o: number, classes: number): { max: number; sum: number } {
  let max = -Infinity;
  for (let j = 0; j < classes; j++) max = Math.max(max, z[o + j]!);
  let sum = 0;
  for (let j = 0; j < classes; j++) sum += Math.exp(z[o + j]! - max);
  return { max, sum };
}
