// Reference (pure TypeScript) losses kernels. Filled in by the losses work.
import type { RawLosses } from '../losses.js';

export const referenceLosses: RawLosses = {};
