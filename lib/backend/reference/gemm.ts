// Reference (pure TypeScript) gemm kernels. Filled in by the gemm work.
import type { RawGemm } from '../gemm.js';

export const referenceGemm: RawGemm = {};
