// BatchMatMul and _FusedMatMul on nodegrad's GEMM (lib/backend/gemm.ts).
//
// Taken natively: float32 a and b of rank >= 2, every transposeA/transposeB,
// batch dims equal or one side's batch of size 1 (broadcast). Everything else
// (int32, complex, a general batch broadcast such as [2,1] x [1,3], shapes
// that do not match) returns null: the cpu kernel runs and raises tfjs's own
// errors.
//
// _FusedMatMul: the bias is fused into denseForward's epilogue when it is a
// row ([N], [1,N], ...: one value per output column) or a scalar, and no
// operand is transposed; with a transpose or another bias shape ([M,1], a
// full [M,N], a batched bias) the GEMM runs alone and the bias is added
// afterwards, element by element in float32 as tfjs's Add does. The
// activation: linear/relu/elu/leakyrelu/sigmoid in the epilogue (or the
// native activation kernel in place after a plain GEMM); relu6 as relu then a
// clamp at 6; prelu as the native prelu kernel, its weights broadcast to the
// output when they are not a trailing tile of it.
import { broadcast_util, util } from '@tensorflow/tfjs-core';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { rawBackend } from '../../backend/index.js';
import { FusedActivation } from '../../backend/gemm.js';
import type { NodegradBackend } from '../backend.js';
import type { NativeKernel } from '../native-kernel.js';

/** One batched matmul, as the native GEMM calls it. */
interface Plan {
  a: Float32Array;
  b: Float32Array;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  /** Output batch count; aStride/bStride are 0 for a broadcast side. */
  batch: number;
  aStride: number;
  bStride: number;
  outShape: number[];
}

function plan(backend: NodegradBackend, ta: TensorInfo | undefined, tb: TensorInfo | undefined, attrs: NamedAttrMap): Plan | null {
  if (!ta || !tb) return null;
  const a = backend.f32(ta);
  const b = backend.f32(tb);
  if (!a || !b) return null;
  const transA = attrs.transposeA === true;
  const transB = attrs.transposeB === true;
  const ra = ta.shape.length;
  const rb = tb.shape.length;
  if (ra < 2 || rb < 2) return null;
  const m = transA ? ta.shape[ra - 1]! : ta.shape[ra - 2]!;
  const kA = transA ? ta.shape[ra - 2]! : ta.shape[ra - 1]!;
  const kB = transB ? tb.shape[rb - 1]! : tb.shape[rb - 2]!;
  const n = transB ? tb.shape[rb - 2]! : tb.shape[rb - 1]!;
  if (kA !== kB) return null;
  const batchShapeA = ta.shape.slice(0, -2);
  const batchShapeB = tb.shape.slice(0, -2);
  const batchA = util.sizeFromShape(batchShapeA);
  const batchB = util.sizeFromShape(batchShapeB);
  let outBatch: number[];
  try {
    outBatch = broadcast_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB);
  } catch {
    return null; // incompatible batch dims: the cpu kernel's error
  }
  const batch = util.sizeFromShape(outBatch);
  // Equal batches, or one side broadcast whole; a partial broadcast
  // ([2,1] x [1,3]) goes to the cpu kernel.
  if (!(batchA === batch && batchB === batch) && !(batchA === 1 && batchB === batch) && !(batchB === 1 && batchA === batch)) return null;
  if (a.length !== batchA * m * kA || b.length !== batchB * kA * n) return null;
  return {
    a,
    b,
    m,
    n,
    k: kA,
    transA,
    transB,
    batch,
    aStride: batchA === 1 ? 0 : m * kA,
    bStride: batchB === 1 ? 0 : kA * n,
    outShape: [...outBatch, m, n],
  };
}

/** C = op(A)·op(B) for every batch into `out` (plain GEMM, no epilogue). */
function runGemm(p: Plan, out: Float32Array): void {
  const raw = rawBackend('native');
  const { m, n, k } = p;
  if (p.batch > 1 && p.bStride === 0 && !p.transA) {
    // A's batches are consecutive row blocks: one GEMM of batch·m rows.
    raw.gemm(p.a, p.b, out, p.batch * m, n, k, false, p.transB, 1, 0);
    return;
  }
  for (let i = 0; i < p.batch; i++) {
    raw.gemm(
      p.a.subarray(i * p.aStride, i * p.aStride + m * k),
      p.b.subarray(i * p.bStride, i * p.bStride + k * n),
      out.subarray(i * m * n, (i + 1) * m * n),
      m,
      n,
      k,
      p.transA,
      p.transB,
      1,
      0,
    );
  }
}

/** `shape` without its leading 1s. */
function squeezeLeading(shape: readonly number[]): number[] {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  return shape.slice(i);
}

/**
 * `values` (of `shape`) broadcast to `outShape` (which it broadcasts to), as
 * a new array; the values themselves are copied, not rounded.
 */
function broadcastTo(values: Float32Array, shape: readonly number[], outShape: readonly number[]): Float32Array {
  const size = util.sizeFromShape(outShape as number[]);
  const out = new Float32Array(size);
  const rank = outShape.length;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  // Strides of `values` per output dim, 0 where it is broadcast.
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : s;
    s *= padded[d]!;
  }
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < size; i++) {
    out[i] = values[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      src -= strides[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * A per-element operand (bias, prelu weights) of `shape` against an output of
 * `outShape`: as one trailing tile that repeats along the output (the common
 * [N], [1,N], scalar forms: no copy), or broadcast to the output's full size.
 * null when it does not broadcast to exactly outShape (the cpu kernel then
 * decides).
 */
function tileOrBroadcast(values: Float32Array, shape: readonly number[], outShape: readonly number[]): Float32Array | null {
  let bs: number[];
  try {
    bs = broadcast_util.assertAndGetBroadcastShape(outShape as number[], shape as number[]);
  } catch {
    return null;
  }
  if (!util.arraysEqual(bs, outShape as number[])) return null;
  const core = squeezeLeading(shape);
  if (util.arraysEqual(core, outShape.slice(outShape.length - core.length))) return values;
  return broadcastTo(values, shape, outShape);
}

/** tfjs's fused activations (backend_util.Activation), every one taken here. */
const TFJS_ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'] as const;
type TfjsActivation = (typeof TFJS_ACTIVATIONS)[number];

/** The activation attr as one this kernel takes, or null (the cpu kernel decides, and errs). */
function activationOf(attrs: NamedAttrMap): TfjsActivation | null {
  const a = attrs.activation ?? 'linear';
  return (TFJS_ACTIVATIONS as readonly unknown[]).includes(a) ? (a as TfjsActivation) : null;
}

/** The epilogue id denseForward fuses for `act` (relu6 fuses its relu; prelu none). */
function fusedId(act: TfjsActivation): FusedActivation {
  switch (act) {
    case 'relu':
    case 'relu6':
      return FusedActivation.relu;
    case 'elu':
      return FusedActivation.elu;
    case 'leakyrelu':
      return FusedActivation.leakyRelu;
    case 'sigmoid':
      return FusedActivation.sigmoid;
    default:
      return FusedActivation.none;
  }
}

/** relu6's upper clamp, after its relu ran natively (min(x, 6); NaN stays NaN, as tfjs's Relu6). */
function clampAt6(y: Float32Array): void {
  for (let i = 0; i < y.length; i++) if (y[i]! > 6) y[i] = 6;
}

const batchMatMul: NativeKernel = {
  kernelName: 'BatchMatMul',
  takes: 'float32, every transpose, batch dims equal or one side broadcast whole',
  run({ inputs, attrs, backend }) {
    const p = plan(backend, inputs.a, inputs.b, attrs);
    if (!p) return null;
    const out = new Float32Array(p.batch * p.m * p.n);
    runGemm(p, out);
    return backend.output(p.outShape, 'float32', out);
  },
};

const fusedMatMul: NativeKernel = {
  kernelName: '_FusedMatMul',
  takes: 'as BatchMatMul; every bias shape; linear, relu, relu6, elu, leakyrelu, prelu, sigmoid',
  run({ inputs, attrs, backend }) {
    const p = plan(backend, inputs.a, inputs.b, attrs);
    const act = activationOf(attrs);
    if (!p || !act) return null;
    const raw = rawBackend('native');
    const { m, n, k, outShape } = p;
    const size = p.batch * m * n;

    let bias: Float32Array | null = null;
    if (inputs.bias) {
      const bv = backend.f32(inputs.bias);
      if (!bv) return null;
      bias = tileOrBroadcast(bv, inputs.bias.shape, outShape);
      if (!bias) return null;
    }
    let alpha = 0;
    if (act === 'leakyrelu') {
      alpha = attrs.leakyreluAlpha as number;
      if (typeof alpha !== 'number' || !Number.isFinite(alpha)) return null;
    } else if (act === 'elu') {
      alpha = 1; // tfjs's elu has α = 1
    }
    let preluAlpha: Float32Array | null = null;
    if (act === 'prelu') {
      const w = inputs.preluActivationWeights;
      const wv = w && backend.f32(w);
      if (!w || !wv || wv.length === 0) return null;
      preluAlpha = tileOrBroadcast(wv, w.shape, outShape);
      if (!preluAlpha) return null;
    }

    const out = new Float32Array(size);
    // A bias that is one row (length n, or 1 expanded to n) fuses into
    // denseForward's epilogue; denseForward takes no transposes.
    const rowBias = bias === null ? null : bias.length === n ? bias : bias.length === 1 ? new Float32Array(n).fill(bias[0]!) : undefined;
    if (!p.transA && !p.transB && rowBias !== undefined) {
      const id = fusedId(act);
      const a32 = Math.fround(alpha);
      if (p.batch > 1 && p.bStride === 0) {
        raw.denseForward(p.a, p.b, rowBias, out, p.batch * m, n, k, id, a32);
      } else {
        for (let i = 0; i < p.batch; i++) {
          raw.denseForward(
            p.a.subarray(i * p.aStride, i * p.aStride + m * k),
            p.b.subarray(i * p.bStride, i * p.bStride + k * n),
            rowBias,
            out.subarray(i * m * n, (i + 1) * m * n),
            m,
            n,
            k,
            id,
            a32,
          );
        }
      }
    } else {
      runGemm(p, out);
      if (bias) {
        // Rounded once per element in float32, as tfjs's Add (a + b of two
        // float32 values rounds the same in float64 then float32).
        const f = bias.length;
        for (let i = 0; i < size; i++) out[i] = out[i]! + bias[i % f]!;
      }
      // Elementwise activations may write over their input (DESIGN.md, aliasing).
      if (act === 'relu' || act === 'relu6') raw.relu(out, out);
      else if (act === 'elu') raw.elu(out, out, 1);
      else if (act === 'leakyrelu') raw.leakyRelu(out, out, Math.fround(alpha));
      else if (act === 'sigmoid') raw.sigmoid(out, out);
    }
    if (act === 'relu6') clampAt6(out);
    if (preluAlpha && size > 0) raw.prelu(out, preluAlpha, out);
    return backend.output(outShape, 'float32', out);
  },
};

export const matmulKernels: readonly NativeKernel[] = [batchMatMul, fusedMatMul];
