// Bad input to the checked activation kernels, on every backend: the error
// class and message, and outputs left untouched.
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../../lib/backend/index.js';
import { backendsUnderTest } from '../helpers/backends.js';

const SENTINEL = 42;

function out(n: number): Float32Array {
  return new Float32Array(n).fill(SENTINEL);
}

function detached(n: number): Float32Array {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

interface BadCall {
  what: string;
  call(k: Kernels, outputs: Float32Array[]): void;
  /** Outputs the call would write; they must keep SENTINEL. */
  outputs: number[];
  error: typeof TypeError | typeof RangeError;
  message: string;
}

const x4 = Float32Array.from([-1, 0, 1, 2]);
const g4 = Float32Array.from([1, 1, 1, 1]);

const cases: BadCall[] = [
  {
    what: 'x is a plain array',
    call: (k, [y]) => k.relu([1, 2] as unknown as Float32Array, y!),
    outputs: [2],
    error: TypeError,
    message: 'relu: x must be a Float32Array, got Array(2)',
  },
  {
    what: 'y is a Float64Array',
    call: (k) => k.sigmoid(x4, new Float64Array(4) as unknown as Float32Array),
    outputs: [],
    error: TypeError,
    message: 'sigmoid: y must be a Float32Array, got Float64Array(4)',
  },
  {
    what: 'dy is null',
    call: (k, [dx]) => k.tanhBackward(x4, null as unknown as Float32Array, dx!),
    outputs: [4],
    error: TypeError,
    message: 'tanhBackward: dy must be a Float32Array, got null',
  },
  {
    what: 'x is detached',
    call: (k, [y]) => k.elu(detached(4), y!),
    outputs: [4],
    error: TypeError,
    message: 'elu: x must be a Float32Array with an attached buffer, got a detached buffer',
  },
  {
    what: 'dx is detached',
    call: (k) => k.reluBackward(x4, g4, detached(4)),
    outputs: [],
    error: TypeError,
    message: 'reluBackward: dx must be a Float32Array with an attached buffer, got a detached buffer',
  },
  {
    what: 'y too short',
    call: (k, [y]) => k.relu(x4, y!),
    outputs: [3],
    error: RangeError,
    message: 'relu: y must be of length 4, got length 3',
  },
  {
    what: 'dy too long',
    call: (k, [dx]) => k.leakyReluBackward(x4, new Float32Array(5), dx!),
    outputs: [4],
    error: RangeError,
    message: 'leakyReluBackward: dy must be of length 4, got length 5',
  },
  {
    what: 'dx wrong length (output-based backward names y)',
    call: (k, [dx]) => k.sigmoidBackward(x4, g4, dx!),
    outputs: [2],
    error: RangeError,
    message: 'sigmoidBackward: dx must be of length 4, got length 2',
  },
  {
    what: 'y partially overlaps x',
    call: (k) => {
      const buf = new Float32Array(6).fill(SENTINEL);
      k.tanh(buf.subarray(0, 4), buf.subarray(2, 6));
      expect(Array.from(buf)).toEqual(new Array(6).fill(SENTINEL));
    },
    outputs: [],
    error: RangeError,
    message: 'tanh: y must be memory separate from x (or exactly the same), got memory overlapping x',
  },
  {
    what: 'dx partially overlaps dy',
    call: (k) => {
      const buf = new Float32Array(5).fill(SENTINEL);
      k.eluBackward(x4, buf.subarray(0, 4), buf.subarray(1, 5));
      expect(Array.from(buf)).toEqual(new Array(5).fill(SENTINEL));
    },
    outputs: [],
    error: RangeError,
    message: 'eluBackward: dx must be memory separate from dy (or exactly the same), got memory overlapping dy',
  },
  {
    what: 'NaN alpha',
    call: (k, [y]) => k.leakyRelu(x4, y!, NaN),
    outputs: [4],
    error: RangeError,
    message: 'leakyRelu: alpha must be a finite number, got NaN',
  },
  {
    what: 'Infinite alpha',
    call: (k, [dx]) => k.eluBackward(x4, g4, dx!, -Infinity),
    outputs: [4],
    error: RangeError,
    message: 'eluBackward: alpha must be a finite number, got -Infinity',
  },
  {
    what: 'alpha a string',
    call: (k, [y]) => k.elu(x4, y!, '1' as unknown as number),
    outputs: [4],
    error: TypeError,
    message: 'elu: alpha must be a finite number, got string "1"',
  },
  {
    what: 'prelu x length not divisible by alpha length',
    call: (k, [y]) => k.prelu(x4, new Float32Array(3), y!),
    outputs: [4],
    error: RangeError,
    message: 'prelu: x must be a length divisible by alpha.length (3), got length 4',
  },
  {
    what: 'prelu empty alpha',
    call: (k, [y]) => k.prelu(x4, new Float32Array(0), y!),
    outputs: [4],
    error: RangeError,
    message: 'prelu: alpha must be of length >= 1, got length 0',
  },
  {
    what: 'preluBackward dalpha wrong length',
    call: (k, [dx, da]) => k.preluBackward(x4, new Float32Array(2), g4, dx!, da!),
    outputs: [4, 1],
    error: RangeError,
    message: 'preluBackward: dalpha must be of length 2, got length 1',
  },
  {
    what: 'preluBackward dalpha overlaps alpha',
    call: (k, [dx]) => {
      const a = new Float32Array(2).fill(SENTINEL);
      k.preluBackward(x4, a, g4, dx!, a);
      expect(Array.from(a)).toEqual([SENTINEL, SENTINEL]);
    },
    outputs: [4],
    error: RangeError,
    message: 'preluBackward: dalpha must be memory separate from alpha, got the same memory as alpha',
  },
  {
    what: 'preluBackward x length not divisible',
    call: (k, [dx, da]) => k.preluBackward(new Float32Array(5), new Float32Array(2), new Float32Array(5), dx!, da!),
    outputs: [5, 2],
    error: RangeError,
    message: 'preluBackward: x must be a length divisible by alpha.length (2), got length 5',
  },
];

for (const b of backendsUnderTest()) {
  describe(`activation errors [${b.label}]`, () => {
    it.each(cases.map((c) => [c.what, c] as const))(`%s [${b.label}]`, (_what, c) => {
      const outputs = c.outputs.map(out);
      let thrown: unknown;
      try {
        c.call(b.kernels, outputs);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(c.error);
      expect((thrown as Error).message).toBe(c.message);
      for (const o of outputs) expect(Array.from(o)).toEqual(new Array(o.length).fill(SENTINEL));
    });
  });
}

// The raw native exports skip the TS checks (layers call them after checking
// shapes once); called directly with bad arrays they must throw, not crash.
const native = backendsUnderTest().find((b) => b.name === 'native');
describe.runIf(native)(`activation raw native binding stays memory-safe [${native?.label ?? 'native'}]`, () => {
  it(`throws on mismatched lengths and wrong types [${native?.label ?? 'native'}]`, async () => {
    const { rawBackend } = await import('../../lib/backend/index.js');
    const raw = rawBackend('native');
    const y = out(2);
    expect(() => raw.sigmoid(x4, y)).toThrow(RangeError);
    expect(() => raw.preluBackward(x4, new Float32Array(3), g4, out(4), out(3))).toThrow(RangeError);
    expect(() => raw.reluBackward(x4, [1, 2, 3, 4] as unknown as Float32Array, out(4))).toThrow(TypeError);
    expect(Array.from(y)).toEqual([SENTINEL, SENTINEL]);
  });
});
