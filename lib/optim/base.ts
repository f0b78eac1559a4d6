// The policy every optimizer shares: parameter groups with their own
// hyper-parameters, coalesced spans, the step counter, lazily allocated state
// in flat arenas, gradient clipping, the learning-rate schedule and the state
// dict. The math is one pure update function per optimizer (OptimizerSpec),
// which calls one backend kernel per span.
import { rawBackend, type BackendName } from '../backend/index.js';
import { checkNonNegative, type RawOptim } from '../backend/optim.js';
import { checkF32, checkInteger, describe, rangeError, typeError } from '../errors.js';
import type { Parameter } from '../parameter.js';
import { decodeStepResult, GUARD_APPLY, GUARD_CHECK, GUARD_OFF } from '../backend/optim-scalars.js';
import { decodeF32, encodeF32 } from './codec.js';
import { NonFiniteUpdateError } from './non-finite.js';
import { checkSlotValues } from './state-check.js';
import type { Schedule } from './schedules.js';

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

export interface GroupStateDict {
  hyper: Record<string, HyperValue>;
  /** Shapes of the group's parameters, in order. */
  shapes: number[][];
  /** Each state slot as base64 of its little-endian float32 bytes; null before the first step. */
  state: Record<string, string> | null;
}

export interface OptimizerStateDict {
  kind: string;
  format: 1;
  /** Steps taken. */
  step: number;
  groups: GroupStateDict[];
}

interface Span {
  value: Float32Array;
  grad: Float32Array;
  offset: number;
  state: Float32Array[];
}

interface Group<H> {
  params: readonly Parameter[];
  hyper: H;
  spans: Span[];
  size: number;
  /** One arena per slot, parallel to the group's parameters; null until the first step. */
  arenas: Float32Array[] | null;
}

const OPTION_KEYS = ['backend', 'clipNorm', 'schedule', 'convention'];

export abstract class Optimizer<H extends CommonHyper = CommonHyper> {
  readonly kind: string;
  protected readonly spec: OptimizerSpec<H>;
  private readonly raw: RawOptim;
  private readonly groupList: Group<H>[];
  private readonly clipNorm: number | undefined;
  private readonly schedule: Schedule | undefined;
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

  /** Sets every gradient to 0. */
  zeroGrad(): void {
    for (const g of this.groupList) for (const s of g.spans) s.grad.fill(0);
  }

  stateDict(): OptimizerStateDict {
    return {
      kind: this.kind,
      format: 1,
      step: this.t,
      groups: this.groupList.map((g) => ({
        hyper: { ...(g.hyper as unknown as Record<string, HyperValue>) },
        shapes: g.params.map((p) => [...p.value.shape]),
        state: g.arenas ? Object.fromEntries(this.spec.slots.map((s, j) => [s, encodeF32(g.arenas![j]!)])) : null,
      })),
    };
  }

  /** Restores step count, hyper-parameters and state; throws and changes nothing when it does not fit. */
  loadStateDict(dict: OptimizerStateDict): void {
    const fn = `${this.spec.name}.loadStateDict`;
    if (typeof dict !== 'object' || dict === null) throw typeError(fn, 'state', 'an object', dict);
    if (dict.kind !== this.kind) throw rangeError(fn, 'state.kind', `'${this.kind}'`, describe(dict.kind));
    if (dict.format !== 1) throw rangeError(fn, 'state.format', '1', describe(dict.format));
    const step = checkInteger(fn, 'state.step', dict.step, 0);
    if (!Array.isArray(dict.groups)) throw typeError(fn, 'state.groups', 'an array', dict.groups);
    if (dict.groups.length !== this.groupList.length) {
      throw rangeError(fn, 'state.groups', `an array of ${this.groupList.length} groups`, `${dict.groups.length} groups`);
    }
    const loaded = dict.groups.map((gd, i) => this.checkGroupState(fn, `state.groups[${i}]`, gd, this.groupList[i]!));
    // Everything fits: commit.
    this.t = step;
    loaded.forEach(({ hyper, arenas }, i) => {
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

  private checkGroupState(fn: string, at: string, gd: GroupStateDict, g: Group<H>): { hyper: H; arenas: Float32Array[] | null } {
    if (typeof gd !== 'object' || gd === null) throw typeError(fn, at, 'an object', gd);
    const shapes = gd.shapes;
    if (!Array.isArray(shapes) || shapes.length !== g.params.length) {
      throw rangeError(fn, `${at}.shapes`, `an array of ${g.params.length} shapes`, Array.isArray(shapes) ? `${shapes.length} shapes` : describe(shapes));
    }
    g.params.forEach((p, j) => {
      const want = p.value.shape;
      const got = shapes[j];
      if (!Array.isArray(got) || got.length !== want.length || got.some((d, k) => d !== want[k])) {
        throw rangeError(fn, `${at}.shapes[${j}]`, `[${want.join(', ')}]`, Array.isArray(got) ? `[${got.join(', ')}]` : describe(got));
      }
    });
    if (typeof gd.hyper !== 'object' || gd.hyper === null) throw typeError(fn, `${at}.hyper`, 'an object', gd.hyper);
    for (const k of Object.keys(this.spec.defaults)) {
      if (!(k in gd.hyper)) throw rangeError(fn, `${at}.hyper`, `an object with '${k}'`, 'no such key');
    }
    checkKeys(fn, `${at}.hyper.`, gd.hyper, Object.keys(this.spec.defaults));
    const hyper = this.spec.validate(fn, `${at}.hyper.`, gd.hyper);
    if (gd.state === null) return { hyper, arenas: null };
    if (typeof gd.state !== 'object') throw typeError(fn, `${at}.state`, 'an object or null', gd.state);
    checkKeys(fn, `${at}.state.`, gd.state, this.spec.slots);
    const arenas = this.spec.slots.map((s) => {
      const a = decodeF32(gd.state![s], g.size);
      if (!a) throw rangeError(fn, `${at}.state.${s}`, `base64 of ${g.size} float32 values`, describe(gd.state![s]));
      checkSlotValues(fn, at, s, a, g.params);
      return a;
    });
    return { hyper, arenas };
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

function checkKeys(fn: string, prefix: string, obj: object, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw typeError(fn, `${prefix}${k}`, `one of the known options (${allowed.join(', ')})`, 'an unknown option');
  }
}

function isGroup(x: unknown): x is ParamGroup<unknown> {
  return typeof x === 'object' && x !== null && 'params' in x;
}

function makeGroups<H extends CommonHyper>(
  fn: string,
  params: readonly Parameter[] | readonly ParamGroup<H>[],
  base: Record<string, unknown>,
  spec: OptimizerSpec<H>,
): Group<H>[] {
  if (!Array.isArray(params)) throw typeError(fn, 'params', 'an array of parameters or of parameter groups', params);
  const grouped = params.length > 0 && isGroup(params[0]);
  const raw: { params: readonly Parameter[]; hyper: Record<string, unknown>; at: string }[] = grouped
    ? (params as readonly ParamGroup<H>[]).map((g, i) => {
        if (!isGroup(g)) throw typeError(fn, `params[${i}]`, 'a parameter group { params, ...hyper }', g);
        checkKeys(fn, `groups[${i}].`, g, ['params', ...Object.keys(spec.defaults)]);
        const hyper = { ...base };
        for (const [k, v] of Object.entries(g)) if (k !== 'params' && v !== undefined) hyper[k] = v;
        return { params: g.params, hyper, at: `groups[${i}].` };
      })
    : [{ params: params as readonly Parameter[], hyper: base, at: '' }];
  const views: { name: string; arr: Float32Array }[] = [];
  const groups = raw.map(({ params: ps, hyper, at }) => {
    if (!Array.isArray(ps)) throw typeError(fn, `${at}params`, 'an array of parameters', ps);
    ps.forEach((p, j) => {
      const name = `${at}params[${j}]`;
      if (typeof p !== 'object' || p === null || isGroup(p)) throw typeError(fn, name, 'a Parameter { name, value, grad }', p);
      checkF32(fn, `${name}.value.data`, p.value?.data);
      checkF32(fn, `${name}.grad.data`, p.grad?.data);
      if (p.grad.data.length !== p.value.data.length) {
        throw rangeError(fn, `${name}.grad`, `of length ${p.value.data.length}`, `length ${p.grad.data.length}`);
      }
      views.push({ name: `${name}.value`, arr: p.value.data }, { name: `${name}.grad`, arr: p.grad.data });
    });
    return { params: ps, hyper: spec.validate(fn, at, hyper), ...spans(ps), arenas: null };
  });
  checkDisjoint(fn, views);
  return groups;
}

/** Consecutive parameters whose values and grads both continue in the same buffers form one span. */
function spans(ps: readonly Parameter[]): { spans: Span[]; size: number } {
  const out: Span[] = [];
  let size = 0;
  let cur: { v: Float32Array; g: Float32Array; offset: number; length: number } | undefined;
  const flush = (): void => {
    if (!cur) return;
    const { v, g, offset, length } = cur;
    out.push({
      value: new Float32Array(v.buffer, v.byteOffset, length),
      grad: new Float32Array(g.buffer, g.byteOffset, length),
      offset,
      state: [],
    });
  };
  for (const p of ps) {
    const v = p.value.data;
    const g = p.grad.data;
    if (v.length === 0) continue;
    if (
      cur &&
      v.buffer === cur.v.buffer &&
      v.byteOffset === cur.v.byteOffset + 4 * cur.length &&
      g.buffer === cur.g.buffer &&
      g.byteOffset === cur.g.byteOffset + 4 * cur.length
    ) {
      cur.length += v.length;
    } else {
      flush();
      cur = { v, g, offset: size, length: v.length };
    }
    size += v.length;
  }
  flush();
  return { spans: out, size };
}

/** Every value and grad view of every parameter must be separate memory (the kernels' contract). */
function checkDisjoint(fn: string, views: { name: string; arr: Float32Array }[]): void {
  const live = views.filter((x) => x.arr.length > 0);
  const byBuffer = new Map<ArrayBufferLike, typeof live>();
  for (const x of live) {
    const list = byBuffer.get(x.arr.buffer) ?? [];
    list.push(x);
    byBuffer.set(x.arr.buffer, list);
  }
  for (const list of byBuffer.values()) {
    list.sort((a, b) => a.arr.byteOffset - b.arr.byteOffset);
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!;
      const b = list[i]!;
      if (b.arr.byteOffset < a.arr.byteOffset + a.arr.byteLength) {
        throw rangeError(fn, b.name, `memory separate from ${a.name}`, 'overlapping memory');
      }
    }
  }
}
