// Messages that misled (issue 13, item 11), each asserted by class and
// message: unknown option names, Tensor sizes beyond any typed array,
// Tensor.from of a string, Float32Arrays of another realm (accepted),
// Proxies and Object.create(Float32Array.prototype) (refused, naming the
// argument), and NODEGRAD_SIMD naming a path this CPU lacks (an error, not
// a silent fall back). fit's and predict's messages are in arguments.test.ts.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, backend, Dense, Sequential, SGD, Tensor } from '../../lib/index.js';
import { tryLoadNative } from '../../lib/backend/native.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { bits, buildJs } from '../train/helpers.js';

describe('messages', () => {
  it('an unknown option is named, not quoted as a placeholder', () => {
    const m = new Sequential([new Dense(2, 2)], { backend: 'reference' });
    expect(() => new Adam(m.parameters(), { learningRate: 0.1 } as never)).toThrow(
      new TypeError('Adam: learningRate is not a known option (known: lr, weightDecay, decoupledWeightDecay, beta1, beta2, eps, epsHat, backend, clipNorm, schedule, convention)'),
    );
    expect(() => new SGD([{ params: m.parameters(), momentum: 0.9 } as never])).toThrow(
      new TypeError('SGD: groups[0].momentum is not a known option (known: params, lr, weightDecay, decoupledWeightDecay)'),
    );
  });

  it('Tensor.zeros of more elements than a typed array can hold names the shape; a huge dimension is refused even beside a 0', () => {
    expect(() => Tensor.zeros([2 ** 31, 4])).toThrow(
      new RangeError('Tensor.zeros: shape must be of at most 4294967296 elements (the largest typed-array length), got [2147483648, 4] (8589934592 elements)'),
    );
    expect(() => Tensor.zeros([0, 2 ** 60])).toThrow(new RangeError('Tensor.zeros: shape[1] must be at most 4294967296 (the largest typed-array length), got 1152921504606847000'));
    expect(() => new Tensor(new Float32Array(0), [2 ** 53, 0])).toThrow(new RangeError('Tensor: shape[0] must be at most 4294967296 (the largest typed-array length), got 9007199254740992'));
  });

  it("Tensor.from('abc') and arrays holding non-numbers are TypeErrors (they gave NaNs)", () => {
    expect(() => Tensor.from('abc' as never)).toThrow(new TypeError('Tensor.from: data must be a Float32Array or an array of numbers, got string "abc"'));
    expect(() => Tensor.from(['1', 2] as never)).toThrow(new TypeError('Tensor.from: data[0] must be a number, got string "1"'));
    expect(() => Tensor.from({ length: -1 } as never)).toThrow(new RangeError('Tensor.from: data.length must be an integer in [0, 4294967296], got -1'));
    // Numbers (NaN included: a tensor may hold it) and other typed arrays are still copied.
    expect(Array.from(Tensor.from([1, NaN]).data)).toEqual([1, NaN]);
    expect(Array.from(Tensor.from(new Int32Array([3, 4])).data)).toEqual([3, 4]);
  });

  for (const b of backendsUnderTest()) {
    it(`a Float32Array from another realm (vm context) is accepted and computed on [${b.label}]`, () => {
      const foreign = runInNewContext('new Float32Array([1, -2, 3, -4])') as Float32Array;
      expect(foreign instanceof Float32Array).toBe(false);
      const t = new Tensor(foreign, [2, 2]);
      const m = new Sequential([new Dense(2, 2, { activation: 'relu' })], { backend: b.name, seed: 1 });
      const local = m.predict(new Tensor(new Float32Array([1, -2, 3, -4]), [2, 2])).clone();
      expect(bits(m.predict(t).data)).toEqual(bits(local.data));
      const out = new Float32Array(4);
      b.kernels.relu(runInNewContext('new Float32Array([1, -2, 3, -4])') as Float32Array, out);
      expect(Array.from(out)).toEqual([1, 0, 3, 0]);
    });
  }

  it('a Proxy or Object.create(Float32Array.prototype) is a TypeError naming the argument (it was V8\'s "incompatible receiver")', () => {
    const msg = (fn: string, arg: string): string =>
      `${fn}: ${arg} must be a Float32Array, got an object that only inherits from Float32Array.prototype (a Proxy or Object.create) and has no typed-array memory`;
    expect(() => new Tensor(new Proxy(new Float32Array(4), {}), [4])).toThrow(new TypeError(msg('Tensor', 'data')));
    expect(() => new Tensor(Object.create(Float32Array.prototype) as Float32Array, [0])).toThrow(new TypeError(msg('Tensor', 'data')));
    const out = new Float32Array(4);
    expect(() => backend('reference').relu(new Proxy(new Float32Array(4), {}), out)).toThrow(TypeError);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });
});

describe('NODEGRAD_SIMD naming a path this CPU lacks', () => {
  const native = tryLoadNative();
  const missing = ['scalar', 'avx2', 'avx512', 'neon'].find((p) => native && !native.isaAvailable.includes(p));
  let lib = '';
  beforeAll(() => {
    if (missing) lib = join(buildJs('integrity'), 'index.js');
  });
  it.skipIf(!missing)('is an error listing the available paths, not a fall back to the reference backend', () => {
    const script = `import(${JSON.stringify(lib)}).then((m) => {
      try { new m.Sequential([new m.Dense(2, 2)]); console.log('built on ' + m.info().backend); }
      catch (e) { console.log(e.constructor.name + ': ' + e.message.split('\\n')[0]); }
    });`;
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, NODEGRAD_SIMD: missing }, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(
      `Error: nodegrad: the native addon could not be loaded: NODEGRAD_SIMD=${missing} is not supported by this CPU or build (available: ${native!.isaAvailable.join(', ')})`,
    );
    // No "falling back" warning either.
    expect(r.stderr).not.toContain('Falling back');
  });
});
