// ESM consumer: `import 'nodegrad/tfjs'` after the user's own tfjs imports,
// and a CommonJS require of the same entry in the same process (one tfjs copy).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as nodegradTfjs from 'nodegrad/tfjs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { runChecks, assert } = require('./checks.cjs');
assert(require('@tensorflow/tfjs-core').engine() === tf.engine(), 'ESM and CJS share one tfjs engine');
assert(require('nodegrad/tfjs').NodegradBackend === nodegradTfjs.NodegradBackend, 'require and import give the same module');
const r = await runChecks(tf, nodegradTfjs);
console.log(`esm ok: tfjs-core ${r.tfjs}, ${r.kernels} native kernels`);
