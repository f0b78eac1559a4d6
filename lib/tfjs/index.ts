// `import 'nodegrad/tfjs'`: registers the 'nodegrad' TensorFlow.js backend
// (priority above cpu and wasm, so it becomes the default). The main
// `nodegrad` entry never loads tfjs; this one needs the peer dependencies
// @tensorflow/tfjs-core and @tensorflow/tfjs-backend-cpu.
import { installNativeGradients } from './gradients.js';
import { installNativeOptimizers } from './optimizers.js';
import { registerNodegradBackend } from './register.js';

registerNodegradBackend();
installNativeOptimizers();
installNativeGradients();

export { BACKEND_NAME, NodegradBackend } from './backend.js';
export { BACKEND_PRIORITY, nativeKernelNames, nativeKernels, registerNodegradBackend } from './register.js';
export type { NativeKernel, NativeKernelArgs } from './native-kernel.js';
export { installNativeOptimizers } from './optimizers.js';
export { installNativeGradients } from './gradients.js';
