// Every native override, one import per kernel family file. The registration
// (register.ts), the tests (test/tfjs) and the bench read this one list.
import type { NativeKernel } from '../native-kernel.js';
import { activationKernels } from './activations.js';

export const NATIVE_KERNELS: readonly NativeKernel[] = [...activationKernels];
