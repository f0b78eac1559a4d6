// Every public kernel's fuzz spec, by kernel name. test/fuzz/kernels.test.ts
// fails when the backend exports a public kernel that has none here.
import type { KernelSpec } from '../engine.js';
import { activationSpecs } from './activations.js';
import { elementwiseSpecs } from './elementwise.js';
import { gemmSpecs } from './gemm.js';
import { lossSpecs } from './losses.js';
import { optimSpecs } from './optim.js';
import { reductionSpecs } from './reductions.js';

export const kernelSpecs: Record<string, KernelSpec> = {
  ...activationSpecs,
  ...gemmSpecs,
  ...optimSpecs,
  ...lossSpecs,
  ...elementwiseSpecs,
  ...reductionSpecs,
};
