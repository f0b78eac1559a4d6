// Cast and OneHot, native where the cpu kernel converts element by element:
// float32 → int32 (JavaScript's ToInt32, as Int32Array.from), float32 → bool
// (x != 0, NaN → true), and OneHot (to a Float32Array, as cpu). The casts the cpu kernel
// makes without copying (int32/bool → float32, bool → int32: the same array
// under the new dtype) stay with it: no native copy beats no copy.
import { rawBackend } from '../../backend/index.js';
import type { NativeKernel } from '../native-kernel.js';

export const castKernels: readonly NativeKernel[] = [
  {
    kernelName: 'Cast',
    run({ inputs, attrs, backend }) {
      const t = inputs.x;
      const x = t && backend.f32(t);
      if (!t || !x || x.length === 0) return null;
      if (attrs.dtype === 'int32') {
        const y = new Int32Array(x.length);
        rawBackend('native').castFloat32ToInt32(x, y);
        return backend.output(t.shape.slice(), 'int32', y);
      }
      if (attrs.dtype === 'bool') {
        const y = new Uint8Array(x.length);
        rawBackend('native').castFloat32ToBool(x, y);
        return backend.output(t.shape.slice(), 'bool', y);
      }
      return null;
    },
  },
  {
    kernelName: 'OneHot',
    run({ inputs, attrs, backend }) {
      const t = inputs.indices;
      // tfjs-cpu writes a Float32Array whatever the dtype attribute (int32 is
      // tf.oneHot's default), so on/off values keep their fractions: the same here.
      if (!t || (attrs.dtype !== 'float32' && attrs.dtype !== 'int32')) return null;
      const idx = backend.values(t);
      const depth = attrs.depth as number;
      if (!(idx instanceof Int32Array) || idx.length === 0 || !Number.isSafeInteger(depth) || depth <= 0) return null;
      const y = new Float32Array(idx.length * depth);
      rawBackend('native').oneHot(idx, y, depth, attrs.onValue as number, attrs.offValue as number);
      return backend.output([...t.shape, depth], attrs.dtype, y);
    },
  },
];
