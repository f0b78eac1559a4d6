// The 'nodegrad' tfjs backend: tfjs-backend-cpu's MathBackendCPU (so its
// tensor store, its data movement and every cpu kernel work unchanged) with
// native kernels registered over the cpu ones (lib/tfjs/kernels).
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** The backend's name. tfjs splits kernel keys on '_', so it has none. */
export const BACKEND_NAME = 'nodegrad';

export class NodegradBackend extends MathBackendCPU {
  constructor() {
    super();
    // MathBackendCPU prints "install tfjs-node to speed things up" on its
    // first write in Node; that advice is wrong for this backend.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** The values of a tensor this backend holds (its own array: never write into it). */
  values(t: TensorInfo): Float32Array | Int32Array | Uint8Array {
    return this.data.get(t.dataId).values as Float32Array | Int32Array | Uint8Array;
  }

  /** A float32 input's values, or undefined when it is not float32 (the cpu kernel takes it then). */
  f32(t: TensorInfo): Float32Array | undefined {
    if (t.dtype !== 'float32') return undefined;
    const v = this.data.get(t.dataId).values;
    return v instanceof Float32Array ? v : undefined;
  }

  /** A new tensor owning `values` (allocated by the kernel, never an input's array). */
  output(shape: number[], dtype: DataType, values: Float32Array | Int32Array | Uint8Array): TensorInfo {
    return this.makeTensorInfo(shape, dtype, values);
  }
}
