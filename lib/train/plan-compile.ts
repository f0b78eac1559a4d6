// Compiles a Sequential (its layers, the loss, the metrics and the
// optimizer) into a native training plan (native/plan): one description of
// buffer pointers, shapes and kernel choices, built once per fit. Every
// buffer is a JS-owned typed array (the model's arenas, the optimizer's state
// arenas, and one arena of activation buffers allocated here); the native
// side never allocates memory JavaScript sees.
//
// A model the plan cannot run (a layer class it does not know, including a
// subclass of a known one, another backend, an optimizer not built on
// nodegrad's Optimizer) gets a reason instead, and fit falls back to the
// step-by-step path.
import { fusedActivationId } from '../backend/families/activations.js';
import { loadNative, type NativeAddon } from '../backend/native.js';
import { rangeError } from '../errors.js';
import { BatchNorm1d } from '../layers/batch-norm.js';
import { Concat } from '../layers/concat.js';
import { Dense } from '../layers/dense.js';
import { Embedding } from '../layers/embedding.js';
import { Dropout } from '../layers/dropout.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { ELU, LeakyReLU, ReLU, Sigmoid, Tanh } from '../activation-layers.js';
import type { Layer } from '../layers/layer.js';
import { PReLU } from '../layers/prelu.js';
import type { Rng } from '../random.js';
// Type only: lib/model imports this file (predictAsync), a value import would be a cycle.
import type { Sequential } from '../model/sequential.js';
import type { Metric } from './metrics.js';
import { PlanOptimizer, SCALAR_STRIDE } from './plan-optim.js';
import type { LossName } from './types.js';

/** The native entry points of the plan (native/binding/plan.cc). */
export interface PlanAddon {
  planCreate(desc: object, pins: readonly ArrayBufferView[]): object;
  planChunk(...args: unknown[]): void;
  planChunkAsync(...args: unknown[]): Promise<void>;
  planForward(...args: unknown[]): void;
  planForwardAsync(...args: unknown[]): Promise<void>;
}

export function planAddon(): (NativeAddon & PlanAddon) | undefined {
  const a = loadNative() as NativeAddon & Partial<PlanAddon>;
  return typeof a.planCreate === 'function' ? (a as NativeAddon & PlanAddon) : undefined;
}

const LOSS_CODE: Record<LossName, number> = { mse: 0, softmaxCrossEntropy: 1, binaryCrossEntropy: 2 };

/** Metric codes of native/plan/plan.h, for the metrics createMetrics builds. */
function metricCode(m: Metric, loss: LossName): number | undefined {
  if (m.name === 'mae') return 3;
  if (m.per === 'row') return 0;
  if (m.name === 'binaryAccuracy' || m.name === 'accuracy') return loss === 'binaryCrossEntropy' ? 1 : 2;
  return undefined;
}

interface LayerDesc {
  op: number;
  in: number;
  out: number;
  act: number;
  fused: boolean;
  alpha: number;
  alphaCount: number;
  w: Float32Array | null;
  b: Float32Array | null;
  dw: Float32Array | null;
  db: Float32Array | null;
  scratch: Float32Array | null;
  y: Float32Array;
  z: Float32Array | null;
  dz: Float32Array | null;
  dx: Float32Array | null;
  // BatchNorm1d, LayerNorm (native/plan/plan.h Layer).
  eps: number;
  momentum: number;
  xhat: Float32Array | null;
  rstd: Float64Array | null;
  runningMean: Float32Array | null;
  runningVar: Float32Array | null;
  tracked: Float32Array | null;
  // Dropout.
  p: number;
  mask: Float32Array | null;
  state: Uint32Array | null;
  // Embedding (w, dw: the table and its gradient).
  numEmbeddings: number;
  dim: number;
  // Concat: its branches (numEmbeddings 0: the columns pass through).
  branches: { columns: number[]; numEmbeddings: number; dim: number; w: Float32Array | null; dw: Float32Array | null }[] | null;
}

/** Plan op codes (native/plan/plan.h Op). */
const OP = { dense: 0, prelu: 6, dropout: 7, batchNorm: 8, layerNorm: 9, embedding: 10, concat: 11 } as const;

/** The methods of a layer the plan runs natively: one replaced on the instance would be bypassed. */
const RUN_METHODS = ['forward', 'backward', 'backwardParams'] as const;

/** A layer's own random stream (Layer.rng is protected: the plan's Dropout draws from its state). */
const rngOf = (l: Layer): Rng => (l as unknown as { rng: Rng }).rng;

/** Why a layer cannot be planned, or its op code. Exact classes only: a subclass may override forward. */
function layerOp(l: Layer): number | string {
  const c = l.constructor;
  // Dense with any activation of the list: the plan runs its fused id (native/plan DenseAct).
  if (c === Dense) return 0;
  if (c === ReLU) return 1;
  if (c === LeakyReLU) return 2;
  if (c === ELU) return 3;
  if (c === Sigmoid) return 4;
  if (c === Tanh) return 5;
  if (c === PReLU) return 6;
  if (c === Dropout) return 7;
  if (c === BatchNorm1d) return 8;
  if (c === LayerNorm) return 9;
  if (c === Embedding) return OP.embedding;
  if (c === Concat) {
    // Concat.forward calls its Embeddings' forward and backwardParams: those must be Embedding's own too.
    for (const [k, b] of (l as Concat).branches.entries()) {
      if (b.layer === null) continue;
      if (b.layer.constructor !== Embedding) return `layer Concat's branch ${k} is a ${b.layer.constructor.name}, not an Embedding (the plan runs exact classes only)`;
      for (const m of RUN_METHODS) if (Object.hasOwn(b.layer, m)) return `layer Concat's branch ${k} Embedding's ${m} is replaced on the instance`;
    }
    return OP.concat;
  }
  return `layer ${l.className} (${c.name}) is not one the plan knows`;
}

/**
 * A Sequential by its class name and its arenas (not instanceof: see the
 * import above). A subclass has another name: it may override forward, so it
 * is not planned.
 */
function isSequential(m: unknown): m is Sequential {
  if (m === null || typeof m !== 'object' || m.constructor?.name !== 'Sequential') return false;
  const s = m as Partial<Sequential>;
  return Array.isArray(s.layers) && s.values instanceof Float32Array && s.grads instanceof Float32Array && typeof s.inputFeatures === 'number';
}

/** A compiled plan: the native handle, its pinned buffers and the batch buffers. */
export class TrainingPlan {
  private constructor(
    readonly addon: NativeAddon & PlanAddon,
    readonly handle: object,
    readonly pins: ArrayBufferView[],
    readonly capacity: number,
    readonly metricCount: number,
    readonly optimizer: PlanOptimizer | undefined,
    readonly outputs: number,
    /** Whether the training step adds kernelRegularizer penalties (planChunk then takes a penalty array). */
    readonly regularized: boolean,
    /** The model's layers (for the error of a bad index). */
    private readonly layers: readonly Layer[],
  ) {}

  /**
   * The RangeError the step path raises (Embedding.checkIndices, from
   * Embedding.forward or Concat.forward) for the bad index a run reported in
   * status[at..at+5] ([flag, layer, branch, row, column, value],
   * native/binding/plan.cc write_bad), or undefined when the flag is clear.
   */
  indexError(status: Float64Array, at = 0): RangeError | undefined {
    if (status[at] !== 1) return undefined;
    const l = this.layers[status[at + 1]!];
    const [branch, row, col, v] = [status[at + 2]!, status[at + 3]!, status[at + 4]!, status[at + 5]!];
    const got = Number.isNaN(v) ? 'NaN' : v;
    if (l instanceof Concat) {
      const e = l.branches[branch]!.layer!;
      return rangeError('Concat.forward', `x[${row}, ${col}]`, `an integer index in [0, ${e.numEmbeddings}) for branch ${branch} (${e.describe()})`, got);
    }
    const e = l as Embedding;
    return rangeError('Embedding.forward', `x[${row}, ${col}]`, `an integer index in [0, ${e.numEmbeddings}) (${e.describe()})`, got);
  }

  /**
   * Compiles `model` with the loss and metrics (and, for training, the
   * optimizer); `capacity` is the largest batch. Returns the plan, or the
   * reason it cannot be built.
   */
  static compile(
    model: unknown,
    opts: { loss: LossName; metrics: readonly Metric[]; optimizer?: unknown; capacity: number; labels: boolean; targetWidth: number; training: boolean },
  ): TrainingPlan | string {
    if (!isSequential(model)) return 'the model is not a Sequential';
    if (model.backend !== 'native') return 'the model runs on the reference backend';
    const addon = planAddon();
    if (!addon) return 'the native addon has no plan entry points';
    if (!(opts.loss in LOSS_CODE)) return `loss ${String(opts.loss)} is not one the plan knows`;
    const metrics: number[] = [];
    for (const m of opts.metrics) {
      const code = metricCode(m, opts.loss);
      if (code === undefined) return `metric ${m.name} is not one the plan knows`;
      metrics.push(code);
    }
    // A method replaced on the instance (a test's spy, a user's patch) would be bypassed by the native step.
    for (const k of ['forward', 'backward', 'zeroGrad']) if (Object.hasOwn(model, k)) return `the model's ${k} is replaced on the instance`;
    const ops: number[] = [];
    for (const l of model.layers) {
      for (const k of RUN_METHODS) if (Object.hasOwn(l, k)) return `layer ${l.className}'s ${k} is replaced on the instance`;
      const op = layerOp(l);
      if (typeof op === 'string') return op;
      ops.push(op);
    }
    let optimizer: PlanOptimizer | undefined;
    if (opts.training) {
      const po = PlanOptimizer.of(opts.optimizer, addon);
      if (typeof po === 'string') return po;
      optimizer = po;
    }

    const cap = opts.capacity;
    const layers = model.layers;
    // One arena for every activation buffer; sizes first, then views.
    const sizes: number[] = [];
    const want = (n: number): number => (sizes.push(n), sizes.length - 1);
    // The float64 statistics (rstd) in an arena of their own.
    const sizes64: number[] = [];
    const want64 = (n: number): number => (sizes64.push(n), sizes64.length - 1);
    const slots = layers.map((l, i) => {
      const op = ops[i]!;
      const d = l instanceof Dense ? l : undefined;
      // `fused` in the plan's terms: the backward runs from y, no z kept.
      const fused = d ? !d.keepsPreActivation : true;
      const hasAct = d ? d.activation !== null : false;
      return {
        y: want(cap * l.outFeatures),
        z: d && !fused ? want(cap * l.outFeatures) : -1,
        dz: d && hasAct && opts.training ? want(cap * l.outFeatures) : -1,
        dx: opts.training && (i > 0 || op === 6) ? want(cap * l.inFeatures) : -1,
        scratch: op === 6 && opts.training ? want(l.parameters()[0]!.value.size) : -1,
        xhat: op === OP.batchNorm || op === OP.layerNorm ? want(cap * l.inFeatures) : -1,
        // BatchNorm1d: one per feature; LayerNorm: one per row.
        rstd: op === OP.batchNorm ? want64(l.inFeatures) : op === OP.layerNorm ? want64(cap) : -1,
        mask: op === OP.dropout && opts.training && (l as Dropout).p > 0 ? want(cap * l.inFeatures) : -1,
        fused,
      };
    });
    const xbSlot = want(cap * model.inputFeatures);
    const tbSlot = want(opts.training && !opts.labels ? cap * opts.targetWidth : 0);
    const dlSlot = want(cap * model.outputFeatures);
    const total = sizes.reduce((a, b) => a + b, 0);
    const arena = new Float32Array(total);
    const views: Float32Array[] = [];
    let off = 0;
    for (const n of sizes) {
      views.push(arena.subarray(off, off + n));
      off += n;
    }
    const view = (slot: number): Float32Array | null => (slot < 0 ? null : views[slot]!);
    const arena64 = new Float64Array(sizes64.reduce((a, b) => a + b, 0));
    const views64: Float64Array[] = [];
    let off64 = 0;
    for (const n of sizes64) {
      views64.push(arena64.subarray(off64, off64 + n));
      off64 += n;
    }
    const view64 = (slot: number): Float64Array | null => (slot < 0 ? null : views64[slot]!);
    const streams: Uint32Array[] = [];
    const lb = opts.training && opts.labels ? new Int32Array(cap) : null;

    const descs: LayerDesc[] = layers.map((l, i) => {
      const s = slots[i]!;
      const ps = l.parameters();
      const base: LayerDesc = {
        op: ops[i]!,
        in: l.inFeatures,
        out: l.outFeatures,
        act: 0,
        fused: s.fused,
        alpha: 0,
        alphaCount: 0,
        w: null,
        b: null,
        dw: null,
        db: null,
        scratch: view(s.scratch),
        y: view(s.y)!,
        z: view(s.z),
        dz: view(s.dz),
        dx: view(s.dx),
        eps: 0,
        momentum: 0,
        xhat: view(s.xhat),
        rstd: view64(s.rstd),
        runningMean: null,
        runningVar: null,
        tracked: null,
        p: 0,
        mask: view(s.mask),
        state: null,
        numEmbeddings: 0,
        dim: 0,
        branches: null,
      };
      if (l instanceof Dense) {
        base.act = fusedActivationId(l.activation ?? 'none', l.approximate);
        base.alpha = l.alpha;
        base.w = ps[0]!.value.data;
        base.dw = ps[0]!.grad.data;
        base.b = l.hasBias ? ps[1]!.value.data : null;
        base.db = l.hasBias ? ps[1]!.grad.data : null;
      } else if (l instanceof Embedding) {
        base.numEmbeddings = l.numEmbeddings;
        base.dim = l.dim;
        base.w = ps[0]!.value.data;
        base.dw = ps[0]!.grad.data;
      } else if (l instanceof Concat) {
        // Its parameters are its Embeddings' tables, in branch order (Concat.paramSpecs).
        let at = 0;
        base.branches = l.branches.map((b) => {
          if (b.layer === null) return { columns: [...b.columns], numEmbeddings: 0, dim: 0, w: null, dw: null };
          const p = ps[at++]!;
          return { columns: [...b.columns], numEmbeddings: b.layer.numEmbeddings, dim: b.layer.dim, w: p.value.data, dw: opts.training ? p.grad.data : null };
        });
      } else if (l instanceof PReLU) {
        base.alphaCount = ps[0]!.value.size;
        base.w = ps[0]!.value.data;
        base.dw = ps[0]!.grad.data;
      } else if (l instanceof LeakyReLU || l instanceof ELU) {
        base.alpha = l.alpha;
      } else if (l instanceof Dropout) {
        base.p = l.p;
        if (base.mask) {
          base.state = rngOf(l).state;
          streams.push(base.state);
        }
      } else if (l instanceof BatchNorm1d || l instanceof LayerNorm) {
        base.eps = l.eps;
        // Affine: weight, then bias (paramSpecs).
        if (ps.length === 2) {
          base.w = ps[0]!.value.data;
          base.dw = ps[0]!.grad.data;
          base.b = ps[1]!.value.data;
          base.db = ps[1]!.grad.data;
        }
        if (l instanceof BatchNorm1d) {
          base.momentum = l.momentum;
          // running_mean, running_var, num_batches_tracked (bufferSpecs), in the model's buffer arena.
          const bs = l.buffers();
          if (bs.length === 3) {
            base.runningMean = bs[0]!.value.data;
            base.runningVar = bs[1]!.value.data;
            base.tracked = bs[2]!.value.data;
          }
        }
      }
      return base;
    });
    // kernelRegularizers, in the model's order (Sequential.regularization): a layer's specs match its parameters.
    const regularizers: { w: Float32Array; g: Float32Array; n: number; l1: number; l2: number }[] = [];
    if (opts.training) {
      for (const l of layers) {
        const ps = l.parameters();
        l.paramSpecs().forEach((s, j) => {
          const r = s.regularizer;
          if (r) regularizers.push({ w: ps[j]!.value.data, g: ps[j]!.grad.data, n: ps[j]!.value.size, l1: r.l1 ?? 0, l2: r.l2 ?? 0 });
        });
      }
    }
    const spans = optimizer?.spans ?? [];
    const pins: ArrayBufferView[] = [model.values, model.grads, arena, arena64, ...streams];
    if (model.bufferValues.length > 0) pins.push(model.bufferValues);
    if (lb) pins.push(lb);
    for (const s of spans) {
      for (const a of [s.value, s.grad, s.s0, s.s1]) if (a && !pins.some((p) => p.buffer === a.buffer && p.byteOffset <= a.byteOffset && a.byteOffset + a.byteLength <= p.byteOffset + p.byteLength)) pins.push(a);
    }
    const desc = {
      inFeatures: model.inputFeatures,
      outFeatures: model.outputFeatures,
      capacity: cap,
      targetWidth: opts.labels ? 0 : opts.targetWidth,
      loss: LOSS_CODE[opts.loss],
      clipNorm: optimizer?.clipNorm ?? 0,
      grads: opts.training ? model.grads : null,
      gradsLength: opts.training ? model.grads.length : 0,
      xb: view(xbSlot),
      lb,
      tb: opts.training && !opts.labels ? view(tbSlot) : null,
      dloss: view(dlSlot),
      metrics,
      layers: descs,
      spans,
      regularizers,
    };
    let handle: object;
    try {
      handle = addon.planCreate(desc, pins);
    } catch (e) {
      return (e as Error).message;
    }
    return new TrainingPlan(addon, handle, pins, cap, metrics.length, optimizer, model.outputFeatures, regularizers.length > 0, layers);
  }
}

export { SCALAR_STRIDE };
