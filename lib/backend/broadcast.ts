// NumPy broadcasting for the elementwise family's binary and comparison
// kernels: from two operand shapes, the output shape and the loop nest the
// kernels run (native/kernels/ew_broadcast.cc and its reference twin), with
// size-1 axes dropped and adjacent axes merged wherever both operands are
// contiguous (or both broadcast) across them, so [M,N]+[N] becomes one row
// loop and [M,N]+[M,N] one flat loop.
import { EW_MAX_RANK } from './families/elementwise.js';

export interface Broadcast {
  /** The output's shape (NumPy's rule). */
  outShape: number[];
  /**
   * undefined when the flat form does it (each operand out's length or a
   * single value); else [rank, dims..., a strides..., b strides...].
   */
  plan: Float64Array | undefined;
}

/** The output shape of broadcasting a with b, or undefined when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const r = Math.max(a.length, b.length);
  const out = new Array<number>(r);
  for (let k = 0; k < r; k++) {
    const da = a[a.length - r + k] ?? 1;
    const db = b[b.length - r + k] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out[k] = da === 1 ? db : da;
  }
  return out;
}

function strides(shape: readonly number[], r: number, out: readonly number[]): number[] {
  const s = new Array<number>(r).fill(0);
  let step = 1;
  for (let k = r - 1; k >= 0; k--) {
    const d = shape[shape.length - r + k] ?? 1;
    s[k] = d === 1 && out[k] !== 1 ? 0 : step;
    step *= d;
  }
  return s;
}

/**
 * The loop nest for a OP b, or undefined when the shapes do not broadcast or
 * more than EW_MAX_RANK axes remain after collapsing (the caller then uses
 * another implementation: tfjs's cpu kernel).
 */
export function broadcastPlan(a: readonly number[], b: readonly number[]): Broadcast | undefined {
  const outShape = broadcastShape(a, b);
  if (!outShape) return undefined;
  const r = outShape.length;
  const sa = strides(a, r, outShape);
  const sb = strides(b, r, outShape);
  // Keep axes longer than 1, merging an axis into the one inside it when
  // both operands step across the pair as across one axis.
  const dims: number[] = [];
  const ka: number[] = [];
  const kb: number[] = [];
  for (let k = 0; k < r; k++) {
    const d = outShape[k]!;
    if (d === 0) return { outShape, plan: undefined };
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && ka[last] === sa[k]! * d && kb[last] === sb[k]! * d) {
      dims[last] = dims[last]! * d;
      ka[last] = sa[k]!;
      kb[last] = sb[k]!;
    } else {
      dims.push(d);
      ka.push(sa[k]!);
      kb.push(sb[k]!);
    }
  }
  if (dims.length === 0) return { outShape, plan: undefined };
  if (dims.length === 1 && (ka[0]! === 1 || kb[0]! === 1)) return { outShape, plan: undefined };
  if (dims.length > EW_MAX_RANK) return undefined;
  const plan = new Float64Array(1 + 3 * dims.length);
  plan[0] = dims.length;
  plan.set(dims, 1);
  plan.set(ka, 1 + dims.length);
  plan.set(kb, 1 + 2 * dims.length);
  return { outShape, plan };
}
