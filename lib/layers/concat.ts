// Concat(branches): the input split that lets a Sequential take a row mixing
// categorical and numeric columns. Each branch names input columns and
// either an Embedding (those columns are category indices) or nothing (the
// columns pass through unchanged); the output is the branches' outputs side
// by side, in branch order:
//
//   new Concat([{ columns: [0], layer: new Embedding(7, 3) }, { columns: [1, 2, 3] }])
//   // x [batch, 4] → [batch, 3 + 3]: column 0's embedding, then columns 1..3
//
// The model graph stays a chain: Concat is one layer (usually the first),
// and its Embeddings are its children. Their parameters are named
// `<branch>.weight` inside it ("0.0.weight" in a model whose layer 0 is the
// Concat), as a PyTorch module holding the branches in an nn.ModuleList
// names them. The input width is one more than the largest column (or
// options.inFeatures, to leave trailing columns unused); a column may feed
// several branches, and dL/dx of a passed-through column is the sum over
// the branches that read it (zero for index columns and unused ones).
import { checkInteger, checkObject, rangeError, typeError } from '../errors.js';
import type { Parameter } from '../parameter.js';
import type { RawBackend } from '../backend/index.js';
import type { Rng } from '../random.js';
import { Tensor } from '../tensor.js';
import { Embedding } from './embedding.js';
import { BatchBuffer, Layer, layerFromJSON, registerLayer, type LayerJSON, type ParamSpec } from './layer.js';

export interface ConcatBranch {
  /** Input columns this branch reads, in order (integers ≥ 0). */
  columns: readonly number[];
  /** An Embedding over these columns' indices; none (the default): the columns pass through. */
  layer?: Embedding | null;
}

export interface ConcatOptions {
  /** The input width (default: the largest column + 1). */
  inFeatures?: number;
}

interface Branch {
  readonly columns: readonly number[];
  readonly layer: Embedding | null;
  /** Offset of this branch's output in the Concat's output. */
  readonly offset: number;
  readonly width: number;
  readonly xBuf: BatchBuffer;
  readonly dyBuf: BatchBuffer;
}

export class Concat extends Layer {
  readonly className = 'Concat';
  private readonly list: readonly Branch[];

  constructor(branches: readonly ConcatBranch[], options: ConcatOptions = {}) {
    super();
    const fn = 'Concat';
    if (!Array.isArray(branches)) throw typeError(fn, 'branches', 'an array of { columns, layer? }', branches);
    if (branches.length === 0) throw rangeError(fn, 'branches', 'a non-empty array', 'an empty array');
    checkObject(fn, 'options', options);
    let maxColumn = -1;
    let offset = 0;
    const seen = new Set<Layer>();
    const list: Branch[] = branches.map((b, k) => {
      checkObject(fn, `branches[${k}]`, b, 'an object { columns, layer? }');
      const { columns, layer = null } = b as ConcatBranch;
      if (!Array.isArray(columns)) throw typeError(fn, `branches[${k}].columns`, 'an array of column indices', columns);
      if (columns.length === 0) throw rangeError(fn, `branches[${k}].columns`, 'a non-empty array', 'an empty array');
      columns.forEach((c, i) => {
        checkInteger(fn, `branches[${k}].columns[${i}]`, c, 0);
        maxColumn = Math.max(maxColumn, c);
      });
      if (layer !== null) {
        if (!(layer instanceof Embedding)) throw typeError(fn, `branches[${k}].layer`, 'an Embedding or null', layer);
        if (layer.isBuilt) throw rangeError(fn, `branches[${k}].layer`, 'a layer not already part of a model', 'a built Embedding');
        if (seen.has(layer)) throw rangeError(fn, `branches[${k}].layer`, 'a layer not already in this Concat', 'the same layer as an earlier branch');
        seen.add(layer);
      }
      const width = layer === null ? columns.length : columns.length * layer.dim;
      const branch = { columns: Object.freeze([...columns]), layer, offset, width, xBuf: new BatchBuffer(), dyBuf: new BatchBuffer() };
      offset += width;
      return branch;
    });
    const inF = options.inFeatures ?? maxColumn + 1;
    if (options.inFeatures !== undefined) {
      checkInteger(fn, 'options.inFeatures', options.inFeatures, 1);
      if (options.inFeatures <= maxColumn) throw rangeError(fn, 'options.inFeatures', `more than the largest column (${maxColumn})`, options.inFeatures);
    }
    this.list = list;
    this.inF = inF;
    this.outF = offset;
  }

  static fromConfig(c: Record<string, unknown>): Concat {
    const branches = c.branches;
    if (!Array.isArray(branches)) throw typeError('Concat.fromConfig', 'config.branches', 'an array', branches);
    return new Concat(
      branches.map((b: { columns: number[]; layer: LayerJSON | null }) => ({ columns: b?.columns, layer: b?.layer ? (layerFromJSON(b.layer) as Embedding) : null })),
      { inFeatures: c.inFeatures as number | undefined },
    );
  }

  /** The branches: their columns and Embedding (null: passed through). */
  get branches(): readonly { columns: readonly number[]; layer: Embedding | null }[] {
    return this.list.map((b) => ({ columns: b.columns, layer: b.layer }));
  }

  config(): Record<string, unknown> {
    return { inFeatures: this.inF, branches: this.list.map((b) => ({ columns: [...b.columns], layer: b.layer ? b.layer.toJSON() : null })) };
  }

  expectedInFeatures(): number {
    return this.inF;
  }

  protected outFeaturesFor(): number {
    return this.outF;
  }

  describe(): string {
    const cols = (c: readonly number[]) => (c.length === 1 ? `[${c[0]}]` : `[${c.join(',')}]`);
    return `Concat(${this.list.map((b) => (b.layer ? `${b.layer.describe()}${cols(b.columns)}` : cols(b.columns))).join(', ')})`;
  }

  override build(inFeatures: number, raw: RawBackend, rng: Rng): void {
    super.build(inFeatures, raw, rng);
    // Embeddings draw nothing while training; they share this layer's stream.
    for (const b of this.list) b.layer?.build(b.columns.length, raw, rng);
  }

  override paramSpecs(): ParamSpec[] {
    const specs: ParamSpec[] = [];
    this.list.forEach((b, k) => {
      if (b.layer) for (const s of b.layer.paramSpecs()) specs.push({ ...s, name: `${k}.${s.name}` });
    });
    return specs;
  }

  override bind(params: readonly Parameter[]): void {
    super.bind(params);
    let at = 0;
    for (const b of this.list) {
      if (!b.layer) continue;
      const n = b.layer.paramSpecs().length;
      b.layer.bind(params.slice(at, at + n));
      at += n;
    }
  }

  override checkInput(fn: string, arg: string, x: Float32Array, rows: number, features: number): void {
    this.list.forEach((b, k) => b.layer?.checkIndices(fn, arg, x, rows, features, b.columns, ` for branch ${k}`));
  }

  forward(x: Tensor, training = true): Tensor {
    const rows = x.shape[0]!;
    const inF = this.inF;
    // Every index checked before any branch runs.
    this.checkInput('Concat.forward', 'x', x.data, rows, inF);
    const y = this.yBuf.get(rows, this.outF);
    const xs = x.data;
    const ys = y.data;
    const outF = this.outF;
    for (const b of this.list) {
      const { columns, offset } = b;
      const k = columns.length;
      if (b.layer === null) {
        for (let r = 0; r < rows; r++) for (let i = 0; i < k; i++) ys[r * outF + offset + i] = xs[r * inF + columns[i]!]!;
        continue;
      }
      const sub = b.xBuf.get(rows, k);
      for (let r = 0; r < rows; r++) for (let i = 0; i < k; i++) sub.data[r * k + i] = xs[r * inF + columns[i]!]!;
      const e = b.layer.forward(sub, training).data;
      const w = b.width;
      for (let r = 0; r < rows; r++) ys.set(e.subarray(r * w, (r + 1) * w), r * outF + offset);
    }
    this.rows = rows;
    return y;
  }

  backward(dy: Tensor): Tensor {
    this.backwardParams(dy);
    const rows = this.rows;
    const dx = this.dxBuf.get(rows, this.inF);
    const d = dx.data;
    d.fill(0);
    const ds = dy.data;
    const { inF, outF } = this;
    for (const b of this.list) {
      if (b.layer !== null) continue; // index columns: no gradient
      const { columns, offset } = b;
      for (let r = 0; r < rows; r++) for (let i = 0; i < columns.length; i++) d[r * inF + columns[i]!]! += ds[r * outF + offset + i]!;
    }
    return dx;
  }

  override backwardParams(dy: Tensor): void {
    const rows = this.rows;
    const ds = dy.data;
    const outF = this.outF;
    for (const b of this.list) {
      if (b.layer === null) continue;
      const w = b.width;
      const sub = b.dyBuf.get(rows, w);
      for (let r = 0; r < rows; r++) sub.data.set(ds.subarray(r * outF + b.offset, r * outF + b.offset + w), r * w);
      b.layer.backwardParams(sub);
    }
  }

  private rows = 0;
  private readonly yBuf = new BatchBuffer();
  private readonly dxBuf = new BatchBuffer();
}

registerLayer('Concat', Concat.fromConfig);
