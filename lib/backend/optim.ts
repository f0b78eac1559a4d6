// The optimizer kernels' contract: the unchecked form both backends implement
// (RawOptim), the scalar preparation shared by the checked kernels and the
// optimizer classes, and the checked public form (OptimKernels).
//
// Every scalar is rounded to float32 here, once, in the same way for both
// backends; step-dependent ones (Adam's bias corrections) are computed in
// float64 from the float32 hyper-parameters and then rounded. The kernels keep
// no state. How each formula is arranged: native/kernels/optim.h.
import { checkF32, checkInteger, checkLength, checkNoOverlap, describe, rangeError, typeError } from '../errors.js';

/** Unchecked kernels: arguments validated, scalars float32 (see optim.h for the formulas). */
export interface RawOptim {
  sgdStep(param: Float32Array, grad: Float32Array, lr: number, scale: number, wd: number, decay: number): void;
  momentumStep(
    param: Float32Array, grad: Float32Array, m: Float32Array,
    beta: number, a: number, p: number, q: number, nesterov: boolean,
    scale: number, wd: number, decay: number,
  ): void;
  /** AdaGrad (b = c2 = 1) and RMSProp (b = β, c2 = 1−β). */
  rmsStep(
    param: Float32Array, grad: Float32Array, v: Float32Array,
    lr: number, b: number, c2: number, eps: number, epsOutside: boolean,
    scale: number, wd: number, decay: number,
  ): void;
  adamStep(
    param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
    alpha: number, k: number, beta1: number, c1: number, beta2: number, c2: number, eps: number,
    scale: number, wd: number, decay: number,
  ): void;
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
}
export interface SgdOptions extends StepExtras {
  lr: number;
}
export type MomentumVariant = 'ema' | 'classic' | 'nesterov' | 'keras' | 'keras-nesterov';
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
}
export interface AdamOptions extends StepExtras {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** The step number t, an integer >= 1 (1 on the first step). */
  step: number;
  /** Keras's ε-hat form: ε added to √v instead of √v̂. Default false. */
  epsHat?: boolean;
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
// naming the parameter otherwise; each returns the value rounded to float32.

function num(fn: string, arg: string, value: unknown, expected: string): number {
  if (typeof value !== 'number') throw typeError(fn, arg, expected, value);
  return value;
}

/** lr, weight decays, initial accumulator, gradScale: finite and >= 0. */
export function checkNonNegative(fn: string, arg: string, value: unknown): number {
  const v = num(fn, arg, value, 'a finite number >= 0');
  if (!(Number.isFinite(v) && v >= 0)) throw rangeError(fn, arg, 'a finite number >= 0', describe(v));
  return Math.fround(v);
}

/** β, β₁, β₂: in [0, 1), also after rounding to float32 (0.99999999 rounds to 1). */
export function checkBeta(fn: string, arg: string, value: unknown): number {
  const v = num(fn, arg, value, 'a number in [0, 1)');
  const f = Math.fround(v);
  if (!(v >= 0 && v < 1 && f < 1)) throw rangeError(fn, arg, 'a number in [0, 1)', describe(v));
  return f;
}

/** ε: finite and > 0, also after rounding to float32. */
export function checkEps(fn: string, arg: string, value: unknown): number {
  const v = num(fn, arg, value, 'a finite number > 0');
  if (!(Number.isFinite(v) && Math.fround(v) > 0)) throw rangeError(fn, arg, 'a finite number > 0', describe(v));
  return Math.fround(v);
}

export function checkChoice<T extends string>(fn: string, arg: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw typeError(fn, arg, choices.map((c) => `'${c}'`).join(' | '), value);
  }
  return value as T;
}

// ---- scalar preparation (shared by the checked kernels and the classes) ----

export interface CommonScalars {
  scale: number;
  wd: number;
  decay: number;
}

/** Rounds lr·λ once: the decoupled decay factor. */
export function commonScalars(fn: string, lr32: number, o: StepExtras): CommonScalars {
  const scale = checkNonNegative(fn, 'gradScale', o.gradScale ?? 1);
  const wd = checkNonNegative(fn, 'weightDecay', o.weightDecay ?? 0);
  const lambda = checkNonNegative(fn, 'decoupledWeightDecay', o.decoupledWeightDecay ?? 0);
  return { scale, wd, decay: Math.fround(lr32 * lambda) };
}

export interface MomentumScalars {
  beta: number;
  a: number;
  p: number;
  q: number;
  nesterov: boolean;
}

export const MOMENTUM_VARIANTS: readonly MomentumVariant[] = ['ema', 'classic', 'nesterov', 'keras', 'keras-nesterov'];

/** Maps a variant onto m ← βm + a·g; θ ← θ − (p·m + q·g) (see optim.h). */
export function momentumScalars(lr: number, beta: number, variant: MomentumVariant): MomentumScalars {
  switch (variant) {
    case 'ema':
      return { beta, a: Math.fround(1 - beta), p: lr, q: 0, nesterov: false };
    case 'classic':
      return { beta, a: 1, p: lr, q: 0, nesterov: false };
    case 'nesterov':
      return { beta, a: 1, p: Math.fround(lr * beta), q: lr, nesterov: true };
    case 'keras':
      return { beta, a: -lr, p: -1, q: 0, nesterov: false };
    case 'keras-nesterov':
      return { beta, a: -lr, p: -beta, q: lr, nesterov: true };
  }
}

export interface AdamScalars {
  alpha: number;
  k: number;
  c1: number;
  c2: number;
}

/**
 * Adam's step scalars for step t, in float64 from the float32 lr, β₁, β₂,
 * rounded once: alpha = lr/(1−β₁ᵗ), k = 1/√(1−β₂ᵗ); with epsHat alpha =
 * lr·√(1−β₂ᵗ)/(1−β₁ᵗ), k = 1.
 */
export function adamScalars(lr: number, beta1: number, beta2: number, t: number, epsHat: boolean): AdamScalars {
  const bc1 = 1 - Math.pow(beta1, t);
  const bc2 = 1 - Math.pow(beta2, t);
  const c1 = Math.fround(1 - beta1);
  const c2 = Math.fround(1 - beta2);
  if (epsHat) return { alpha: Math.fround((lr * Math.sqrt(bc2)) / bc1), k: 1, c1, c2 };
  return { alpha: Math.fround(lr / bc1), k: Math.fround(1 / Math.sqrt(bc2)), c1, c2 };
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

export function checkedOptim(raw: RawOptim): OptimKernels {
  return {
    sgdStep(param, grad, options) {
      const fn = 'sgdStep';
      checkArrays(fn, ['param', 'grad'], [param, grad]);
      const o = optionsObject(fn, options) as unknown as SgdOptions;
      const lr = checkNonNegative(fn, 'lr', o.lr);
      const c = commonScalars(fn, lr, o);
      raw.sgdStep(param, grad, lr, c.scale, c.wd, c.decay);
    },
    momentumStep(param, grad, m, options) {
      const fn = 'momentumStep';
      checkArrays(fn, ['param', 'grad', 'm'], [param, grad, m]);
      const o = optionsObject(fn, options) as unknown as MomentumOptions;
      const lr = checkNonNegative(fn, 'lr', o.lr);
      const beta = checkBeta(fn, 'beta', o.beta ?? DEFAULT_BETA);
      const variant = checkChoice(fn, 'variant', o.variant ?? 'ema', MOMENTUM_VARIANTS);
      const c = commonScalars(fn, lr, o);
      const s = momentumScalars(lr, beta, variant);
      raw.momentumStep(param, grad, m, s.beta, s.a, s.p, s.q, s.nesterov, c.scale, c.wd, c.decay);
    },
    adagradStep(param, grad, v, options) {
      const fn = 'adagradStep';
      checkArrays(fn, ['param', 'grad', 'v'], [param, grad, v]);
      const o = optionsObject(fn, options) as unknown as AdagradOptions;
      const lr = checkNonNegative(fn, 'lr', o.lr);
      const eps = checkEps(fn, 'eps', o.eps ?? DEFAULT_EPS);
      const outside = checkChoice(fn, 'epsPlacement', o.epsPlacement ?? 'inside', ['inside', 'outside']) === 'outside';
      const c = commonScalars(fn, lr, o);
      raw.rmsStep(param, grad, v, lr, 1, 1, eps, outside, c.scale, c.wd, c.decay);
    },
    rmspropStep(param, grad, v, options) {
      const fn = 'rmspropStep';
      checkArrays(fn, ['param', 'grad', 'v'], [param, grad, v]);
      const o = optionsObject(fn, options) as unknown as RmspropOptions;
      const lr = checkNonNegative(fn, 'lr', o.lr);
      const beta = checkBeta(fn, 'beta', o.beta ?? DEFAULT_BETA);
      const eps = checkEps(fn, 'eps', o.eps ?? DEFAULT_EPS);
      const outside = checkChoice(fn, 'epsPlacement', o.epsPlacement ?? 'inside', ['inside', 'outside']) === 'outside';
      const c = commonScalars(fn, lr, o);
      raw.rmsStep(param, grad, v, lr, beta, Math.fround(1 - beta), eps, outside, c.scale, c.wd, c.decay);
    },
    adamStep(param, grad, m, v, options) {
      const fn = 'adamStep';
      checkArrays(fn, ['param', 'grad', 'm', 'v'], [param, grad, m, v]);
      const o = optionsObject(fn, options) as unknown as AdamOptions;
      const lr = checkNonNegative(fn, 'lr', o.lr);
      const beta1 = checkBeta(fn, 'beta1', o.beta1 ?? DEFAULT_BETA1);
      const beta2 = checkBeta(fn, 'beta2', o.beta2 ?? DEFAULT_BETA2);
      const eps = checkEps(fn, 'eps', o.eps ?? DEFAULT_EPS);
      const t = checkInteger(fn, 'step', o.step, 1);
      const c = commonScalars(fn, lr, o);
      const s = adamScalars(lr, beta1, beta2, t, o.epsHat === true);
      raw.adamStep(param, grad, m, v, s.alpha, s.k, beta1, s.c1, beta2, s.c2, eps, c.scale, c.wd, c.decay);
    },
    sumOfSquares(x) {
      checkF32('sumOfSquares', 'x', x);
      return raw.sumSquares(x);
    },
  };
}
