// Reference GEMM family: every output element summed in float64 (in k order)
// from the float32 inputs, scaled, and rounded once to float32 on store.
import { FusedActivation, type RawGemm } from '../gemm.js';
import { referenceActivations as act } from './activations.js';
import { ACTIVATIONS } from '../families/activations.js';

export const referenceGemm: RawGemm = {
  gemm(a, b, c, m, n, k, transA, transB, alpha, beta) {
    // C has no elements: nothing to do, however large the other dimension
    // (looping over 2^31 empty rows took seconds).
    if (m === 0 || n === 0) return;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        if (alpha !== 0) {
          for (let p = 0; p < k; p++) {
            const av = transA ? a[p * m + i]! : a[i * k + p]!;
            const bv = transB ? b[j * k + p]! : b[p * n + j]!;
            s += av * bv;
          }
        }
        const ab = alpha === 0 || k === 0 ? 0 : alpha * s;
        c[i * n + j] = beta === 0 ? ab : ab + beta * c[i * n + j]!;
      }
    }
  },

  denseForward(x, w, bias, y, m, n, k, activation, alpha, z) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += x[i * k + p]! * w[p * n + j]!;
        // Round the product sum, then add the bias in float32, as native does.
        y[i * n + j] = bias ? Math.fround(s) + bias[j]! : s;
      }
    }
    if (z) z.set(y.subarray(0, m * n));
    applyInPlace(y, activation, alpha);
  },

  columnSums(a, out, m, n, beta) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += a[i * n + j]!;
      out[j] = beta === 0 ? s : s + beta * out[j]!;
    }
  },
};

// Fused id -> the activation kernel applied in place (with α, or GELU's
// form), derived from the family's list.
const fusedKernels = new Map<number, (y: Float32Array, alpha: number) => void>();
for (const e of ACTIVATIONS) {
  const k = act[e.name] as (x: Float32Array, y: Float32Array, p?: number) => void;
  if (e.param === 'approximate') {
    Object.values(e.approximate).forEach((id, form) => fusedKernels.set(id, (y) => k(y, y, form)));
  } else {
    fusedKernels.set(e.fused, (y, alpha) => k(y, y, alpha));
  }
}

function applyInPlace(y: Float32Array, activation: FusedActivation, alpha: number): void {
  if (activation === FusedActivation.none) return;
  fusedKernels.get(activation)!(y, alpha);
}
