// Type-checked in a consumer project (module nodenext): nodegrad/tfjs's
// declarations resolve and carry real types (the @ts-expect-error lines
// fail the check if they were `any`).
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_NAME, NodegradBackend, nativeKernelNames, type NativeKernel } from 'nodegrad/tfjs';

const name: string = BACKEND_NAME;
const names: string[] = nativeKernelNames();
const backend: tf.KernelBackend = new NodegradBackend();
const kernel: NativeKernel = { kernelName: 'Relu', run: () => null };
// @ts-expect-error BACKEND_NAME is a string
const wrong: number = BACKEND_NAME;
// @ts-expect-error a NativeKernel needs run()
const incomplete: NativeKernel = { kernelName: 'Relu' };
export { name, names, backend, kernel, wrong, incomplete };
