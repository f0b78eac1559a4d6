// Reference (pure TypeScript) optim kernels. Filled in by the optim work.
import type { RawOptim } from '../optim.js';

export const referenceOptim: RawOptim = {};
