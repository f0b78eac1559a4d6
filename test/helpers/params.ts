// Parameters built by hand the way a model lays them out: every value a view
// into one flat Float32Array arena, every gradient a view into another.
import type { Parameter } from '../../lib/parameter.js';
import { Rng } from '../../lib/random.js';
import { Tensor, sizeOf, type Shape } from '../../lib/tensor.js';

export interface Arenas {
  params: Parameter[];
  values: Float32Array;
  grads: Float32Array;
}

export function arenaParams(shapes: readonly Shape[], seed = 1): Arenas {
  const sizes = shapes.map((s) => sizeOf(s));
  const total = sizes.reduce((a, b) => a + b, 0);
  const values = new Float32Array(total);
  const grads = new Float32Array(total);
  const rng = new Rng(seed);
  for (let i = 0; i < total; i++) values[i] = 0.5 * rng.normal();
  let at = 0;
  const params = shapes.map((shape, i) => {
    const n = sizes[i]!;
    const p: Parameter = {
      name: `p${i}`,
      value: new Tensor(values.subarray(at, at + n), shape),
      grad: new Tensor(grads.subarray(at, at + n), shape),
    };
    at += n;
    return p;
  });
  return { params, values, grads };
}

/** The same layout with a copy of the values (a model restored from a checkpoint). */
export function cloneArenas(a: Arenas): Arenas {
  const b = arenaParams(a.params.map((p) => p.value.shape));
  b.values.set(a.values);
  b.grads.set(a.grads);
  return b;
}

/**
 * A small linear-regression problem: params [w (shape [d]), ..., b (shape [1])]
 * (parameters in between, e.g. a zero-size one, get no gradient); loss = mean over samples of (x·w + b − y)², gradient written by hand.
 */
export class LinearRegression {
  readonly x: Float64Array;
  readonly y: Float64Array;
  constructor(readonly n: number, readonly d: number, seed = 7) {
    const rng = new Rng(seed);
    this.x = new Float64Array(n * d).map(() => rng.normal());
    const wTrue = Array.from({ length: d }, (_, j) => (j % 3) - 1 + 0.5);
    this.y = new Float64Array(n).map((_, i) => {
      let s = 0.3;
      for (let j = 0; j < d; j++) s += this.x[i * d + j]! * wTrue[j]!;
      return s + 0.01 * rng.normal();
    });
  }

  /** Loss at the current values; writes d loss / d param into the grads. */
  lossAndGrad(a: Arenas): number {
    const { n, d, x, y } = this;
    const w = a.params[0]!.value.data;
    const b = a.params[a.params.length - 1]!.value.data;
    const gw = a.params[0]!.grad.data;
    const gb = a.params[a.params.length - 1]!.grad.data;
    const accW = new Float64Array(d);
    let accB = 0;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let pred = b[0]!;
      for (let j = 0; j < d; j++) pred += x[i * d + j]! * w[j]!;
      const r = pred - y[i]!;
      loss += r * r;
      for (let j = 0; j < d; j++) accW[j]! += (2 * r * x[i * d + j]!) / n;
      accB += (2 * r) / n;
    }
    gw.set(accW);
    gb[0] = accB;
    return loss / n;
  }
}
