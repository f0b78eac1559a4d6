// tfjs-backend-cpu's simple Slice returns a subarray of its input, and
// SplitV, StridedSlice, Unpack and BatchToSpaceND slice that way inside. A
// view of an array the native optimizer steps write in place (lib/tfjs/owned.ts)
// would see the next step, so these kernels run the cpu kernel unchanged and
// mark any input whose output is a view of it as no longer writable in place.
// Not in NATIVE_KERNELS (they compute nothing natively): lib/tfjs/optimizers.ts
// registers them with the native optimizer steps that need them.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { disown, isOwned } from '../owned.js';
import type { NativeKernel } from '../native-kernel.js';

function viewGuard(kernelName: string): NativeKernel {
  return {
    kernelName,
    run({ inputs, attrs, backend }, cpu) {
      const out = cpu({ inputs, attrs, backend }) as TensorInfo | TensorInfo[];
      for (const t of Array.isArray(out) ? out : [out]) {
        const v = backend.values(t);
        if (isOwned(v)) disown(v);
      }
      return out;
    },
  };
}

export const viewKernels: readonly NativeKernel[] = ['Slice', 'SplitV', 'StridedSlice', 'Unpack', 'BatchToSpaceND'].map(viewGuard);
