// Fuzz specs of the activation kernels. Tolerances are the ones
// test/kernels/activations*.test.ts holds native to: bitwise where one
// rounding of one product is all there is (ReLU, Leaky ReLU, PReLU, their
// backwards), a few ulp for exp-based kernels and derivative products, and a
// length-scaled bound for PReLU's dα (a sum).
import fc from 'fast-check';
import type { KernelSpec } from '../engine.js';
import { absolute, bitwise, EPS32, ulps, type Compare } from '../tolerance.js';
import { f32, f32Array, hyper, length } from '../values.js';

const alphaValue = hyper(fc.float({ min: -2, max: 2, noNaN: true }));

// The exp-based kernels' bound (sigmoid, tanh, ELU and their backwards): the
// vectorised exp is within 2 ulp and the result takes up to two more
// roundings; 4 ulp is what the activation tests allow.
const EXP_ULPS = 4;

function unary(compare: Compare, withAlpha: boolean): KernelSpec {
  return {
    args: [{ role: 'in', name: 'x' }, { role: 'out', name: 'y', mayAlias: ['x'] }, ...(withAlpha ? [{ role: 'scalar', name: 'alpha', optional: true } as const] : [])],
    valid: length.chain((n) =>
      withAlpha
        ? fc.tuple(f32Array(n), f32Array(n), fc.option(alphaValue, { nil: undefined })).map(([x, y, a]) => (a === undefined ? [x, y] : [x, y, a]))
        : fc.tuple(f32Array(n), f32Array(n)),
    ),
    compare: () => compare,
  };
}

/** Backward kernels taking x (or y, the forward output, whose range `input` draws from). */
function backward(first: 'x' | 'y', compare: Compare, withAlpha: boolean, input = f32): KernelSpec {
  return {
    args: [
      { role: 'in', name: first },
      { role: 'in', name: 'dy' },
      { role: 'out', name: 'dx', mayAlias: [first, 'dy'] },
      ...(withAlpha ? [{ role: 'scalar', name: 'alpha', optional: true } as const] : []),
    ],
    valid: length.chain((n) =>
      withAlpha
        ? fc
            .tuple(f32Array(n, input), f32Array(n), f32Array(n), fc.option(alphaValue, { nil: undefined }))
            .map(([x, dy, dx, a]) => (a === undefined ? [x, dy, dx] : [x, dy, dx, a]))
        : fc.tuple(f32Array(n, input), f32Array(n), f32Array(n)),
    ),
    compare: () => compare,
  };
}

// The derivative-from-output kernels are only meaningful for outputs in the
// function's range; outside it the products can overflow in float32 where
// float64 does not, which is not a kernel property worth pinning.
const sigmoidOut = fc.oneof(fc.float({ min: 0, max: 1, noNaN: true }), fc.constantFrom(NaN, 0.5, 1e-45));
const tanhOut = fc.oneof(fc.float({ min: -1, max: 1, noNaN: true }), fc.constantFrom(NaN, -0, 1e-45));

const preluShape = fc.record({ rows: fc.integer({ min: 0, max: 9 }), features: fc.oneof(fc.constantFrom(1, 7, 8, 9, 16, 17), fc.integer({ min: 1, max: 20 })) });

/** dα_j = Σ_{x≤0} x·dy over rows: each float32 addition rounds once. */
function dalphaBound(args: readonly unknown[]): Compare {
  const [x, alpha, dy] = args as Float32Array[];
  const f = alpha!.length;
  const rows = x!.length / f;
  const mag = new Float64Array(f);
  for (let i = 0; i < x!.length; i++) if (!(x![i]! > 0)) mag[i % f]! += Math.abs(x![i]! * dy![i]!);
  return (e, a, j) => {
    // A float32 running sum of huge terms can overflow where float64 does not.
    if (mag[j]! > 1e37) return undefined;
    return absolute(() => (rows + 2) * EPS32 * mag[j]! + rows * 1.5e-45)(e, a, j);
  };
}

export const activationSpecs: Record<string, KernelSpec> = {
  relu: unary(bitwise, false),
  leakyRelu: unary(bitwise, true),
  elu: unary(ulps(EXP_ULPS), true),
  sigmoid: unary(ulps(EXP_ULPS), false),
  tanh: unary(ulps(EXP_ULPS), false),
  reluBackward: backward('x', bitwise, false),
  leakyReluBackward: backward('x', bitwise, true),
  eluBackward: backward('x', ulps(EXP_ULPS), true),
  sigmoidBackward: backward('y', ulps(EXP_ULPS), false, sigmoidOut),
  tanhBackward: backward('y', ulps(EXP_ULPS), false, tanhOut),
  prelu: {
    args: [{ role: 'in', name: 'x' }, { role: 'in', name: 'alpha', lengthFree: true }, { role: 'out', name: 'y', mayAlias: ['x'] }],
    valid: preluShape.chain(({ rows, features }) => fc.tuple(f32Array(rows * features), f32Array(features), f32Array(rows * features))),
    compare: () => bitwise,
  },
  preluBackward: {
    args: [
      { role: 'in', name: 'x' },
      { role: 'in', name: 'alpha', lengthFree: true },
      { role: 'in', name: 'dy' },
      { role: 'out', name: 'dx', mayAlias: ['x', 'dy'] },
      { role: 'out', name: 'dalpha' },
    ],
    valid: preluShape.chain(({ rows, features }) =>
      fc.tuple(f32Array(rows * features), f32Array(features), f32Array(rows * features), f32Array(rows * features), f32Array(features)),
    ),
    compare: (out, args) => (out === 'dalpha' ? dalphaBound(args) : bitwise),
  },
};
