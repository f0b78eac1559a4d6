// Every native override, one import per kernel family file. The registration
// (register.ts), the tests (test/tfjs) and the bench read this one list.
import type { NativeKernel } from '../native-kernel.js';
import { activationKernels } from './activations.js';
import { castKernels } from './cast.js';
import { elementwiseKernels } from './elementwise.js';
import { gatherKernels } from './gather.js';
import { matmulKernels } from './matmul.js';
import { reductionKernels } from './reductions.js';
import { softmaxKernels } from './softmax.js';
import { transposeKernels } from './transpose.js';

export const NATIVE_KERNELS: readonly NativeKernel[] = [
  ...activationKernels,
  ...matmulKernels,
  ...elementwiseKernels,
  ...reductionKernels,
  ...softmaxKernels,
  ...gatherKernels,
  ...transposeKernels,
  ...castKernels,
];
