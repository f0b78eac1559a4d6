// Absurd GEMM sizes through the public kernel: dimensions of 2^31, 2^32 and
// 2^53 with empty arrays (a valid call when another dimension is 0, since
// C then has no elements), products that wrap 64-bit integers, and m·k
// beyond the array. Every backend must give the reference's outcome: return
// having written nothing, or the same documented RangeError.
import { describe, expect, it } from 'vitest';
import { backend } from '../../lib/backend/index.js';
import { backendsUnderTest } from '../helpers/backends.js';

const e = () => new Float32Array(0);
const cases: Array<[string, () => [Float32Array, Float32Array, Float32Array], number, number, number]> = [
  ['m = 2^31, n = k = 0', () => [e(), e(), e()], 2 ** 31, 0, 0],
  ['n = 2^31, m = k = 0', () => [e(), e(), e()], 0, 2 ** 31, 0],
  ['k = 2^31, m = n = 0', () => [e(), e(), e()], 0, 0, 2 ** 31],
  ['m = 2^32 + 1, n = k = 0', () => [e(), e(), e()], 2 ** 32 + 1, 0, 0],
  ['m = 2^53, n = k = 0', () => [e(), e(), e()], 2 ** 53, 0, 0],
  ['k = 2^53, m = n = 0', () => [e(), e(), e()], 0, 0, 2 ** 53],
  ['m = n = 2^32 (m·n wraps 64 bits), k = 0', () => [e(), e(), e()], 2 ** 32, 2 ** 32, 0],
  ['m = k = n = 2^32 (every product wraps)', () => [e(), e(), e()], 2 ** 32, 2 ** 32, 2 ** 32],
  ['m = 2^31 with one-element arrays', () => [new Float32Array(1), new Float32Array(1), new Float32Array(1)], 2 ** 31, 1, 1],
  ['m·k beyond a (3·5 > 14)', () => [new Float32Array(14), new Float32Array(20), new Float32Array(12)], 3, 4, 5],
];

function outcome(k: ReturnType<typeof backend>, make: () => [Float32Array, Float32Array, Float32Array], m: number, n: number, kk: number): string {
  const [a, b, c] = make();
  c.fill(7);
  try {
    k.gemm(a, b, c, m, n, kk);
  } catch (err) {
    return `${(err as Error).constructor.name}: ${(err as Error).message}`;
  }
  return `returned, c = [${[...c].join(', ')}]`;
}

describe('gemm with absurd sizes', () => {
  const reference = backend('reference');
  for (const b of backendsUnderTest()) {
    for (const [title, make, m, n, k] of cases) {
      it(`[${b.label}] ${title}: the reference's outcome, never a crash or a hang`, () => {
        const want = outcome(reference, make, m, n, k);
        expect(want).toMatch(/^(returned|RangeError: gemm: )/);
        expect(outcome(b.kernels, make, m, n, k)).toBe(want);
      });
    }
  }
});
