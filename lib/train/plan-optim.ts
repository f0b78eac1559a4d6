// The optimizer side of a training plan. The plan runs the optimizer's own
// kernels natively, but the per-step kernel scalars (the scheduled lr, Adam's
// bias corrections, the convention's constants) are computed here, in
// TypeScript, by the optimizer's own update function (OptimizerSpec.update)
// called on a recorder instead of the backend: so the plan gets exactly the
// numbers Optimizer.step() would pass, whatever the optimizer, convention
// or schedule, and this file never restates their formulas.
import { describe, rangeError, typeError } from '../errors.js';
import type { RawOptim } from '../backend/optim.js';
import { OPTIM_SCALARS } from '../backend/optim-scalars.js';
import { Optimizer } from '../optim/base.js';

/** The stride of one span's scalars: one optim::Scalars block (kScalarStride in native/plan/plan.h). */
export const SCALAR_STRIDE = OPTIM_SCALARS.length;

/** OptKind in native/plan/plan.h. */
export const enum OptKind {
  sgd = 0,
  momentum = 1,
  rms = 2,
  adam = 3,
}

/** The fields of Optimizer (lib/optim/base.ts) a plan reads; private there, so read through this one view. */
interface OptimizerInternals {
  spec: { update: (...args: never[]) => number; name: string };
  raw: unknown;
  groupList: {
    hyper: { lr: number };
    spans: { value: Float32Array; grad: Float32Array; state: Float32Array[] }[];
    arenas: Float32Array[] | null;
  }[];
  clipNorm: number | undefined;
  schedule: ((step: number) => unknown) | undefined;
  t: number;
  gradNorm: number;
  allocate(g: unknown): void;
  refusal(fn: string, g: unknown, s: unknown, code: number, t: number): Error;
}

function internals(o: Optimizer): OptimizerInternals {
  return o as unknown as OptimizerInternals;
}

export interface SpanDesc {
  kind: OptKind;
  value: Float32Array;
  grad: Float32Array;
  s0: Float32Array | null;
  s1: Float32Array | null;
  n: number;
}

/** Records one kernel call per span: which kernel, its arrays, and its scalar block. */
class Recorder implements RawOptim {
  out: Float32Array = new Float32Array(0);
  at = 0;
  kind: OptKind | undefined;
  arrays: (Float32Array | null)[] = [];
  private put(kind: OptKind, arrays: (Float32Array | null)[], scalars: Float32Array): number {
    if (this.kind !== undefined) throw new Error('plan: an optimizer update made more than one kernel call per span');
    if (scalars.length !== SCALAR_STRIDE) throw new Error(`plan: an optimizer kernel got ${scalars.length} scalars, not ${SCALAR_STRIDE}`);
    this.kind = kind;
    this.arrays = arrays;
    this.out.set(scalars, this.at);
    return 0; // "nothing refused": the plan runs the guarded kernel itself
  }
  sgdStep(param: Float32Array, grad: Float32Array, scalars: Float32Array): number {
    return this.put(OptKind.sgd, [param, grad, null, null], scalars);
  }
  momentumStep(param: Float32Array, grad: Float32Array, m: Float32Array, scalars: Float32Array): number {
    return this.put(OptKind.momentum, [param, grad, m, null], scalars);
  }
  rmsStep(param: Float32Array, grad: Float32Array, v: Float32Array, scalars: Float32Array): number {
    return this.put(OptKind.rms, [param, grad, v, null], scalars);
  }
  adamStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, scalars: Float32Array): number {
    return this.put(OptKind.adam, [param, grad, m, v], scalars);
  }
  rmsMomentumStep(): number {
    // Only the TF.js optimizers (lib/tfjs) call it; nodegrad's classes never do.
    throw new Error('plan: an optimizer update asked for TF.js\'s RMSProp with momentum');
  }
  sumSquares(): number {
    throw new Error('plan: an optimizer update asked for a sum of squares');
  }
}

/**
 * A view of an optimizer for a plan: its spans (after allocating the state
 * arenas, as the first step() would), the scalars of the next steps, and
 * committing steps the plan has taken.
 */
export class PlanOptimizer {
  readonly spans: SpanDesc[];
  readonly clipNorm: number;
  private readonly o: OptimizerInternals;
  private readonly rec = new Recorder();
  /** Groups whose state the plan allocated ahead of the first step (Optimizer allocates at its first step). */
  private readonly fresh: OptimizerInternals['groupList'] = [];
  private readonly startStep: number;

  private constructor(readonly optimizer: Optimizer) {
    this.o = internals(optimizer);
    this.startStep = this.o.t;
    for (const g of this.o.groupList) {
      if (g.arenas) continue;
      this.o.allocate(g);
      this.fresh.push(g);
    }
    this.clipNorm = this.o.clipNorm ?? 0;
    // One recorded step gives each span's kernel and arrays.
    const scratch = new Float32Array(this.spanCount() * SCALAR_STRIDE);
    const spans: SpanDesc[] = [];
    this.record(scratch, 0, this.o.t, (kind, arrays, s) => {
      spans.push({ kind, value: arrays[0]!, grad: arrays[1]!, s0: arrays[2] ?? null, s1: arrays[3] ?? null, n: s.value.length });
    });
    this.spans = spans;
  }

  /** The view, or a reason the plan cannot run this optimizer. */
  static of(optimizer: unknown, nativeRaw: unknown): PlanOptimizer | string {
    if (!(optimizer instanceof Optimizer)) return 'the optimizer is not one of nodegrad’s Optimizer classes';
    const o = internals(optimizer);
    if (o.raw !== nativeRaw) return 'the optimizer runs on the reference backend';
    if (!Array.isArray(o.groupList) || typeof o.t !== 'number' || typeof o.allocate !== 'function') return 'the optimizer’s internals are not the ones the plan knows';
    try {
      return new PlanOptimizer(optimizer);
    } catch (e) {
      return (e as Error).message;
    }
  }

  private spanCount(): number {
    let n = 0;
    for (const g of this.o.groupList) n += g.spans.length;
    return n;
  }

  /** True while the state arrays are still the ones the plan points into (loadStateDict with null state replaces them). */
  current(): boolean {
    let i = 0;
    for (const g of this.o.groupList) {
      if (!g.arenas) return false;
      for (const s of g.spans) {
        const d = this.spans[i++];
        if (!d || d.value !== s.value || d.grad !== s.grad || (d.s0 !== null && d.s0 !== s.state[0]) || (d.s1 !== null && d.s1 !== s.state[1])) return false;
      }
    }
    return i === this.spans.length;
  }

  /** Steps taken so far (Optimizer.stepCount). */
  get step(): number {
    return this.o.t;
  }

  /**
   * The scalars of the next `count` steps into out (count·spans·STRIDE), as
   * Optimizer.step() computes them for steps from+1..from+count (from: the
   * steps taken, by default; a later value precomputes a chunk ahead). Returns how many
   * steps could be computed and the error the step after them would throw
   * (a schedule giving a bad lr), if any.
   */
  scalars(out: Float32Array, count: number, from = this.o.t): { steps: number; error?: Error } {
    const per = this.spans.length * SCALAR_STRIDE;
    for (let i = 0; i < count; i++) {
      try {
        this.record(out, i * per, from + i, () => {});
      } catch (e) {
        return { steps: i, error: e as Error };
      }
    }
    return { steps: count };
  }

  /** Optimizer.step's scalar part for the step after `t` steps, written at `at`. */
  private record(out: Float32Array, at: number, t: number, each: (kind: OptKind, arrays: (Float32Array | null)[], s: { value: Float32Array }) => void): void {
    const o = this.o;
    const fn = `${o.spec.name}.step`;
    const factor: unknown = o.schedule ? o.schedule(t) : 1;
    if (typeof factor !== 'number') throw typeError(fn, 'schedule(step)', 'a number', factor);
    const rec = this.rec;
    rec.out = out;
    let k = 0;
    o.groupList.forEach((g, gi) => {
      const lr = g.hyper.lr * factor;
      if (!(Number.isFinite(lr) && lr >= 0)) throw rangeError(fn, `scheduled lr of group ${gi}`, 'a finite number >= 0', describe(lr));
      for (const s of g.spans) {
        rec.at = at + k * SCALAR_STRIDE;
        rec.kind = undefined;
        // scale 1 and guard 0 are placeholders: the plan sets the clip factor and the guard at run time.
        (o.spec.update as unknown as (...a: unknown[]) => number)(rec, s.value, s.grad, s.state, g.hyper, lr, t + 1, 1, 0);
        if (rec.kind === undefined) throw new Error('plan: an optimizer update made no kernel call');
        each(rec.kind, rec.arrays, s);
        k++;
      }
    });
  }

  /** The error Optimizer.step throws for a refused update of span `span` (the step after those taken). */
  refusal(span: number, code: number): Error {
    let k = 0;
    for (const g of this.o.groupList) {
      for (const s of g.spans) {
        if (k++ === span) return this.o.refusal(`${this.o.spec.name}.step`, g, s, code, this.o.t + 1);
      }
    }
    return new Error(`plan: no span ${span}`);
  }

  /**
   * At the end of the fit: state the plan allocated but no step used goes
   * back to unallocated, as Optimizer leaves it (its state dict says null).
   */
  release(): void {
    if (this.o.t !== this.startStep) return;
    for (const g of this.fresh) g.arenas = null;
  }

  /** After a chunk: `done` steps were applied; `lastNorm` the last one's gradient norm. */
  commit(done: number, lastNorm: number): void {
    this.o.t += done;
    if (done > 0 && this.clipNorm > 0) this.o.gradNorm = lastNorm;
  }
}
