// The gemm kernels' contract: the unchecked form both backends implement
// (RawGemm) and the checked public form (GemmKernels). Filled in by the gemm work.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RawGemm {}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GemmKernels {}

export function checkedGemm(_raw: RawGemm): GemmKernels {
  return {};
}
