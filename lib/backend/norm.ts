// The normalisation family's contract (families/norm.ts): the unchecked
// form both backends implement. Arrays are row-major rows x features; w and
// b (affine) are both null or both given, so are dw and db (ADDED to, as
// layers accumulate gradients) and runningMean / runningVar; dx null
// computes the parameter gradients only. rstd is float64: `features` values
// (BatchNorm1d) or `rows` values (LayerNorm), written by the forward for
// the backward, and may be longer. Outputs never overlap inputs; inputs are
// never written. The arithmetic order, the same on every path and in the
// reference twin, is in native/kernels/norm_body.inc.
type F = Float32Array;
type D = Float64Array;

export interface RawNorm {
  /** BatchNorm1d in training: batch statistics; running statistics updated with `momentum` when given. */
  batchNormTrain(x: F, w: F | null, b: F | null, y: F, xhat: F, rstd: D, rows: number, features: number, eps: number, momentum: number, runningMean: F | null, runningVar: F | null): void;
  /** BatchNorm1d in evaluation: the running statistics normalise. */
  batchNormEval(x: F, w: F | null, b: F | null, y: F, xhat: F, rstd: D, rows: number, features: number, eps: number, runningMean: F, runningVar: F): void;
  /** batchStats: the forward was batchNormTrain. */
  batchNormBackward(dy: F, xhat: F, rstd: D, w: F | null, dx: F | null, dw: F | null, db: F | null, rows: number, features: number, batchStats: boolean): void;
  layerNormForward(x: F, w: F | null, b: F | null, y: F, xhat: F, rstd: D, rows: number, features: number, eps: number): void;
  layerNormBackward(dy: F, xhat: F, rstd: D, w: F | null, dx: F | null, dw: F | null, db: F | null, rows: number, features: number): void;
  /** Inverted dropout of x.length elements; `state` is an Rng's xoshiro128** state, advanced in place; mask.length ≥ x.length. */
  dropoutForward(x: F, y: F, mask: F, p: number, scale: number, state: Uint32Array): void;
  /** dx = dy · mask; mask.length ≥ dy.length. */
  dropoutBackward(dy: F, mask: F, dx: F): void;
}
