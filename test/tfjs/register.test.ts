// The 'nodegrad' backend registers, becomes the default, and runs its native
// overrides with the cpu kernels as fallback.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME, nativeKernelNames } from '../../lib/tfjs/index.js';

describe('nodegrad/tfjs registration', () => {
  it('is the default backend once imported', async () => {
    await tf.ready();
    expect(tf.getBackend()).toBe(BACKEND_NAME);
  });

  it('registers every native override on the nodegrad backend', () => {
    for (const name of nativeKernelNames()) expect(tf.getKernel(name, BACKEND_NAME), name).toBeDefined();
  });

  it('Relu runs natively on float32 and matches cpu', async () => {
    const data = new Float32Array([-2, -0.5, 0, 0.5, 2, Number.NaN]);
    await tf.setBackend(BACKEND_NAME);
    const native = tf.relu(tf.tensor1d(data)).dataSync();
    await tf.setBackend('cpu');
    const cpu = tf.relu(tf.tensor1d(data)).dataSync();
    await tf.setBackend(BACKEND_NAME);
    // ReLU is exact: the same bits on both (NaN compared as NaN).
    expect(Array.from(native)).toEqual(Array.from(cpu));
  });

  it('int32 input falls back to the cpu kernel', async () => {
    await tf.setBackend(BACKEND_NAME);
    const y = tf.relu(tf.tensor1d([-3, 4], 'int32'));
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([0, 4]);
  });

  it('does not write into its input', async () => {
    await tf.setBackend(BACKEND_NAME);
    const data = new Float32Array([-1, 1]);
    tf.relu(tf.tensor1d(data)).dataSync();
    expect(Array.from(data)).toEqual([-1, 1]);
  });
});
