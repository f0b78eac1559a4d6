// The optimizer kernels' contract: the unchecked form both backends implement
// (RawOptim), the one mapping per optimizer from hyper-parameters to the
// kernels' scalar block (used by the checked kernels and by the optimizer
// classes alike), and the checked public form (OptimKernels).
//
// Hyper-parameters stay the caller's doubles until the mapping: every derived
// constant (1−β, lr·β, lr·λ, the bias corrections) is computed in float64
// from them and rounded to float32 once, when it is written into the block
// (so 1−β is fround(1 − β), never 1 − fround(β)). The kernels keep no state.
// How each formula is arranged: native/kernels/optim.h.
import { checkF32, checkInteger, checkLength, checkNoOverlap, describe, rangeError, typeError } from '../errors.js';
import { decodeStepResult, GUARD_APPLY, GUARD_OFF, scalarBlock, type OptimScalars } from './optim-scalars.js';

/**
 * Unchecked kernels: arguments validated, scalars in one block laid out as
 * OPTIM_SCALARS. Each step returns 0, or (when the block's guard refused the
 * step, writing nothing) 8·i + mask for the first element i whose new value
 * would not be finite (decodeStepResult).
 */
export interface RawOptim {
  sgdStep(param: Float32Array, grad: Float32Array, scalars: Float32Array): number;
  momentumStep(param: Float32Array, grad: Float32Array, m: Float32Array, scalars: Float32Array): number;
  /** AdaGrad (b2 = c2 = 1) and RMSProp (b2 = β, c2 = 1−β). */
  rmsStep(param: Float32Array, grad: Float32Array, v: Float32Array, scalars: Float32Array): number;
  adamStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, scalars: Float32Array): number;
  /**
   * RMSProp with a momentum buffer in TF.js's arrangement (b2 = β, c2 = 1−β,
   * b1 = momentum), centered when `mg` is given. Always writes (the block's
   * guard is ignored: the refusal mask has no bit for a fourth array).
   */
  rmsMomentumStep(param: Float32Array, grad: Float32Array, v: Float32Array, mom: Float32Array, mg: Float32Array | null, scalars: Float32Array): number;
  /** Σ x², accumulated in float64. */
  sumSquares(x: Float32Array): number;
}

/** Options every step kernel accepts beyond the lecture note; all off by default. */
export interface StepExtras {
  /** Coupled L2 weight decay: g ← g + weightDecay·θ. Default 0. */
  weightDecay?: number;
  /** Decoupled weight decay λ (AdamW): θ ← θ − η·λ·θ before the update. Default 0. */
  decoupledWeightDecay?: number;
  /** Multiplies the gradient first (the clip-by-global-norm factor). Default 1. */
  gradScale?: number;
  /**
   * An update that would make any element of the parameter or of the state
   * non-finite: 'apply' writes it anyway (the default, and the fastest: one
   * pass); 'refuse' writes nothing and throws a RangeError naming the array
   * and element (a read-only pass first, then the writing pass).
   */
  nonFinite?: 'apply' | 'refuse';
}
export interface SgdOptions extends StepExtras {
  lr: number;
}
export type MomentumVariant = 'ema' | 'classic' | 'nesterov' | 'keras' | 'keras-nesterov' | 'tfjs-nesterov';
export interface MomentumOptions extends StepExtras {
  lr: number;
  beta?: number;
  /** Default 'ema' (the note); see README "optim" for each formula. */
  variant?: MomentumVariant;
}
export type EpsPlacement = 'inside' | 'outside';
export interface AdagradOptions extends StepExtras {
  lr: number;
  eps?: number;
  /** 'inside': g/√(v+ε) (the note, Keras 3); 'outside': g/(√v+ε) (PyTorch). Default 'inside'. */
  epsPlacement?: EpsPlacement;
}
export interface RmspropOptions extends AdagradOptions {
  beta?: number;
  /**
   * TF.js's RMSProp (and TensorFlow 1's): with a momentum buffer the step is
   * v ← βv + (1−β)g², mom ← momentum·mom + (g·lr)/√(v + ε), θ ← θ − mom,
   * each operation rounded to float32 in that order (tf.train.rmsprop's
   * bits). `momentum` (default 0) needs `momentumBuffer`; epsPlacement must
   * be 'inside' and nonFinite 'apply' with it.
   */
  momentum?: number;
  /** The momentum state (same length as param), updated in place. */
  momentumBuffer?: Float32Array;
  /**
   * Centered RMSProp (needs momentumBuffer): the mean-gradient state mg ←
   * βmg + (1−β)g, and the denominator √(v − (mg² + ε)) as TF.js writes it
   * (ε subtracted with mg², not added as in TensorFlow).
   */
  meanGrad?: Float32Array;
}
export interface AdamOptions extends StepExtras {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** The step number t, an integer >= 1 (1 on the first step); not needed with biasCorrection1/2. */
  step?: number;
  /** Keras's ε-hat form: ε added to √v instead of √v̂. Default false. */
  epsHat?: boolean;
  /**
   * Given bias corrections 1−β₁ᵗ and 1−β₂ᵗ (both or neither, each in (0, 1]),
   * used as given instead of being computed from `step`: for callers that
   * track βᵗ themselves, such as TF.js, which accumulates βᵗ in float32. The
   * step is then TF.js's arrangement, m̂ = m/bc1, v̂ = v/bc2,
   * θ ← θ − lr·(m̂/(√v̂ + ε)), each operation rounded to float32.
   */
  biasCorrection1?: number;
  biasCorrection2?: number;
}

/** The public optimizer kernels (see README "optim"). */
export interface OptimKernels {
  sgdStep(param: Float32Array, grad: Float32Array, options: SgdOptions): void;
  momentumStep(param: Float32Array, grad: Float32Array, m: Float32Array, options: MomentumOptions): void;
  adagradStep(param: Float32Array, grad: Float32Array, v: Float32Array, options: AdagradOptions): void;
  rmspropStep(param: Float32Array, grad: Float32Array, v: Float32Array, options: RmspropOptions): void;
  adamStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, options: AdamOptions): void;
  /** Σ x² in float64 (what clip-by-global-norm uses). */
  sumOfSquares(x: Float32Array): number;
}

export const DEFAULT_BETA = 0.9;
export const DEFAULT_EPS = 1e-8;
export const DEFAULT_BETA1 = 0.9;
export const DEFAULT_BETA2 = 0.999;

// ---- hyper-parameter checks: a TypeError for a non-number, a RangeError
// naming the parameter otherwise. Each checks the value as given AND after
// rounding to float32, and returns it as given (the mapping rounds).

function num(fn: string, arg: string, value: unknown, expected: string): number {
  if (typeof value !== 'number') throw typeError(fn, arg, expected, value);
  return value;
}

/** lr, weight decays, initial accumulator, gradScale: finite and >= 0. */
export function checkNonNegative(fn: string, arg: string, value: unknown): number {
  const v = num(fn, arg, value, 'a finite number >= 0');
  if (!(Number.isFinite(v) && v >= 0)) throw rangeError(fn, arg, 'a finite number >= 0', describe(v));
  // 1e39 is finite, but rounds to Infinity in float32 and turns every parameter into NaN.
  const f = Math.fround(v);
  if (!Number.isFinite(f)) throw rangeError(fn, arg, 'a finite number >= 0 within float32 range (<= 3.4028234663852886e38)', describe(v));
  return v;
}

/** β, β₁, β₂: in [0, 1), also after rounding to float32 (0.99999999 rounds to 1). */
export function checkBeta(fn: string, arg: string, value: unknown): number {
  const v = num(fn, arg, value, 'a number in [0, 1)');
  const f = Math.fround(v);
  if (!(v >= 0 && v < 1 && f < 1)) throw rangeError(fn, arg, 'a number in [0, 1)', describe(v));
  return v;
}

/** ε: finite and > 0, also after rounding to float32. */
export function checkEps(fn: string, arg: string, value: unknown): number {
  const v = num(fn, arg, value, 'a finite number > 0');
  if (!(Number.isFinite(v) && Math.fround(v) > 0 && Number.isFinite(Math.fround(v)))) throw rangeError(fn, arg, 'a finite number > 0', describe(v));
  return v;
}

/** A bias correction 1−βᵗ: in (0, 1], also after rounding to float32. */
export function checkBiasCorrection(fn: string, arg: string, value: unknown): number {
  const v = num(fn, arg, value, 'a number in (0, 1]');
  if (!(v > 0 && v <= 1 && Math.fround(v) > 0)) throw rangeError(fn, arg, 'a number in (0, 1]', describe(v));
  return v;
}

export function checkChoice<T extends string>(fn: string, arg: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw typeError(fn, arg, choices.map((c) => `'${c}'`).join(' | '), value);
  }
  return value as T;
}

// ---- the mapping: one function per optimizer, hyper-parameters (doubles,
// validated) → the scalar block. Every value is rounded to float32 when the
// block stores it, once.

export const MOMENTUM_VARIANTS: readonly MomentumVariant[] = ['ema', 'classic', 'nesterov', 'keras', 'keras-nesterov', 'tfjs-nesterov'];

function common(o: StepExtras & { lr: number }): Partial<OptimScalars> {
  return {
    scale: o.gradScale ?? 1,
    wd: o.weightDecay ?? 0,
    decay: o.lr * (o.decoupledWeightDecay ?? 0),
    guard: o.nonFinite === 'refuse' ? GUARD_APPLY : GUARD_OFF,
  };
}

export function sgdScalars(o: SgdOptions): Float32Array {
  return scalarBlock({ ...common(o), lr: o.lr });
}

/** Maps a variant onto m ← b1·m + c1·g; θ ← θ − (lr·m + q·g) (see optim.h). */
export function momentumScalars(o: MomentumOptions): Float32Array {
  const lr = o.lr;
  const beta = o.beta ?? DEFAULT_BETA;
  const c = common(o);
  switch (o.variant ?? 'ema') {
    case 'ema':
      return scalarBlock({ ...c, b1: beta, c1: 1 - beta, lr });
    case 'classic':
      return scalarBlock({ ...c, b1: beta, c1: 1, lr });
    case 'nesterov':
      return scalarBlock({ ...c, b1: beta, c1: 1, lr: lr * beta, q: lr, nesterov: 1 });
    case 'keras':
      return scalarBlock({ ...c, b1: beta, c1: -lr, lr: -1 });
    case 'keras-nesterov':
      return scalarBlock({ ...c, b1: beta, c1: -lr, lr: -beta, q: lr, nesterov: 1 });
    case 'tfjs-nesterov':
      // TF.js: m ← β·m + g; θ ← θ − lr·(g + β·m), in that order (nesterov 2 in optim.h).
      return scalarBlock({ ...c, b1: beta, c1: 1, lr, q: beta, nesterov: 2 });
  }
}

export function adagradScalars(o: AdagradOptions): Float32Array {
  return scalarBlock({ ...common(o), lr: o.lr, b2: 1, c2: 1, eps: o.eps ?? DEFAULT_EPS, outside: o.epsPlacement === 'outside' ? 1 : 0 });
}

/** TF.js's RMSProp with a momentum buffer (rmsMomentumStep): b1 = momentum, b2 = β, c2 = 1−β. */
export function rmspropMomentumScalars(o: Omit<RmspropOptions, 'momentumBuffer' | 'meanGrad' | 'epsPlacement'>): Float32Array {
  const beta = o.beta ?? DEFAULT_BETA;
  return scalarBlock({ ...common(o), lr: o.lr, b1: o.momentum ?? 0, b2: beta, c2: 1 - beta, eps: o.eps ?? DEFAULT_EPS });
}

export function rmspropScalars(o: RmspropOptions): Float32Array {
  const beta = o.beta ?? DEFAULT_BETA;
  if (o.momentumBuffer !== undefined) return rmspropMomentumScalars(o);
  return scalarBlock({ ...common(o), lr: o.lr, b2: beta, c2: 1 - beta, eps: o.eps ?? DEFAULT_EPS, outside: o.epsPlacement === 'outside' ? 1 : 0 });
}

/**
 * Adam's block for step t, in float64 from the caller's lr, β₁, β₂ (as
 * PyTorch does): alpha = lr/(1−β₁ᵗ), k = 1/√(1−β₂ᵗ); with epsHat alpha =
 * lr·√(1−β₂ᵗ)/(1−β₁ᵗ), k = 1. With given bias corrections: TF.js's
 * arrangement, dividing by them as given (rounded to float32).
 */
export function adamScalars(o: AdamOptions): Float32Array {
  const beta1 = o.beta1 ?? DEFAULT_BETA1;
  const beta2 = o.beta2 ?? DEFAULT_BETA2;
  const base = { ...common(o), b1: beta1, c1: 1 - beta1, b2: beta2, c2: 1 - beta2, eps: o.eps ?? DEFAULT_EPS };
  if (o.biasCorrection1 !== undefined && o.biasCorrection2 !== undefined) {
    return scalarBlock({ ...base, lr: o.lr, bc1: o.biasCorrection1, bc2: o.biasCorrection2, divide: 1 });
  }
  const t = o.step ?? 1;
  const bc1 = 1 - Math.pow(beta1, t);
  const bc2 = 1 - Math.pow(beta2, t);
  if (o.epsHat === true) return scalarBlock({ ...base, lr: (o.lr * Math.sqrt(bc2)) / bc1, k: 1 });
  return scalarBlock({ ...base, lr: o.lr / bc1, k: 1 / Math.sqrt(bc2) });
}

// ---- the checked kernels ----

function checkArrays(fn: string, names: readonly string[], arrays: readonly unknown[]): Float32Array[] {
  arrays.forEach((a, i) => checkF32(fn, names[i]!, a));
  const arrs = arrays as Float32Array[];
  for (let i = 1; i < arrs.length; i++) checkLength(fn, names[i]!, arrs[i]!, arrs[0]!.length);
  for (let i = 0; i < arrs.length; i++) {
    const others = arrs.slice(i + 1).map((a, j) => [names[i + 1 + j]!, a] as const);
    checkNoOverlap(fn, names[i]!, arrs[i]!, others);
  }
  return arrs;
}

function optionsObject(fn: string, o: unknown): Record<string, unknown> {
  if (typeof o !== 'object' || o === null) throw typeError(fn, 'options', 'an object', o);
  return o as Record<string, unknown>;
}

function checkExtras(fn: string, o: StepExtras): void {
  checkNonNegative(fn, 'gradScale', o.gradScale ?? 1);
  checkNonNegative(fn, 'weightDecay', o.weightDecay ?? 0);
  checkNonNegative(fn, 'decoupledWeightDecay', o.decoupledWeightDecay ?? 0);
  checkChoice(fn, 'nonFinite', o.nonFinite ?? 'apply', ['apply', 'refuse'] as const);
}

/** Throws (nothing was written) when a guarded step refused; names the array and element. */
function verdict(fn: string, names: readonly string[], code: number): void {
  const r = decodeStepResult(code);
  if (!r) return;
  const which = r.arrays.map((j) => `${names[j]}[${r.index}]`).join(' and ');
  throw rangeError(fn, 'the update', 'finite in every element (nonFinite: \'refuse\'; nothing was written)', `a non-finite ${which}`);
}

export function checkedOptim(raw: RawOptim): OptimKernels {
  return {
    sgdStep(param, grad, options) {
      const fn = 'sgdStep';
      checkArrays(fn, ['param', 'grad'], [param, grad]);
      const o = optionsObject(fn, options) as unknown as SgdOptions;
      checkNonNegative(fn, 'lr', o.lr);
      checkExtras(fn, o);
      verdict(fn, ['param'], raw.sgdStep(param, grad, sgdScalars(o)));
    },
    momentumStep(param, grad, m, options) {
      const fn = 'momentumStep';
      checkArrays(fn, ['param', 'grad', 'm'], [param, grad, m]);
      const o = optionsObject(fn, options) as unknown as MomentumOptions;
      checkNonNegative(fn, 'lr', o.lr);
      checkBeta(fn, 'beta', o.beta ?? DEFAULT_BETA);
      checkChoice(fn, 'variant', o.variant ?? 'ema', MOMENTUM_VARIANTS);
      checkExtras(fn, o);
      verdict(fn, ['param', 'm'], raw.momentumStep(param, grad, m, momentumScalars(o)));
    },
    adagradStep(param, grad, v, options) {
      const fn = 'adagradStep';
      checkArrays(fn, ['param', 'grad', 'v'], [param, grad, v]);
      const o = optionsObject(fn, options) as unknown as AdagradOptions;
      checkNonNegative(fn, 'lr', o.lr);
      checkEps(fn, 'eps', o.eps ?? DEFAULT_EPS);
      checkChoice(fn, 'epsPlacement', o.epsPlacement ?? 'inside', ['inside', 'outside']);
      checkExtras(fn, o);
      verdict(fn, ['param', 'v'], raw.rmsStep(param, grad, v, adagradScalars(o)));
    },
    rmspropStep(param, grad, v, options) {
      const fn = 'rmspropStep';
      checkArrays(fn, ['param', 'grad', 'v'], [param, grad, v]);
      const o = optionsObject(fn, options) as unknown as RmspropOptions;
      checkNonNegative(fn, 'lr', o.lr);
      checkBeta(fn, 'beta', o.beta ?? DEFAULT_BETA);
      checkEps(fn, 'eps', o.eps ?? DEFAULT_EPS);
      checkChoice(fn, 'epsPlacement', o.epsPlacement ?? 'inside', ['inside', 'outside']);
      checkExtras(fn, o);
      if (o.momentumBuffer === undefined) {
        if (o.momentum !== undefined && o.momentum !== 0) throw rangeError(fn, 'momentum', '0 without momentumBuffer', describe(o.momentum));
        if (o.meanGrad !== undefined) throw rangeError(fn, 'meanGrad', 'given only with momentumBuffer', 'a meanGrad without momentumBuffer');
        verdict(fn, ['param', 'v'], raw.rmsStep(param, grad, v, rmspropScalars(o)));
        return;
      }
      const state = o.meanGrad === undefined ? [o.momentumBuffer] : [o.momentumBuffer, o.meanGrad];
      checkArrays(fn, ['param', 'grad', 'v', 'momentumBuffer', 'meanGrad'].slice(0, 3 + state.length), [param, grad, v, ...state]);
      checkBeta(fn, 'momentum', o.momentum ?? 0);
      if (o.epsPlacement === 'outside') throw rangeError(fn, 'epsPlacement', "'inside' with momentumBuffer (TF.js's arrangement)", "'outside'");
      if (o.nonFinite === 'refuse') throw rangeError(fn, 'nonFinite', "'apply' with momentumBuffer (four arrays are written)", "'refuse'");
      raw.rmsMomentumStep(param, grad, v, o.momentumBuffer, o.meanGrad ?? null, rmspropScalars(o));
    },
    adamStep(param, grad, m, v, options) {
      const fn = 'adamStep';
      checkArrays(fn, ['param', 'grad', 'm', 'v'], [param, grad, m, v]);
      const o = optionsObject(fn, options) as unknown as AdamOptions;
      checkNonNegative(fn, 'lr', o.lr);
      checkBeta(fn, 'beta1', o.beta1 ?? DEFAULT_BETA1);
      checkBeta(fn, 'beta2', o.beta2 ?? DEFAULT_BETA2);
      checkEps(fn, 'eps', o.eps ?? DEFAULT_EPS);
      const given = o.biasCorrection1 !== undefined || o.biasCorrection2 !== undefined;
      if (given) {
        checkBiasCorrection(fn, 'biasCorrection1', o.biasCorrection1);
        checkBiasCorrection(fn, 'biasCorrection2', o.biasCorrection2);
        if (o.epsHat === true) throw rangeError(fn, 'epsHat', 'false with biasCorrection1/biasCorrection2 (they give TF.js\'s arrangement)', 'true');
        if (o.step !== undefined) checkInteger(fn, 'step', o.step, 1);
      } else {
        checkInteger(fn, 'step', o.step, 1);
      }
      checkExtras(fn, o);
      verdict(fn, ['param', 'm', 'v'], raw.adamStep(param, grad, m, v, adamScalars(o)));
    },
    sumOfSquares(x) {
      checkF32('sumOfSquares', 'x', x);
      return raw.sumSquares(x);
    },
  };
}
