// The losses family's one list (TypeScript side; the C++ twin is
// native/kernels/losses_list.h, whose kernel names the addon exports as
// `lossKernels`, held against KERNELS below by test/kernels/loss-list.test.ts).
// From it come the raw and checked kernel signatures and wrappers
// (lib/backend/losses.ts), the reference dispatch, the names `loss(name)`
// and compile accept and the Loss class's kernel call (lib/losses.ts), the
// fuzz specs, the arm64 checks and the bench workloads.
//
// Per entry (one loss):
//   name     the loss's name, and the name of its public kernel
//   kind     'elementwise': kernel(first, target, grad), mean over all elements;
//            'rows': kernel(logits, target, grad, n, classes), targets [n, classes]
//            (or integer labels [n] through `labels`), mean over the n rows
//   first    the name of the kernel's first argument (errors name it)
//   targets  'values' (any float) or 'probabilities' (each in [0, 1], checked)
//   labels   for 'rows': the raw kernel taking Int32Array class labels
export const LOSSES = [
  { name: 'mse', kind: 'elementwise', first: 'pred', targets: 'values' },
  { name: 'softmaxCrossEntropy', kind: 'rows', first: 'logits', targets: 'probabilities', labels: 'softmaxCrossEntropyLabels' },
  { name: 'binaryCrossEntropy', kind: 'elementwise', first: 'logits', targets: 'probabilities' },
] as const;

export type LossEntry = (typeof LOSSES)[number];
export type LossName = LossEntry['name'];
export type ElementwiseLossName = Extract<LossEntry, { kind: 'elementwise' }>['name'];
export type RowsLossEntry = Extract<LossEntry, { kind: 'rows' }>;
export type RowsLossName = RowsLossEntry['name'];
export type LabelsKernelName = RowsLossEntry['labels'];

/** Every loss by name. */
export const LOSS_NAMES: readonly LossName[] = Object.freeze(LOSSES.map((e) => e.name));

/**
 * The raw kernels in the C++ list's order: each loss's kernel, followed by
 * its labels kernel where it has one.
 */
export const LOSS_KERNELS: readonly string[] = Object.freeze(LOSSES.flatMap((e) => ('labels' in e ? [e.name, e.labels] : [e.name])));

/** The entry of `name`, or undefined. */
export function lossEntry(name: string): LossEntry | undefined {
  return LOSSES.find((e) => e.name === name);
}
