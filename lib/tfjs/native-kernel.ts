// The contract of a native tfjs kernel override (lib/tfjs/kernels/*.ts).
// Every cpu kernel already runs on the nodegrad backend (it subclasses
// MathBackendCPU and copies the cpu registrations); an override takes the
// cases it does better natively and hands every other case (a dtype, a
// broadcast, an attribute it does not take) back to the saved cpu kernel by
// returning null, so no op is ever lost.
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NodegradBackend } from './backend.js';

export interface NativeKernelArgs {
  inputs: NamedTensorInfoMap;
  attrs: NamedAttrMap;
  backend: NodegradBackend;
}

export interface NativeKernel {
  /** tfjs's kernel name (tf.Add, tf.BatchMatMul, ...). */
  readonly kernelName: string;
  /**
   * What the override takes natively, in a few words for the README's table
   * (scripts/tfjs-readme-kernels.mjs); everything else goes to cpu.
   * Omitted: "float32".
   */
  readonly takes?: string;
  /**
   * The result, allocated through the backend (never written into an
   * input), or null to run the cpu kernel instead (`cpu` is that kernel,
   * for overrides that want to call it themselves on part of the work).
   */
  run(args: NativeKernelArgs, cpu: KernelFunc): TensorInfo | TensorInfo[] | null;
}
