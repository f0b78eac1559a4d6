// Transpose, native for every permutation that is a (batched) 2-D transpose
// once size-1 axes are dropped and adjacent axes merged (perm [1, 0]; the
// last two axes swapped; [2, 0, 1] ...), on float32 and int32 data; other
// permutations and bool data run the cpu kernel.
import { rawBackend } from '../../backend/index.js';
import type { NativeKernel } from '../native-kernel.js';
import { transposePlan } from './shapes.js';
import { asF32 } from './views.js';

export const transposeKernels: readonly NativeKernel[] = [
  {
    kernelName: 'Transpose',
    run({ inputs, attrs, backend }) {
      const x = inputs.x;
      const perm = attrs.perm as number[] | undefined;
      if (!x || !perm || perm.length !== x.shape.length) return null;
      const src = asF32(x.dtype, backend.values(x));
      if (!src || src.length === 0) return null;
      const plan = transposePlan(x.shape, perm);
      if (!plan) return null;
      const out = x.dtype === 'int32' ? new Int32Array(src.length) : new Float32Array(src.length);
      rawBackend('native').transpose(src, asF32(x.dtype, out)!, plan.batch, plan.rows, plan.cols);
      return backend.output(
        perm.map((p) => x.shape[p]!),
        x.dtype,
        out,
      );
    },
  },
];
