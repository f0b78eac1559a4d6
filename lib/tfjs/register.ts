// Registers the 'nodegrad' backend with tfjs: the cpu kernels copied onto it,
// then each native override (kernels/index.ts) registered over its cpu twin,
// which stays reachable as the override's fallback.
import { copyRegisteredKernels, getKernel, registerBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BACKEND_NAME, NodegradBackend } from './backend.js';
import { NATIVE_KERNELS } from './kernels/index.js';

/** Above cpu (1), wasm (2) and webgl (2): importing nodegrad/tfjs makes it the default. */
export const BACKEND_PRIORITY = 5;

let registered = false;

/** Idempotent: the backend and its kernels are registered once per tfjs copy. */
export function registerNodegradBackend(): void {
  if (registered) return;
  registered = true;
  registerBackend(BACKEND_NAME, () => new NodegradBackend(), BACKEND_PRIORITY);
  copyRegisteredKernels('cpu', BACKEND_NAME);
  for (const k of NATIVE_KERNELS) {
    const cpu = getKernel(k.kernelName, 'cpu')?.kernelFunc;
    if (!cpu) throw new Error(`nodegrad/tfjs: no cpu kernel ${k.kernelName} to fall back to (a tfjs-backend-cpu version without it?)`);
    unregisterKernel(k.kernelName, BACKEND_NAME);
    const kernelFunc: KernelFunc = (args) => {
      const backend = args.backend as NodegradBackend;
      return k.run({ inputs: args.inputs, attrs: args.attrs ?? {}, backend }, cpu) ?? (cpu(args) as TensorInfo | TensorInfo[]);
    };
    registerKernel({ kernelName: k.kernelName, backendName: BACKEND_NAME, kernelFunc });
  }
}

/** The kernel names nodegrad runs natively (each falls back to cpu for cases it does not take). */
export function nativeKernelNames(): string[] {
  return NATIVE_KERNELS.map((k) => k.kernelName);
}
