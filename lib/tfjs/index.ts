// `import 'nodegrad/tfjs'`: registers the 'nodegrad' TensorFlow.js backend
// (priority above cpu and wasm, so it becomes the default). The main
// `nodegrad` entry never loads tfjs; this one needs the peer dependencies
// @tensorflow/tfjs-core and @tensorflow/tfjs-backend-cpu.
import { registerNodegradBackend } from './register.js';

registerNodegradBackend();

export { BACKEND_NAME, NodegradBackend } from './backend.js';
export { BACKEND_PRIORITY, nativeKernelNames, registerNodegradBackend } from './register.js';
export type { NativeKernel, NativeKernelArgs } from './native-kernel.js';
