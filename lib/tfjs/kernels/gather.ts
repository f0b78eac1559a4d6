// GatherV2 of rows (axis 0, batchDims 0, int32 indices) on 4-byte data
// (float32, int32), native (gatherRows: one row copy per index). An index
// outside [0, rows) hands the call to the cpu kernel, which throws tfjs's own
// error; the native binding re-checks every index before it reads.
import { util } from '@tensorflow/tfjs-core';
import { rawBackend } from '../../backend/index.js';
import type { NativeKernel } from '../native-kernel.js';
import { asF32 } from './views.js';

export const gatherKernels: readonly NativeKernel[] = [
  {
    kernelName: 'GatherV2',
    run({ inputs, attrs, backend }) {
      const { x, indices } = inputs;
      if (!x || !indices || x.shape.length === 0 || (attrs.batchDims ?? 0) !== 0) return null;
      if (util.parseAxisParam(attrs.axis as number, x.shape)[0] !== 0) return null;
      const idx = backend.values(indices);
      const xv = backend.values(x);
      if (!(idx instanceof Int32Array) || idx.length === 0) return null;
      const src = asF32(x.dtype, xv);
      if (!src || src.length === 0) return null;
      const rows = x.shape[0]!;
      for (let i = 0; i < idx.length; i++) if (!(idx[i]! >= 0 && idx[i]! < rows)) return null;
      const rowLength = src.length / rows;
      const out = x.dtype === 'int32' ? new Int32Array(idx.length * rowLength) : new Float32Array(idx.length * rowLength);
      rawBackend('native').gatherRows(src, idx, asF32(x.dtype, out)!, rows, rowLength);
      return backend.output([...indices.shape, ...x.shape.slice(1)], x.dtype, out);
    },
  },
];
