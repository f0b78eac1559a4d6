// The GEMM family's contract: the unchecked form both backends implement
// (RawGemm) and the checked public form (GemmKernels).
import { FUSED_ACTIVATIONS, type FusedActivationId } from './families/activations.js';
import { checkF32, checkFiniteF32, checkInteger, checkLength, checkNoOverlap, typeError } from '../errors.js';

/**
 * Activation fused into denseForward's epilogue: the ids of the activation
 * family's list (families/activations.ts), shared with the C++ epilogue.
 */
export const FusedActivation = FUSED_ACTIVATIONS;
export type FusedActivation = FusedActivationId;

/** Unchecked kernels: arguments already validated, scalars already float32. */
export interface RawGemm {
  /**
   * C (m×n) = alpha·op(A)·op(B) + beta·C, row-major. beta = 0 never reads C;
   * alpha = 0 or k = 0 never reads A or B; m or n = 0 does nothing. C must
   * not overlap A or B (checked by checkedGemm, not here).
   */
  gemm(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    alpha: number,
    beta: number,
  ): void;
  /**
   * y (m×n) = act(x·w + bias): x m×k, w k×n, bias n or null; the activation
   * (FusedActivation, with `alpha` for leakyRelu/elu) applied in the epilogue.
   * Each element equals gemm, then the bias added in float32, then the
   * activation kernel on that float32 value. `z` (m×n, overlapping none of
   * x, w, y), when given, receives each element before the activation (the
   * pre-activation a layer keeps for a backward that needs x).
   */
  denseForward(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
    m: number,
    n: number,
    k: number,
    act: FusedActivation,
    alpha: number,
    z?: Float32Array | null,
  ): void;
  /**
   * out[j] = Σ_i a[i·n + j] + beta·out[j] (bias gradients), summed in row
   * order (native: in float32, so the result does not depend on the thread
   * count or the SIMD width); beta = 0 never reads out.
   */
  columnSums(a: Float32Array, out: Float32Array, m: number, n: number, beta: number): void;
}

/**
 * The native GEMM's blocking on this process's SIMD path (`gemmBlocking()`
 * on the addon): the micro-tile mr×nr, the cache blocks mc/kc/nc derived at
 * load time from the caches (bytes; l3 is this core's share), and the
 * largest row count that takes the few-row GEMV path (0: none).
 */
export interface GemmBlockingInfo {
  mr: number;
  nr: number;
  mc: number;
  kc: number;
  nc: number;
  gemvMaxRows: number;
  caches: { l1d: number; l1dWays: number; l2: number; l3: number; detected: boolean };
}

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

export interface GemmKernels {
  /**
   * C (m×n) = alpha·op(A)·op(B) + beta·C, row-major. op(A) is m×k (A stored
   * k×m when transA), op(B) is k×n (B stored n×k when transB).
   */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number, options?: GemmOptions): void;
}

export function checkedGemm(raw: RawGemm): GemmKernels {
  return {
    gemm(a, b, c, m, n, k, options = {}) {
      const fn = 'gemm';
      checkF32(fn, 'a', a);
      checkF32(fn, 'b', b);
      checkF32(fn, 'c', c);
      checkInteger(fn, 'm', m, 0);
      checkInteger(fn, 'n', n, 0);
      checkInteger(fn, 'k', k, 0);
      if (options === null || typeof options !== 'object') throw typeError(fn, 'options', 'an object', options);
      const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
      if (typeof transA !== 'boolean') throw typeError(fn, 'options.transA', 'a boolean', transA);
      if (typeof transB !== 'boolean') throw typeError(fn, 'options.transB', 'a boolean', transB);
      const a32 = checkFiniteF32(fn, 'options.alpha', alpha);
      const b32 = checkFiniteF32(fn, 'options.beta', beta);
      checkLength(fn, 'a', a, m * k);
      checkLength(fn, 'b', b, k * n);
      checkLength(fn, 'c', c, m * n);
      checkNoOverlap(fn, 'c', c, [
        ['a', a],
        ['b', b],
      ]);
      raw.gemm(a, b, c, m, n, k, transA, transB, a32, b32);
    },
  };
}
