// The reductions family's one list (TypeScript side; the C++ twin is
// native/kernels/reduce_list.h, whose names the addon exports as
// `reductionKernels`, compared by test/kernels/reductions.test.ts). From it
// come the raw kernel signatures (RawReductions), the checked public wrappers
// (ReductionKernels), the reference twin's dispatch, the fuzz specs and the
// bench workloads.
//
// Per entry:
//   name    kernel name
//   kind    its signature (lib/backend/reductions.ts): x is rows x cols, row-major
//     reduceRows  (x, y, rows, cols)  y[r] over row r          y: Float32Array(rows)
//     reduceCols  (x, y, rows, cols)  y[c] over column c       y: Float32Array(cols)
//     indexRows / indexCols           the same with an Int32Array y (argMax)
//     mapRows     (x, y, rows, cols)  row by row               y: Float32Array(rows*cols)
//     transpose   (x, y, batch, rows, cols)  y[b] = x[b]ᵀ, any 4-byte element
//     gather      (x, indices, y, rows, rowLength)  y[i] = x[indices[i]], rows of rowLength
//     cast        (x, y)              elementwise dtype conversion `from` → `to`
//     oneHot      (indices, y, depth, onValue, offValue)
//   public  true: also a checked kernel of the public `kernels` object (float32
//           in and out); false: an internal kernel of the tfjs backend
//           (nodegrad/tfjs), reached through rawBackend() only.
export const REDUCTIONS = [
  { name: 'sumRows', kind: 'reduceRows', public: true },
  { name: 'meanRows', kind: 'reduceRows', public: true },
  { name: 'maxRows', kind: 'reduceRows', public: true },
  { name: 'minRows', kind: 'reduceRows', public: true },
  { name: 'argMaxRows', kind: 'indexRows', public: false },
  { name: 'sumCols', kind: 'reduceCols', public: true },
  { name: 'meanCols', kind: 'reduceCols', public: true },
  { name: 'maxCols', kind: 'reduceCols', public: true },
  { name: 'minCols', kind: 'reduceCols', public: true },
  { name: 'argMaxCols', kind: 'indexCols', public: false },
  { name: 'softmax', kind: 'mapRows', public: true },
  { name: 'logSoftmax', kind: 'mapRows', public: true },
  { name: 'transpose', kind: 'transpose', public: true },
  { name: 'gatherRows', kind: 'gather', public: false },
  { name: 'castFloat32ToInt32', kind: 'cast', from: 'float32', to: 'int32', public: false },
  { name: 'castInt32ToFloat32', kind: 'cast', from: 'int32', to: 'float32', public: false },
  { name: 'castBoolToFloat32', kind: 'cast', from: 'bool', to: 'float32', public: false },
  { name: 'castBoolToInt32', kind: 'cast', from: 'bool', to: 'int32', public: false },
  { name: 'castFloat32ToBool', kind: 'cast', from: 'float32', to: 'bool', public: false },
  { name: 'oneHot', kind: 'oneHot', public: false },
] as const;

export type ReductionEntry = (typeof REDUCTIONS)[number];
export type ReductionName = ReductionEntry['name'];
export type PublicReductionEntry = Extract<ReductionEntry, { public: true }>;
export type CastEntry = Extract<ReductionEntry, { kind: 'cast' }>;

/** The entry of `name`, or undefined. */
export function reductionEntry(name: string): ReductionEntry | undefined {
  return REDUCTIONS.find((e) => e.name === name);
}
