// The optim kernels' contract: the unchecked form both backends implement
// (RawOptim) and the checked public form (OptimKernels). Filled in by the optim work.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RawOptim {}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OptimKernels {}

export function checkedOptim(_raw: RawOptim): OptimKernels {
  return {};
}
