// The addon's own exports, called directly with anything: native code must
// never crash or write outside the arrays it is given, whatever the
// arguments (the TypeScript layer normally validates first, but the addon is
// reachable, and layers call it unchecked). Every raw kernel the addon
// exports is fuzzed (the list: the reference backend's kernels; thread-pool
// and probe functions have side effects and their own tests), with argument lists mixing
// Float32Arrays of small lengths (inside guard elements), sizes that overflow
// 32- and 64-bit products, other typed arrays, detached buffers and non-numbers.
// A call may throw (any Error) or return; it may not touch a guard element.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { tryLoadNative } from '../../lib/backend/native.js';
import { referenceBackend } from '../../lib/backend/reference/index.js';
import { reportCount } from './budget.js';

const addon = tryLoadNative() as unknown as Record<string, unknown> | undefined;
const functions = addon ? Object.keys(referenceBackend).filter((k) => typeof addon[k] === 'function').sort() : [];
const CASES = Number(process.env.NODEGRAD_FUZZ_RAW_CASES ?? 20_000);
const runs = Math.ceil(CASES / Math.max(1, functions.length));
let cases = 0;

afterAll(() => reportCount('native-raw', cases));

const GUARD = 0x7fc0bad1;
// Large sizes whose products wrap size_t or uint32 (2^32·2^32 = 0 mod 2^64),
// plus the usual non-integers.
const NUMBERS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, -1, -0, 0.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 33, 2 ** 53];

interface Guarded {
  view: Float32Array;
  all: Uint32Array;
  start: number;
}

type Slot = { kind: 'f32'; n: number; pad: number } | { kind: 'value'; v: number };

const slot: fc.Arbitrary<Slot> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('f32' as const), n: fc.constantFrom(0, 1, 2, 3, 4, 6, 8, 9, 16, 17, 33), pad: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('value' as const), v: fc.integer({ min: 0, max: NUMBERS.length + 11 }) }) },
);

function materialise(s: Slot, guards: Guarded[]): unknown {
  if (s.kind === 'f32') {
    const all = new Uint32Array(s.n + 2 * s.pad + 2).fill(GUARD);
    const start = s.pad + 1;
    const view = new Float32Array(all.buffer, 4 * start, s.n).fill(0.5);
    guards.push({ view, all, start });
    return view;
  }
  const i = s.v;
  if (i < NUMBERS.length) return NUMBERS[i];
  const others: Array<() => unknown> = [
    () => undefined,
    () => null,
    () => true,
    () => false,
    () => 'x',
    () => ({}),
    () => [1, 2],
    () => new Int32Array(4),
    () => new Float64Array(4),
    () => new Uint8Array(16),
    () => {
      const b = new ArrayBuffer(16);
      const v = new Float32Array(b);
      structuredClone(b, { transfer: [b] });
      return v;
    },
    () => 1n,
  ];
  return others[i - NUMBERS.length]!();
}

function guardsIntact(g: Guarded): boolean {
  for (let i = 0; i < g.all.length; i++) {
    if (i >= g.start && i < g.start + g.view.length) continue;
    if (g.all[i] !== GUARD) return false;
  }
  return true;
}

describe('raw native exports', () => {
  it('the addon exports kernels to fuzz (where it loads)', () => {
    if (!addon) {
      expect(process.env.CI).toBeFalsy(); // CI requires the addon
      return;
    }
    expect(functions.length).toBeGreaterThan(0);
  });

  for (const name of functions) {
    it(`[native] ${name}: arbitrary arguments throw or return, never crash or write out of bounds`, () => {
      const fn = addon![name] as (...a: unknown[]) => unknown;
      fc.assert(
        fc.property(fc.array(slot, { minLength: 0, maxLength: 16 }), (slots) => {
          cases++;
          const guards: Guarded[] = [];
          const args = slots.map((s) => materialise(s, guards));
          try {
            fn(...args);
          } catch (e) {
            if (!(e instanceof Error)) throw new Error(`threw a non-Error: ${String(e)}`);
          }
          guards.forEach((g, i) => {
            if (!guardsIntact(g)) throw new Error(`wrote outside Float32Array #${i} (length ${g.view.length})`);
          });
        }),
        { numRuns: runs },
      );
    });
  }
});
