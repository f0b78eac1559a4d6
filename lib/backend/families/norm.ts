// The normalisation family's one list (TypeScript side; the C++ twin is
// native/kernels/norm_list.h, whose names the addon exports as
// `normKernels`, compared by test/kernels/norm.test.ts). The forward and
// backward kernels of BatchNorm1d, LayerNorm and Dropout (lib/layers). From
// it come the raw kernel signatures (RawNorm, lib/backend/norm.ts), the
// reference twin's table, the tests' and the fuzz specs' cases, the arm64
// checks and the bench workloads.
//
// These kernels are internal (the layers are the public API): they are
// reached through rawBackend(), and the layers validate shapes once.
//   layer   the layer whose forward/backward the kernel is
//   pass    'forward' | 'backward'
export const NORM_KERNELS = [
  { name: 'batchNormTrain', layer: 'BatchNorm1d', pass: 'forward' },
  { name: 'batchNormEval', layer: 'BatchNorm1d', pass: 'forward' },
  { name: 'batchNormBackward', layer: 'BatchNorm1d', pass: 'backward' },
  { name: 'layerNormForward', layer: 'LayerNorm', pass: 'forward' },
  { name: 'layerNormBackward', layer: 'LayerNorm', pass: 'backward' },
  { name: 'dropoutForward', layer: 'Dropout', pass: 'forward' },
  { name: 'dropoutBackward', layer: 'Dropout', pass: 'backward' },
] as const;

export type NormEntry = (typeof NORM_KERNELS)[number];
export type NormKernelName = NormEntry['name'];
