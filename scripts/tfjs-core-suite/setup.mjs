// Runs first in the bundle (entry.mjs imports it before any spec module):
// jasmine's globals (describe, it, expect) must exist, and tfjs-core's test
// environment list must name the backend under test, before tfjs-core's
// spec modules evaluate their describeWithFlags calls.
import { createRequire } from 'node:module';
import { setTestEnvs } from '@tensorflow/tfjs-core/dist/jasmine_util';
import { ignoredBecause } from './ignore.mjs';

const require = createRequire(import.meta.url);
const Jasmine = require('jasmine');

const backendName = process.env.TFJS_SUITE_BACKEND;
if (backendName !== 'nodegrad' && backendName !== 'cpu') {
  throw new Error(`TFJS_SUITE_BACKEND must be 'nodegrad' or 'cpu', got ${JSON.stringify(backendName)}`);
}

export const runner = new Jasmine();
runner.exitOnCompletion = false;
// isDataSync: both backends are MathBackendCPU underneath (dataSync works),
// which enables tfjs's SYNC_BACKEND_ENVS specs.
setTestEnvs([{ name: backendName, backendName, isDataSync: true, flags: {} }]);
export { backendName, ignoredBecause };
