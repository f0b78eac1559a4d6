// Every backend-level test runs on every backend: the list of backends this
// process can run (native is included where the addon loads; the SIMD path
// is chosen per process by NODEGRAD_SIMD, see scripts/test.mjs).
import { backend, type BackendName, type Kernels } from '../../lib/backend/index.js';
import { tryLoadNative } from '../../lib/backend/native.js';

export interface BackendUnderTest {
  name: BackendName;
  /** e.g. "native/avx2" or "reference", for test titles. */
  label: string;
  kernels: Kernels;
}

export function backendsUnderTest(): BackendUnderTest[] {
  const out: BackendUnderTest[] = [{ name: 'reference', label: 'reference', kernels: backend('reference') }];
  const native = tryLoadNative();
  if (native) out.push({ name: 'native', label: `native/${native.isa}`, kernels: backend('native') });
  else if (process.env.CI) throw new Error('the native addon must load in CI');
  return out;
}
