import type { RawBackend } from '../types.js';
import { referenceActivations } from './activations.js';
import { referenceElementwise } from './elementwise.js';
import { referenceGemm } from './gemm.js';
import { referenceLosses } from './losses.js';
import { referenceNorm } from './norm.js';
import { referenceOptim } from './optim.js';
import { referenceReductions } from './reductions.js';

/** The pure-TypeScript backend: float64 arithmetic, one rounding to float32 on store. */
export const referenceBackend: RawBackend = {
  ...referenceActivations,
  ...referenceGemm,
  ...referenceOptim,
  ...referenceLosses,
  ...referenceElementwise,
  ...referenceReductions,
  ...referenceNorm,
};
