// Softmax over the last axis (tfjs's only supported axis), native on float32
// (lib/backend/families/reductions.ts: max-subtracted, exp summed in double).
// LogSoftmax has no tfjs kernel (tf.logSoftmax is composed of Max, Sub, Exp,
// Sum and Log in tfjs-core), so it is served by the native Max and Sum.
import { rawBackend } from '../../backend/index.js';
import type { NativeKernel } from '../native-kernel.js';

export const softmaxKernels: readonly NativeKernel[] = [
  {
    kernelName: 'Softmax',
    run({ inputs, attrs, backend }) {
      const t = inputs.logits;
      const x = t && backend.f32(t);
      if (!t || !x || x.length === 0 || t.shape.length === 0) return null;
      const rank = t.shape.length;
      // Any other dim: the cpu kernel throws tfjs's own error.
      if (attrs.dim !== -1 && attrs.dim !== rank - 1) return null;
      const cols = t.shape[rank - 1]!;
      const y = new Float32Array(x.length);
      rawBackend('native').softmax(x, y, x.length / cols, cols);
      return backend.output(t.shape.slice(), 'float32', y);
    },
  },
];
