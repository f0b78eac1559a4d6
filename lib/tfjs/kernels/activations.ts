// Unary activations of nodegrad's activation family (lib/backend/families/activations.ts).
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { rawBackend } from '../../backend/index.js';
import type { NativeKernel } from '../native-kernel.js';

function unary(kernelName: string, apply: (x: Float32Array, y: Float32Array, attrs: NamedAttrMap) => void): NativeKernel {
  return {
    kernelName,
    run({ inputs, attrs, backend }) {
      const t = inputs.x;
      const x = t && backend.f32(t);
      if (!t || !x) return null;
      const y = new Float32Array(x.length);
      apply(x, y, attrs);
      return backend.output(t.shape.slice(), 'float32', y);
    },
  };
}

export const activationKernels: readonly NativeKernel[] = [
  unary('Relu', (x, y) => rawBackend('native').relu(x, y)),
  unary('Sigmoid', (x, y) => rawBackend('native').sigmoid(x, y)),
  unary('Tanh', (x, y) => rawBackend('native').tanh(x, y)),
  // tfjs's Elu has no α (1) and computes exp(x) − 1 in float64; nodegrad's
  // elu uses expm1 (more accurate near 0): within 2 ulp of tfjs's, or 1e-15
  // absolute where exp(x) − 1 in float64 itself loses digits (|x| < 1e-8).
  unary('Elu', (x, y) => rawBackend('native').elu(x, y, 1)),
];
