// The optimizer step kernels as one list (TypeScript side): each public step
// kernel, the raw kernel it maps onto, the state arrays it updates and the
// smallest options it runs with. The bench's optimizer cases are derived from
// it (bench/workloads/optim.mjs); test/kernels/optim-list.test.ts holds it
// against the checked backend's step kernels and the raw ones of both backends.
// The per-formula tolerances of the fuzz specs and arm64 checks stay with
// their formulas (test/fuzz/specs/optim.ts, scripts/arm64/checks/optim.mjs);
// both fail on a kernel without one.
//
// Per entry:
//   name     the public (checked) kernel: name(param, grad, ...state, options)
//   raw      the raw kernel: raw(param, grad, ...state, scalars) (AdaGrad and
//            RMSProp share rmsStep)
//   state    the state arrays after grad, in argument order
//   example  options it runs with (the bench's; `step` advances per call where the kernel takes one)
export const OPTIM_STEPS = [
  { name: 'sgdStep', raw: 'sgdStep', state: [], example: { lr: 1e-3 } },
  { name: 'momentumStep', raw: 'momentumStep', state: ['m'], example: { lr: 1e-3, beta: 0.9 } },
  { name: 'adagradStep', raw: 'rmsStep', state: ['v'], example: { lr: 1e-3 } },
  { name: 'rmspropStep', raw: 'rmsStep', state: ['v'], example: { lr: 1e-3, beta: 0.9 } },
  { name: 'adamStep', raw: 'adamStep', state: ['m', 'v'], example: { lr: 1e-3, step: 1 } },
] as const;

export type OptimStepEntry = (typeof OPTIM_STEPS)[number];
export type OptimStepName = OptimStepEntry['name'];
