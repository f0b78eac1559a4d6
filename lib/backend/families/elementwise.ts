// The elementwise family's one list (TypeScript side; the C++ twin is
// native/kernels/ew_list.h, the addon exports its names as
// `elementwiseKernels` and a test holds the two lists equal, in order).
// Derived from it: the raw and checked kernel signatures and wrappers
// (lib/backend/elementwise.ts), the reference dispatch
// (lib/backend/reference/elementwise.ts), the TensorFlow.js overrides
// (lib/tfjs/kernels/elementwise.ts: `tfjs` is the kernel each entry serves),
// the tests, fuzz specs and bench cases.
//
// Kinds (the raw signatures):
//   binary       name(a, b, out, plan?)           float32 out
//   compare      name(a, b, out: Uint8Array, plan?) 1 where a OP b, else 0
//       a and b are each out's length or a single value, or `plan` (a
//       Float64Array from broadcastPlan, lib/backend/broadcast.ts) gives
//       NumPy broadcasting over any rank up to EW_MAX_RANK after collapsing.
//   unary        name(x, y)
//   unary_param  name(x, y, ...params)            float64 parameters
//   grad         name(input, dy, dx)
// `select(condition: Uint8Array, t, e, out)` (tfjs's Select) is outside the
// list: its signature is its own.
export const ELEMENTWISE = [
  { name: 'add', kind: 'binary', tfjs: 'Add' },
  { name: 'sub', kind: 'binary', tfjs: 'Sub' },
  { name: 'mul', kind: 'binary', tfjs: 'Multiply' },
  { name: 'div', kind: 'binary', tfjs: 'RealDiv' },
  { name: 'maximum', kind: 'binary', tfjs: 'Maximum' },
  { name: 'minimum', kind: 'binary', tfjs: 'Minimum' },
  { name: 'squaredDifference', kind: 'binary', tfjs: 'SquaredDifference' },
  // x < 0 ? α·x : x with α broadcast (tfjs's Prelu; nodegrad's own prelu selects on x > 0).
  { name: 'preluTf', kind: 'binary', tfjs: 'Prelu' },
  { name: 'greater', kind: 'compare', tfjs: 'Greater' },
  { name: 'greaterEqual', kind: 'compare', tfjs: 'GreaterEqual' },
  { name: 'less', kind: 'compare', tfjs: 'Less' },
  { name: 'lessEqual', kind: 'compare', tfjs: 'LessEqual' },
  { name: 'equal', kind: 'compare', tfjs: 'Equal' },
  { name: 'notEqual', kind: 'compare', tfjs: 'NotEqual' },
  { name: 'neg', kind: 'unary', tfjs: 'Neg' },
  { name: 'abs', kind: 'unary', tfjs: 'Abs' },
  { name: 'square', kind: 'unary', tfjs: 'Square' },
  { name: 'sqrt', kind: 'unary', tfjs: 'Sqrt' },
  { name: 'rsqrt', kind: 'unary', tfjs: 'Rsqrt' },
  { name: 'exp', kind: 'unary', tfjs: 'Exp' },
  { name: 'log', kind: 'unary', tfjs: 'Log' },
  { name: 'softplus', kind: 'unary', tfjs: 'Softplus' },
  { name: 'relu6', kind: 'unary', tfjs: 'Relu6' },
  // NaN stays NaN; x > 0 ? 1 : alpha.
  { name: 'step', kind: 'unary_param', params: ['alpha'], tfjs: 'Step' },
  // x > hi ? hi : x < lo ? lo : x.
  { name: 'clip', kind: 'unary_param', params: ['lo', 'hi'], tfjs: 'ClipByValue' },
  // x < 0 ? α·x : x with α in float64 (tfjs's LeakyRelu attribute is a double).
  { name: 'leakyReluTf', kind: 'unary_param', params: ['alpha'], tfjs: 'LeakyRelu' },
  // tfjs's EluGrad: from the forward output y, y >= 0 ? dy : dy·(y + 1).
  { name: 'eluGradY', kind: 'grad', tfjs: 'EluGrad' },
] as const;

export type ElementwiseEntry = (typeof ELEMENTWISE)[number];
export type ElementwiseName = ElementwiseEntry['name'];
export type ElementwiseKind = ElementwiseEntry['kind'];
export type EntryOfKind<K extends ElementwiseKind> = Extract<ElementwiseEntry, { kind: K }>;
export type BinaryName = EntryOfKind<'binary'>['name'];
export type CompareName = EntryOfKind<'compare'>['name'];
export type UnaryName = EntryOfKind<'unary'>['name'];
export type UnaryParamName = EntryOfKind<'unary_param'>['name'];
export type GradName = EntryOfKind<'grad'>['name'];

/** The most axes a broadcast plan may keep after collapsing (kEwMaxRank in native/kernels/ew.h). */
export const EW_MAX_RANK = 8;

export function elementwiseEntry(name: string): ElementwiseEntry | undefined {
  return ELEMENTWISE.find((e) => e.name === name);
}
