// Registers the 'nodegrad' backend with tfjs: the cpu kernels copied onto it,
// then each native override (kernels/index.ts) registered over its cpu twin,
// which stays reachable as the override's fallback.
import { copyRegisteredKernels, getKernel, registerBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BACKEND_NAME, NodegradBackend } from './backend.js';
import { NATIVE_KERNELS } from './kernels/index.js';
import { nativeLoadError } from '../backend/native.js';

/** Above cpu (1), wasm (2) and webgl (2): importing nodegrad/tfjs makes it the default. */
export const BACKEND_PRIORITY = 5;

let registered = false;

/**
 * Idempotent: the backend and its kernels are registered once per tfjs copy.
 * Without the native addon it throws the loader's explanation and registers
 * nothing: a 'nodegrad' backend that silently ran tfjs's cpu kernels would
 * hide the problem the user imported this entry to avoid (README, "Use as a
 * TensorFlow.js backend"). tfjs's own backends are left as they were.
 */
export function registerNodegradBackend(): void {
  if (registered) return;
  const cause = nativeLoadError();
  if (cause) {
    throw new Error(
      `nodegrad/tfjs: the 'nodegrad' TensorFlow.js backend was not registered: it needs nodegrad's native addon.\n` +
        `  Without this import tfjs runs on its own backends (cpu, wasm).\n${cause.message}`,
      { cause },
    );
  }
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

/** Each native kernel with what it takes natively (the README's table). */
export function nativeKernels(): { kernelName: string; takes: string }[] {
  return NATIVE_KERNELS.map((k) => ({ kernelName: k.kernelName, takes: k.takes ?? 'float32' }));
}
