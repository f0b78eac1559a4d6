// The losses kernels' contract: the unchecked form both backends implement
// (RawLosses) and the checked public form (LossesKernels). Filled in by the losses work.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RawLosses {}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LossesKernels {}

export function checkedLosses(_raw: RawLosses): LossesKernels {
  return {};
}
