import type { ActivationKernels, RawActivations } from './activations.js';
import type { ElementwiseKernels, RawElementwise } from './elementwise.js';
import type { GemmKernels, RawGemm } from './gemm.js';
import type { LossesKernels, RawLosses } from './losses.js';
import type { RawNorm } from './norm.js';
import type { OptimKernels, RawOptim } from './optim.js';
import type { RawReductions, ReductionKernels } from './reductions.js';

export type BackendName = 'native' | 'reference';

/** Every kernel, unchecked: what a backend implements. */
export interface RawBackend extends RawActivations, RawGemm, RawOptim, RawLosses, RawElementwise, RawReductions, RawNorm {}

/** Every kernel, checked at the boundary: what users call. */
export interface Kernels extends ActivationKernels, GemmKernels, OptimKernels, LossesKernels, ElementwiseKernels, ReductionKernels {}
