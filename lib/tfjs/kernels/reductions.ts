// Reductions of nodegrad's reductions family (lib/backend/families/reductions.ts)
// as tfjs kernels: Sum, Mean, Max, Min over a trailing block of axes (the
// last axis; all axes) or a leading block (axis 0), and ArgMax over the last
// axis or axis 0, on float32. Every other case (int32/bool, other axes,
// empty tensors, tensors below the size threshold) runs the cpu kernel.
//
// Numerics against tfjs-cpu: Max/Min/ArgMax give the same bits (the native
// kernels follow its NaN and first-wins rules); Sum over axis 0 adds in
// cpu's order (the same bits); Sum over the last axis adds 16 interleaved
// partial sums in double (reduce_body.inc), within float32 rounding of cpu's
// sequential double sum; Mean is fl32(Σx / n) where cpu sums fl32(x/n):
// within a few float32 ulp of each other.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { rawBackend } from '../../backend/index.js';
import type { NodegradBackend } from '../backend.js';
import type { NativeKernel } from '../native-kernel.js';
import { keepDimsShape, reducePlan, type ReducePlan } from './shapes.js';

/**
 * Below this many input elements the cpu kernel runs instead. Measured
 * (bench/tfjs/reductions.mjs, this machine): the native Sum of a [1, n]
 * tensor beats cpu's from n = 1 (cpu's Sum allocates an identity and a
 * zeros tensor; the native one a single output), so no threshold is needed
 * for the reductions; 0 keeps the knob visible.
 */
export const REDUCE_MIN_SIZE = 0;

type RowsCols = 'sumRows' | 'meanRows' | 'maxRows' | 'minRows' | 'sumCols' | 'meanCols' | 'maxCols' | 'minCols';

/** The float32 values and plan of a reduction the native kernels take, or null. */
function prepare(backend: NodegradBackend, x: TensorInfo | undefined, axis: unknown): { v: Float32Array; plan: ReducePlan } | null {
  if (!x) return null;
  const v = backend.f32(x);
  if (!v || v.length === 0 || v.length < REDUCE_MIN_SIZE) return null;
  const plan = reducePlan(x.shape, axis as number | number[] | null | undefined);
  return plan ? { v, plan } : null;
}

function reduction(kernelName: string, base: 'sum' | 'mean' | 'max' | 'min', axisAttr: 'axis' | 'reductionIndices'): NativeKernel {
  return {
    kernelName,
    run({ inputs, attrs, backend }) {
      const p = prepare(backend, inputs.x, attrs[axisAttr]);
      if (!p) return null;
      const { v, plan } = p;
      const y = new Float32Array(plan.over === 'rows' ? plan.rows : plan.cols);
      const k = `${base}${plan.over === 'rows' ? 'Rows' : 'Cols'}` as RowsCols;
      rawBackend('native')[k](v, y, plan.rows, plan.cols);
      return backend.output(outShape(inputs.x!.shape, plan, attrs), 'float32', y);
    },
  };
}

function outShape(shape: readonly number[], plan: ReducePlan, attrs: NamedAttrMap): number[] {
  return attrs.keepDims ? keepDimsShape(shape, plan.axes) : plan.outShape;
}

const argMax: NativeKernel = {
  kernelName: 'ArgMax',
  run({ inputs, attrs, backend }) {
    // tfjs's ArgMax takes one axis (the first, if given a list).
    const axis = Array.isArray(attrs.axis) ? attrs.axis.slice(0, 1) : attrs.axis;
    const p = prepare(backend, inputs.x, axis);
    if (!p) return null;
    const { v, plan } = p;
    const y = new Int32Array(plan.over === 'rows' ? plan.rows : plan.cols);
    rawBackend('native')[plan.over === 'rows' ? 'argMaxRows' : 'argMaxCols'](v, y, plan.rows, plan.cols);
    return backend.output(plan.outShape, 'int32', y);
  },
};

export const reductionKernels: readonly NativeKernel[] = [
  reduction('Sum', 'sum', 'axis'),
  reduction('Mean', 'mean', 'axis'),
  reduction('Max', 'max', 'reductionIndices'),
  reduction('Min', 'min', 'axis'),
  argMax,
];
