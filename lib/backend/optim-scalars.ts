// The optimizer kernels' scalar block: one Float32Array per step call, laid
// out as this list. The C++ twin is NODEGRAD_OPTIM_SCALARS in
// native/kernels/optim.h (the formulas each field enters are spelled out
// there); the addon exports its names as optimScalarFields and
// test/kernels/optim-scalars.test.ts checks that the two lists agree.
export const OPTIM_SCALARS = [
  'scale', // gradient multiplier (clip-by-global-norm factor), 1 = off
  'wd', // coupled L2 weight decay: g ← g + wd·θ
  'decay', // decoupled weight decay factor lr·λ: θ ← θ − decay·θ
  'lr', // the update's multiplier (Adam: α = lr/(1−β₁ᵗ); momentum: p)
  'q', // Nesterov momentum: the gradient's multiplier
  'b1', // first moment: m ← b1·m + c1·g
  'c1',
  'b2', // second moment: v ← b2·v + c2·g²
  'c2',
  'k', // Adam: 1/√(1−β₂ᵗ) (1 with ε-hat)
  'eps',
  'bc1', // Adam with given bias corrections (TF.js): 1−β₁ᵗ
  'bc2', // and 1−β₂ᵗ
  'nesterov', // flags: 0 or 1
  'outside', // ε outside the square root (PyTorch)
  'divide', // Adam divides m and v by bc1 and bc2 (TF.js's arrangement)
  'guard', // 0: write; 1: write only if every new value is finite; 2: check only
] as const;

export type OptimScalarName = (typeof OPTIM_SCALARS)[number];
export type OptimScalars = Record<OptimScalarName, number>;

const INDEX = Object.fromEntries(OPTIM_SCALARS.map((n, i) => [n, i])) as Record<OptimScalarName, number>;

export const GUARD_OFF = 0;
export const GUARD_APPLY = 1;
export const GUARD_CHECK = 2;

/** A block with the given fields (rounded to float32 here, once); the rest 0, scale 1. */
export function scalarBlock(fields: Partial<OptimScalars>): Float32Array {
  const b = new Float32Array(OPTIM_SCALARS.length);
  b[INDEX.scale] = 1;
  for (const [name, value] of Object.entries(fields)) b[INDEX[name as OptimScalarName]] = value;
  return b;
}

/** The block as named numbers (the reference backend reads it this way). */
export function readBlock(b: Float32Array): OptimScalars {
  const out = {} as OptimScalars;
  OPTIM_SCALARS.forEach((n, i) => (out[n] = b[i]!));
  return out;
}

/** Sets the guard mode of an existing block (the optimizer's check-then-write passes). */
export function withGuard(b: Float32Array, guard: number): Float32Array {
  b[INDEX.guard] = guard;
  return b;
}

/** What a step kernel returns: 0, or 8·i + mask for the first element i it refused (see optim.h). */
export interface Refusal {
  index: number;
  /** Positions among (θ, first state, second state) whose new value would not be finite. */
  arrays: number[];
}

export function decodeStepResult(code: number): Refusal | null {
  if (code === 0) return null;
  const mask = code % 8;
  return { index: (code - mask) / 8, arrays: [0, 1, 2].filter((j) => (mask & (1 << j)) !== 0) };
}
