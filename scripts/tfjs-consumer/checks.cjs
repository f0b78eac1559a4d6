// The checks a consumer project runs on an installed nodegrad/tfjs (shared by
// check.mjs, check.cjs and the CI suite's lowest/highest tfjs versions):
// registration into the user's one tfjs copy, the default backend, and a few
// native kernels against tfjs's cpu backend. Throws on the first failure.
'use strict';

function assert(ok, what) {
  if (!ok) throw new Error(`nodegrad/tfjs consumer check failed: ${what}`);
}

/** |x - y| ≤ tol·(1 + |y|) elementwise (tol stated by the caller). */
function close(x, y, tol, what) {
  assert(x.length === y.length, `${what}: length ${x.length} vs ${y.length}`);
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    assert(d <= tol * (1 + Math.abs(y[i])) || (Number.isNaN(x[i]) && Number.isNaN(y[i])), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
  }
}

async function runChecks(tf, nodegradTfjs) {
  await tf.ready();
  assert(tf.getBackend() === 'nodegrad', `default backend is '${tf.getBackend()}', not 'nodegrad'`);
  assert(nodegradTfjs.BACKEND_NAME === 'nodegrad', 'BACKEND_NAME');
  const names = nodegradTfjs.nativeKernelNames();
  assert(names.includes('BatchMatMul') && names.includes('_FusedMatMul'), `nativeKernelNames(): ${names}`);
  for (const n of names) assert(tf.getKernel(n, 'nodegrad') !== undefined, `kernel ${n} registered in the user's tfjs copy`);

  const a = Float32Array.from({ length: 6 * 5 }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: 5 * 4 }, (_, i) => Math.cos(i));
  const bias = Float32Array.from({ length: 4 }, (_, i) => i - 1.5);
  const run = () =>
    tf.tidy(() => {
      const A = tf.tensor2d(a, [6, 5]);
      const B = tf.tensor2d(b, [5, 4]);
      return [
        tf.matMul(A, B).dataSync(),
        tf.matMul(A, tf.transpose(B), false, true).dataSync(),
        tf.fused.matMul({ a: A, b: B, bias: tf.tensor1d(bias), activation: 'relu' }).dataSync(),
        tf.relu(A).dataSync(),
      ];
    });
  const before = tf.memory().numTensors;
  const native = run();
  assert(tf.memory().numTensors === before, 'tensors leaked by the kernels');
  await tf.setBackend('cpu');
  const cpu = run();
  await tf.setBackend('nodegrad');
  // Sums of 5 products of values ≤ 1 in float32 on both sides: 1e-6
  // relative is ~8 ulps, far above k·u and far below any semantic error.
  close(native[0], cpu[0], 1e-6, 'matMul');
  close(native[1], cpu[1], 1e-6, 'matMul transposeB');
  close(native[2], cpu[2], 1e-6, 'fused matMul + bias + relu');
  close(native[3], cpu[3], 0, 'relu');
  return { tfjs: tf.version_core, kernels: names.length };
}

module.exports = { runChecks, assert };
