// CommonJS consumer: require('nodegrad/tfjs') (an ES module, loaded through
// Node's require of ES modules, Node >= 20.19).
'use strict';
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const nodegradTfjs = require('nodegrad/tfjs');
const { runChecks } = require('./checks.cjs');
runChecks(tf, nodegradTfjs).then(
  (r) => console.log(`cjs ok: tfjs-core ${r.tfjs}, ${r.kernels} native kernels`),
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
