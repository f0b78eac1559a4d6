// A float64 forward pass of a Sequential written from the formulas (not
// from lib/): every layer nodegrad has, GELU (erf and tanh forms) and SiLU
// included, reading the architecture from each layer's className and
// config() and the parameters from the model's arena in parameters() order.
import type { Sequential } from '../../lib/index.js';

/** erf in float64 to ~1e-15: its Maclaurin series below 2.5, 1 − erfc by a continued fraction above. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) {
    // 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!·(2n+1)); the largest term at 2.5 is ~16, so cancellation costs ≲ 2e-15.
    let term = a;
    let sum = a;
    for (let n = 1; n < 100; n++) {
      term *= (-a * a) / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(a) = e^(−a²)/√π · 1/K, K = a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …)))), evaluated from the tail.
  let k = a;
  for (let n = 80; n >= 1; n--) k = a + n / 2 / k;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / k;
  return Math.sign(x) * (1 - erfc);
}

function act(name: string, c: Record<string, unknown>, v: number): number {
  switch (name) {
    case 'relu':
      return Math.max(v, 0);
    case 'leakyRelu':
      return v > 0 ? v : (c.alpha as number) * v;
    case 'elu':
      return v > 0 ? v : (c.alpha as number) * Math.expm1(v);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'tanh':
      return Math.tanh(v);
    case 'gelu':
      return c.approximate === 'tanh' ? 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))) : 0.5 * v * (1 + erf(v / Math.SQRT2));
    case 'silu':
      return v / (1 + Math.exp(-v));
    default:
      throw new Error(`f64 oracle: no activation ${name}`);
  }
}

const LAYER_ACTIVATION: Record<string, string> = { ReLU: 'relu', LeakyReLU: 'leakyRelu', ELU: 'elu', Sigmoid: 'sigmoid', Tanh: 'tanh', GELU: 'gelu', SiLU: 'silu' };

/** y = model(x) in float64, from float32 inputs and weights. */
export function f64Forward(model: Sequential, x: Float32Array, batch: number, observe?: (layer: number, input: Float64Array, features: number) => void): Float64Array {
  const theta = Float64Array.from(model.values);
  let offset = 0;
  const take = (n: number): Float64Array => theta.subarray(offset, (offset += n));
  // Buffers (BatchNorm1d's running statistics) in layer order, as parameters are.
  const buffers = Float64Array.from(model.bufferValues);
  let bOffset = 0;
  const takeBuffer = (n: number): Float64Array => buffers.subarray(bOffset, (bOffset += n));
  let h = Float64Array.from(x);
  let features = model.inputFeatures;
  for (const [index, layer] of model.layers.entries()) {
    observe?.(index, h, features);
    const c = layer.config();
    if (layer.className === 'Dense') {
      const inF = c.inFeatures as number;
      const outF = c.outFeatures as number;
      const w = take(inF * outF);
      const b = c.bias ? take(outF) : undefined;
      const z = new Float64Array(batch * outF);
      for (let i = 0; i < batch; i++) {
        for (let j = 0; j < outF; j++) {
          let s = b ? b[j]! : 0;
          for (let p = 0; p < inF; p++) s += h[i * inF + p]! * w[p * outF + j]!;
          z[i * outF + j] = c.activation ? act(c.activation as string, c, s) : s;
        }
      }
      h = z;
      features = outF;
    } else if (layer.className === 'Dropout') {
      // The identity at inference (predict runs with training = false).
    } else if (layer.className === 'Standardize') {
      const mean = c.mean as number[];
      const std = c.std as number[];
      h = h.map((v, i) => (v - mean[i % features]!) / std[i % features]!);
    } else if (layer.className === 'BatchNorm1d') {
      // Inference: (x − running_mean)/√(running_var + ε)·w + b; without running
      // statistics the batch's own mean and biased variance, per feature.
      const f = c.features as number;
      const w = c.affine ? take(f) : undefined;
      const b = c.affine ? take(f) : undefined;
      let mean: Float64Array;
      let variance: Float64Array;
      if (c.trackRunningStats) {
        mean = takeBuffer(f);
        variance = takeBuffer(f);
        takeBuffer(1); // num_batches_tracked
      } else {
        mean = new Float64Array(f);
        variance = new Float64Array(f);
        for (let i = 0; i < batch; i++) for (let j = 0; j < f; j++) mean[j]! += h[i * f + j]! / batch;
        for (let i = 0; i < batch; i++) for (let j = 0; j < f; j++) variance[j]! += (h[i * f + j]! - mean[j]!) ** 2 / batch;
      }
      h = h.map((v, i) => {
        const j = i % f;
        const n = (v - mean[j]!) / Math.sqrt(variance[j]! + (c.eps as number));
        return w ? n * w[j]! + b![j]! : n;
      });
    } else if (layer.className === 'LayerNorm') {
      // Each row over its features: mean, biased variance, then w and b per feature.
      const f = c.features as number;
      const w = c.elementwiseAffine ? take(f) : undefined;
      const b = c.elementwiseAffine ? take(f) : undefined;
      const out = new Float64Array(h.length);
      for (let i = 0; i < batch; i++) {
        const row = h.subarray(i * f, (i + 1) * f);
        const mean = row.reduce((a, v) => a + v, 0) / f;
        const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / f;
        for (let j = 0; j < f; j++) {
          const n = (row[j]! - mean) / Math.sqrt(variance + (c.eps as number));
          out[i * f + j] = w ? n * w[j]! + b![j]! : n;
        }
      }
      h = out;
    } else if (layer.className === 'Embedding') {
      // Row r's k indices, each replaced by its table row: [batch, k·dim].
      const dim = c.dim as number;
      const table = take((c.numEmbeddings as number) * dim);
      const out = new Float64Array(h.length * dim);
      for (let i = 0; i < h.length; i++) out.set(table.subarray(h[i]! * dim, (h[i]! + 1) * dim), i * dim);
      h = out;
      features *= dim;
    } else if (layer.className === 'Concat') {
      // Each branch's columns, looked up when it has a table, side by side.
      const branches = c.branches as { columns: number[]; layer: { config: { numEmbeddings: number; dim: number } } | null }[];
      const tables = branches.map((b) => (b.layer ? take(b.layer.config.numEmbeddings * b.layer.config.dim) : null));
      const widths = branches.map((b) => b.columns.length * (b.layer ? b.layer.config.dim : 1));
      const outF = widths.reduce((a, w) => a + w, 0);
      const out = new Float64Array(batch * outF);
      for (let r = 0; r < batch; r++) {
        let o = r * outF;
        branches.forEach((b, j) => {
          for (const col of b.columns) {
            const v = h[r * features + col]!;
            if (b.layer) {
              const dim = b.layer.config.dim;
              out.set(tables[j]!.subarray(v * dim, (v + 1) * dim), o);
              o += dim;
            } else {
              out[o++] = v;
            }
          }
        });
      }
      h = out;
      features = outF;
    } else if (layer.className === 'PReLU') {
      const a = take(c.perFeature ? features : 1);
      h = h.map((v, i) => (v > 0 ? v : a[a.length === 1 ? 0 : i % features]! * v));
    } else if (LAYER_ACTIVATION[layer.className]) {
      const name = LAYER_ACTIVATION[layer.className]!;
      h = h.map((v) => act(name, c, v));
    } else {
      throw new Error(`f64 oracle: no float64 twin for ${layer.className}`);
    }
  }
  return h;
}
