// Backends a model can run on. Until native GEMM lands on main, the native
// addon has no gemm export and a model cannot run there: that is the one
// allowed reason to leave native out (remove this filter once it has landed).
import { rawBackend } from '../../lib/backend/index.js';
import { backendsUnderTest, type BackendUnderTest } from './backends.js';

export function modelBackends(): BackendUnderTest[] {
  return backendsUnderTest().filter((b) => b.name !== 'native' || typeof (rawBackend('native') as { gemm?: unknown }).gemm === 'function');
}
