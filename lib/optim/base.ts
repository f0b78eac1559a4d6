// The policy every optimizer shares: the step counter, lazily allocated state
// in flat arenas, gradient clipping and the learning-rate schedule, over the
// parameter groups of groups.ts, saved and restored by state-dict.ts. The
// math is one pure update function per optimizer (OptimizerSpec), which calls
// one backend kernel per span.
import { rawBackend, type BackendName } from '../backend/index.js';
import { checkNonNegative, type RawOptim } from '../backend/optim.js';
import { describe, isDetached, rangeError, typeError } from '../errors.js';
import type { Parameter } from '../parameter.js';
import { decodeStepResult, GUARD_APPLY, GUARD_CHECK, GUARD_OFF } from '../backend/optim-scalars.js';
import { checkKeys, makeGroups, type Group, type Span } from './groups.js';
import { NonFiniteUpdateError } from './non-finite.js';
import type { Schedule } from './schedules.js';
import { checkStateDict, groupStates, type OptimizerStateDict } from './state-dict.js';

export type { GroupStateDict, OptimizerStateDict } from './state-dict.js';

export type Convention = 'note' | 'pytorch' | 'keras';
export const CONVENTIONS: readonly Convention[] = ['note', 'pytorch', 'keras'];

/** Hyper-parameters every optimizer has. */
export interface CommonHyper {
  lr: number;
  /** Coupled L2: g ← g + weightDecay·θ. */
  weightDecay: number;
  /** Decoupled (AdamW-style): θ ← θ − lr·λ·θ. */
  decoupledWeightDecay: number;
}

export type HyperValue = number | string | boolean;

/** A parameter group: its parameters and any hyper-parameters overriding the optimizer's. */
export type ParamGroup<H> = { params: readonly Parameter[] } & Partial<H>;

/** Options of the optimizer as a whole (not per group). */
export interface OptimizerOptions {
  /** Backend whose kernels run the steps; default: the default backend at construction. */
  backend?: BackendName;
  /** Clip by global norm over every gradient of every group, before the step. Off by default. */
  clipNorm?: number;
  /** Multiplies every group's lr; called with the index of the step about to be taken (0, 1, ...). */
  schedule?: Schedule;
  /** Defaults preset: 'note' (the lecture note; default), 'pytorch' or 'keras' (Keras 3). */
  convention?: Convention;
}

export interface OptimizerSpec<H extends CommonHyper> {
  /** 'adam', 'sgd', ...: stored in the state dict. */
  kind: string;
  /** Class name, for error messages. */
  name: string;
  /** Names of the per-element state arrays, e.g. ['m', 'v']. */
  slots: readonly string[];
  /** Every hyper-parameter with its default under the chosen convention. */
  defaults: H;
  /** Validates a complete hyper-parameter set (scalars rounded to float32); `prefix` goes before each name. */
  validate(fn: string, prefix: string, h: Record<string, unknown>): H;
  /** Value the state arrays start at (AdaGrad's initial accumulator). */
  initialState(h: H): number;
  /**
   * The step on one span: `lr` is the scheduled lr (a double: the mapping
   * rounds), `t` the step number (1-based), `guard` the kernels' guard mode;
   * returns the kernel's result (0, or the refused element, see optim-scalars.ts).
   */
  update(
    raw: RawOptim,
    value: Float32Array,
    grad: Float32Array,
    state: readonly Float32Array[],
    h: H,
    lr: number,
    t: number,
    scale: number,
    guard: number,
  ): number;
}

/** Validates lr, weightDecay and decoupledWeightDecay. */
export function commonHyper(fn: string, prefix: string, h: Record<string, unknown>): CommonHyper {
  return {
    lr: checkNonNegative(fn, `${prefix}lr`, h.lr),
    weightDecay: checkNonNegative(fn, `${prefix}weightDecay`, h.weightDecay),
    decoupledWeightDecay: checkNonNegative(fn, `${prefix}decoupledWeightDecay`, h.decoupledWeightDecay),
  };
}

const OPTION_KEYS = ['backend', 'clipNorm', 'schedule', 'convention'];

export abstract class Optimizer<H extends CommonHyper = CommonHyper> {
  readonly kind: string;
  protected readonly spec: OptimizerSpec<H>;
  private readonly raw: RawOptim;
  private readonly groupList: Group<H>[];
  private readonly clipNorm: number | undefined;
  private readonly schedule: Schedule | undefined;
  private readonly convention: Convention;
  private t = 0;
  private gradNorm = NaN;

  protected constructor(
    params: readonly Parameter[] | readonly ParamGroup<H>[],
    options: Partial<H> & OptimizerOptions,
    spec: OptimizerSpec<H>,
  ) {
    const fn = spec.name;
    this.spec = spec;
    this.kind = spec.kind;
    if (typeof options !== 'object' || options === null) throw typeError(fn, 'options', 'an object', options);
    checkKeys(fn, '', options, [...Object.keys(spec.defaults), ...OPTION_KEYS]);
    if (options.clipNorm !== undefined) {
      this.clipNorm = checkNonNegative(fn, 'clipNorm', options.clipNorm);
      if (this.clipNorm === 0) throw rangeError(fn, 'clipNorm', 'a finite number > 0', 0);
    }
    if (options.schedule !== undefined && typeof options.schedule !== 'function') {
      throw typeError(fn, 'schedule', 'a function (step) => factor', options.schedule);
    }
    this.schedule = options.schedule;
    // The spec has validated it (conventionOf) before this constructor ran.
    this.convention = options.convention ?? 'note';
    const base: Record<string, unknown> = { ...(spec.defaults as unknown as Record<string, unknown>) };
    const given = options as Record<string, unknown>;
    for (const k of Object.keys(spec.defaults)) if (given[k] !== undefined) base[k] = given[k];
    this.groupList = makeGroups(fn, params, base, spec);
    this.raw = rawBackend(options.backend);
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.t;
  }

  /** The optimizer-wide options it was built with (what a model file records besides the groups). */
  get options(): { readonly clipNorm: number | undefined; readonly schedule: Schedule | undefined; readonly convention: Convention } {
    return { clipNorm: this.clipNorm, schedule: this.schedule, convention: this.convention };
  }

  /** Global gradient norm measured by the last step() (NaN when clipNorm is off). */
  get lastGradNorm(): number {
    return this.gradNorm;
  }

  /** The groups with their hyper-parameters (as given: the kernels' mapping rounds derived constants once). */
  get paramGroups(): ReadonlyArray<{ readonly params: readonly Parameter[]; readonly hyper: Readonly<H> }> {
    return this.groupList.map((g) => ({ params: g.params, hyper: { ...g.hyper } }));
  }

  /** One update of every parameter: one kernel call per coalesced span. */
  step(): void {
    const fn = `${this.spec.name}.step`;
    this.checkAttached(fn);
    const factor: unknown = this.schedule ? this.schedule(this.t) : 1;
    if (typeof factor !== 'number') throw typeError(fn, 'schedule(step)', 'a number', factor);
    const lrs = this.groupList.map((g, i) => {
      const lr = g.hyper.lr * factor;
      if (!(Number.isFinite(lr) && lr >= 0)) {
        throw rangeError(fn, `scheduled lr of group ${i}`, 'a finite number >= 0', describe(lr));
      }
      return lr;
    });
    const scale = this.clipScale();
    const t = this.t + 1;
    const fresh = this.groupList.filter((g) => !g.arenas);
    for (const g of fresh) this.allocate(g);
    // Nothing is written unless every span's update is finite: one span is
    // checked and written by one guarded call; several are all checked first.
    const work = this.groupList.flatMap((g, i) => g.spans.map((s) => ({ g, s, lr: lrs[i]! })));
    const call = (w: (typeof work)[number], guard: number): number => this.spec.update(this.raw, w.s.value, w.s.grad, w.s.state, w.g.hyper, w.lr, t, scale, guard);
    const single = work.length === 1;
    for (const w of work) {
      const code = call(w, single ? GUARD_APPLY : GUARD_CHECK);
      if (code !== 0) {
        for (const g of fresh) g.arenas = null;
        throw this.refusal(fn, w.g, w.s, code, t);
      }
    }
    if (!single) for (const w of work) call(w, GUARD_OFF);
    this.t = t;
  }

  private refusal(fn: string, g: Group<H>, s: Span, code: number, t: number): NonFiniteUpdateError {
    const r = decodeStepResult(code)!;
    // The span's element → its parameter (spans() lays parameters out in order).
    let at = s.offset + r.index;
    let param = g.params[0]!;
    for (const p of g.params) {
      param = p;
      if (at < p.value.data.length) break;
      at -= p.value.data.length;
    }
    const what = r.arrays.map((j) => (j === 0 ? 'value' : this.spec.slots[j - 1]!));
    const named = what.map((w) => (w === 'value' ? 'its value' : `its state ${w}`)).join(' and ');
    return new NonFiniteUpdateError(
      `${fn}: step ${t} would make ${named} non-finite for parameter '${param.name}' at element ${at}; the step was not applied (nothing changed)`,
      param.name,
      what,
      at,
    );
  }

  /**
   * The parameters' memory must still be there: a model arena transferred
   * to a worker (detached) leaves every view of it empty, and the kernel
   * would then report a length mismatch about an argument the caller never
   * passed. Named here by the parameter instead.
   */
  private checkAttached(fn: string): void {
    const grouped = this.groupList.length > 1;
    this.groupList.forEach((g, i) => {
      g.params.forEach((p, j) => {
        const at = `${grouped ? `groups[${i}].` : ''}params[${j}] (${p.name})`;
        if (isDetached(p.value.data) || isDetached(p.grad.data)) {
          throw new TypeError(`${fn}: ${at} has detached memory (its ArrayBuffer was transferred, e.g. to a worker); build the optimizer again over parameters with attached memory`);
        }
      });
    });
  }

  /** Sets every gradient to 0. */
  zeroGrad(): void {
    for (const g of this.groupList) for (const s of g.spans) s.grad.fill(0);
  }

  stateDict(): OptimizerStateDict {
    return { kind: this.kind, format: 1, step: this.t, groups: groupStates(this.groupList, this.spec.slots) };
  }

  /** Restores step count, hyper-parameters and state; throws and changes nothing when it does not fit. */
  loadStateDict(dict: OptimizerStateDict): void {
    const { step, groups } = checkStateDict(`${this.spec.name}.loadStateDict`, dict, this.kind, this.groupList, this.spec);
    // Everything fits: commit.
    this.t = step;
    groups.forEach(({ hyper, arenas }, i) => {
      const g = this.groupList[i]!;
      g.hyper = hyper;
      if (arenas) {
        if (!g.arenas) this.allocate(g);
        arenas.forEach((a, j) => g.arenas![j]!.set(a));
      } else {
        g.arenas = null;
      }
    });
  }

  private allocate(g: Group<H>): void {
    const init = this.spec.initialState(g.hyper);
    const arenas = this.spec.slots.map(() => new Float32Array(g.size).fill(init));
    g.arenas = arenas;
    for (const s of g.spans) s.state = arenas.map((a) => a.subarray(s.offset, s.offset + s.value.length));
  }

  private clipScale(): number {
    if (this.clipNorm === undefined) return 1;
    let sum = 0;
    for (const g of this.groupList) for (const s of g.spans) sum += this.raw.sumSquares(s.grad);
    const norm = Math.sqrt(sum);
    this.gradNorm = norm;
    // A non-finite norm is not hidden by scaling to 0: the step propagates it.
    return Number.isFinite(norm) && norm > this.clipNorm ? Math.fround(this.clipNorm / norm) : 1;
  }
}
