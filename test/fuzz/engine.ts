// The kernel fuzz engine. A spec describes a public kernel's arguments by
// role; from that the engine derives (1) valid calls, run on every backend on
// subarray views with a non-zero byteOffset and guard elements around them,
// plus the exact aliasing the contract allows, compared with the reference;
// (2) invalid calls (wrong typed-array kinds, detached buffers, wrong lengths,
// forbidden overlap, non-finite or non-number hyper-parameters, bad sizes and
// options), which must throw the documented error class with a message naming
// the function (and the argument where the contract says so) and leave every
// array untouched.
import fc from 'fast-check';
import type { Compare } from './tolerance.js';

export type Arg =
  | {
      role: 'in';
      name: string;
      /** its length may change without the call becoming invalid (PReLU's alpha) */
      lengthFree?: boolean;
      /** another typed-array kind it accepts (class labels), left out of the wrong kinds */
      alsoAccepts?: 'Int32Array';
      /** the typed-array kind it must be, when not Float32Array (a bool condition) */
      kind?: 'Uint8Array';
    }
  | {
      role: 'out' | 'inout';
      name: string;
      /** inputs it may be exactly the same memory as */ mayAlias?: readonly string[];
      /** the typed-array kind it must be, when not Float32Array (comparison results); compared bitwise */
      kind?: 'Uint8Array';
    }
  | { role: 'scalar'; name: string; optional?: boolean }
  /** a string from `values` (GELU's approximate); anything else is a TypeError */
  | { role: 'choice'; name: string; values: readonly string[]; optional?: boolean }
  | { role: 'size'; name: string }
  | {
      role: 'options';
      name: string;
      /** how errors name a field: 'options.' (gemm) or '' (optimizers: "lr") */
      prefix: string;
      /** optional fields (undefined or null mean the default, so never mutated to those) */
      fields: Readonly<Record<string, FieldKind>>;
      /** fields without a default: leaving one out is a TypeError */
      required?: readonly string[];
    };

/** scalar: non-finite → RangeError, non-number → TypeError; posInt: an integer >= 1. */
export type FieldKind = 'scalar' | 'bool' | 'choice' | 'posInt';

export interface KernelSpec {
  args: readonly Arg[];
  /** Valid argument lists (arrays as fresh Float32Arrays). */
  valid: fc.Arbitrary<unknown[]>;
  /** How an output is compared with the reference; `args` are the call's (unaliased) arguments. */
  compare(out: string, args: readonly unknown[]): Compare;
  /** How a returned number is compared (losses, sums); absent: the kernel returns nothing. */
  compareResult?(expected: number, actual: number, args: readonly unknown[]): string | undefined;
}

type Fn = (...args: unknown[]) => unknown;

/** Cases generated (predicate runs), per process; printed and written by the suites. */
export const counter = { cases: 0 };

const isArrayRole = (a: Arg): a is Extract<Arg, { role: 'in' | 'out' | 'inout' }> => a.role === 'in' || a.role === 'out' || a.role === 'inout';

function clone(args: readonly unknown[]): unknown[] {
  return args.map((v) => (ArrayBuffer.isView(v) ? (v as Float32Array).slice() : v && typeof v === 'object' ? { ...v } : v));
}

function bytes(v: Float32Array): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const GUARD = 0x7fc0bad1; // a NaN payload no kernel produces: guard elements around views

/** Copies `v` into a view at element offset `pad` of a larger buffer, guard elements around it. */
function padded(v: Float32Array, pad: number): Float32Array {
  const buf = new ArrayBuffer(4 * (v.length + pad + 3));
  new Uint32Array(buf).fill(GUARD);
  const view = new Float32Array(buf, 4 * pad, v.length);
  view.set(v);
  return view;
}

function guardsIntact(v: Float32Array): boolean {
  const all = new Uint32Array(v.buffer);
  const start = v.byteOffset / 4;
  for (let i = 0; i < all.length; i++) {
    if (i >= start && i < start + v.length) continue;
    if (all[i] !== GUARD) return false;
  }
  return true;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : `non-Error ${String(e)}`;
}

export interface ValidCase {
  args: unknown[];
  /** element offset (1..3) of each array's view in its buffer */
  pads: number[];
  /** index into the list of allowed (out, in) alias pairs, or -1 */
  alias: number;
}

export function validCase(spec: KernelSpec): fc.Arbitrary<ValidCase> {
  return fc.record({
    args: spec.valid,
    pads: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: spec.args.length, maxLength: spec.args.length }),
    alias: fc.integer({ min: -2, max: 3 }),
  });
}

function aliasPairs(spec: KernelSpec, args: readonly unknown[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  spec.args.forEach((a, o) => {
    if ((a.role === 'out' || a.role === 'inout') && a.mayAlias) {
      for (const name of a.mayAlias) {
        const i = spec.args.findIndex((b) => b.name === name);
        if ((args[i] as Float32Array).length === (args[o] as Float32Array).length) pairs.push([o, i]);
      }
    }
  });
  return pairs;
}

/**
 * One valid call on `fn` against `ref` (the reference's checked kernel). Returns
 * a failure description or undefined. When the reference refuses the call (a
 * finite but unusable hyper-parameter), `fn` must refuse it identically.
 */
export function checkValid(spec: KernelSpec, fn: Fn, ref: Fn, c: ValidCase): string | undefined {
  counter.cases++;
  const expected = clone(c.args);
  let refError: unknown;
  let refResult: unknown;
  try {
    refResult = ref(...expected);
  } catch (e) {
    refError = e;
  }
  const pairs = aliasPairs(spec, c.args);
  const pair = c.alias >= 0 && pairs.length ? pairs[c.alias % pairs.length] : undefined;
  const call = c.args.map((v, i) => (v instanceof Float32Array ? padded(v, c.pads[i]!) : ArrayBuffer.isView(v) ? (v as Int32Array).slice() : v && typeof v === 'object' ? { ...v } : v));
  if (pair) call[pair[0]] = call[pair[1]];
  const before = call.map((v) => (v instanceof Float32Array ? bytes(v) : undefined));
  let result: unknown;
  try {
    result = fn(...call);
  } catch (e) {
    if (refError === undefined) return `threw on a call the reference accepts: ${errorText(e)}`;
    if (errorText(e) !== errorText(refError)) return `threw ${errorText(e)}, the reference ${errorText(refError)}`;
    for (let i = 0; i < call.length; i++) {
      const v = call[i];
      if (v instanceof Float32Array && !sameBytes(bytes(v), before[i]!)) return `${spec.args[i]!.name} changed by a refused call`;
    }
    return undefined;
  }
  if (refError !== undefined) return `accepted a call the reference refuses with ${errorText(refError)}`;
  if (spec.compareResult) {
    if (typeof result !== 'number') return `returned ${String(result)}, expected a number`;
    const bad = spec.compareResult(refResult as number, result, c.args);
    if (bad) return `result: ${bad}`;
  } else if (result !== undefined) {
    return `returned ${String(result)}, expected nothing`;
  }
  for (let i = 0; i < call.length; i++) {
    const v = call[i];
    const arg = spec.args[i]!;
    if (v instanceof Uint8Array && (arg.role === 'out' || arg.role === 'inout')) {
      // A Uint8Array output (0/1 per element) must equal the reference's exactly.
      const exp = expected[i] as Uint8Array;
      for (let j = 0; j < exp.length; j++) if (exp[j] !== v[j]) return `${arg.name}[${j}]: ${v[j]}, the reference ${exp[j]}`;
      continue;
    }
    if (!(v instanceof Float32Array)) continue;
    if (!guardsIntact(v)) return `${arg.name}: wrote outside its view`;
    const written = arg.role === 'out' || arg.role === 'inout';
    if (!written) {
      if (pair && pair[1] === i) continue; // overwritten through its alias
      if (!sameBytes(bytes(v), before[i]!)) return `input ${arg.name} was modified`;
      continue;
    }
    const cmp = spec.compare(arg.name, c.args);
    const exp = expected[i] as Float32Array;
    for (let j = 0; j < exp.length; j++) {
      const bad = cmp(exp, v, j);
      if (bad) return `${arg.name}${pair ? ` (aliased to ${spec.args[pair[1]]!.name})` : ''}: ${bad}`;
    }
  }
  return undefined;
}

// ---- invalid calls ----------------------------------------------------------

interface Expectation {
  cls: typeof TypeError | typeof RangeError;
  message: RegExp;
}

type Mutated = { call: unknown[]; expect: Expectation } | undefined;
type Mutation = (args: readonly unknown[], variant: number, shift: number) => Mutated;

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const WRONG_KINDS: Array<(n: number) => unknown> = [
  (n) => new Float64Array(n),
  (n) => new Int32Array(n),
  (n) => new Uint8Array(4 * n),
  (n) => new Uint32Array(n),
  (n) => new DataView(new ArrayBuffer(4 * n)),
  (n) => new ArrayBuffer(4 * n),
  (n) => Array.from({ length: n }, () => 0),
  (n) => ({ length: n }),
  () => null,
  () => undefined,
  () => 0,
  () => 'Float32Array',
];

// ±1e39 are finite doubles that round to ±Infinity as float32 scalars.
const NON_FINITE = [NaN, Infinity, -Infinity, 1e39, -1e39];
const NON_NUMBERS: unknown[] = ['1', null, true, {}, 1n, [1]];
const BAD_INTEGERS = [-1, -0.5, 0.5, 2.5, 1e-300, NaN, Infinity, -Infinity];
const NOT_INTEGERS: unknown[] = ['2', null, undefined, true, 2n, {}, [2]];

function detachedF32(n: number, variant: number): Float32Array {
  const buf = new ArrayBuffer(4 * (n + 2));
  const v = variant % 2 ? new Float32Array(buf, 4, n) : new Float32Array(buf);
  structuredClone(buf, { transfer: [buf] });
  return v;
}

function mutations(spec: KernelSpec, fnName: string): Array<{ label: string; apply: Mutation }> {
  const out: Array<{ label: string; apply: Mutation }> = [];
  const type = (name: string, rest = ''): Expectation => ({ cls: TypeError, message: new RegExp(`^${esc(fnName)}: ${esc(name)} must be ${rest}`) });
  const range = (name?: string): Expectation => ({ cls: RangeError, message: new RegExp(`^${esc(fnName)}: ${name ? `${esc(name)} must be` : ''}`) });
  // Also past the end, where an optional trailing argument was left out.
  const replace = (args: readonly unknown[], i: number, v: unknown) => {
    const r = [...args];
    r[i] = v;
    return r;
  };

  spec.args.forEach((arg, i) => {
    if (isArrayRole(arg)) {
      out.push({
        label: `${arg.name}: wrong kind`,
        apply: (args, variant) => {
          const wrong = WRONG_KINDS[variant % WRONG_KINDS.length]!((args[i] as Float32Array).length);
          if (arg.role === 'in' && arg.alsoAccepts && wrong instanceof Int32Array) return undefined;
          if (arg.kind === 'Uint8Array' && wrong instanceof Uint8Array) return undefined;
          return { call: replace(args, i, wrong), expect: type(arg.name, `a ${arg.kind ?? 'Float32Array'}`) };
        },
      });
      if (!arg.kind)
      out.push({
        label: `${arg.name}: detached`,
        apply: (args, variant) => ({
          call: replace(args, i, detachedF32((args[i] as Float32Array).length, variant)),
          expect: type(arg.name, 'a Float32Array with an attached buffer, got a detached buffer'),
        }),
      });
      if (!(arg.role === 'in' && arg.lengthFree)) {
        out.push({
          label: `${arg.name}: wrong length`,
          apply: (args, variant) => {
            const n = (args[i] as Float32Array).length;
            const deltas = [-1, 1, 7, -n, 1 << 12];
            const m = n + deltas[variant % deltas.length]!;
            if (m < 0 || m === n) return undefined;
            const Kind = (args[i] as Float32Array).constructor as Float32ArrayConstructor; // Int32Array labels stay labels
            return { call: replace(args, i, new Kind(m)), expect: range() };
          },
        });
      }
    }
    if (arg.role === 'out' || arg.role === 'inout') {
      spec.args.forEach((other, j) => {
        if (j === i || !isArrayRole(other)) return;
        const mayExact = arg.mayAlias?.includes(other.name) ?? false;
        out.push({
          label: `${arg.name} overlapping ${other.name}`,
          apply: (args, _variant, shift) => {
            const no = (args[i] as Float32Array).length;
            const nj = (args[j] as Float32Array).length;
            if (!(args[j] instanceof Float32Array)) return undefined; // class labels: another kind
            if (!(args[i] instanceof Float32Array)) return undefined; // a Uint8Array output: its own tests
            if (no === 0 || nj === 0) return undefined; // empty views overlap nothing
            // out starts s elements after `other` (s < 0: before): every s in
            // (-no, nj) overlaps; s = 0 with equal lengths is exact aliasing.
            const choices: number[] = [];
            for (let s = -(no - 1); s <= nj - 1; s++) if (!(s === 0 && no === nj && mayExact)) choices.push(s);
            if (!choices.length) return undefined;
            const s = choices[shift % choices.length]!;
            const base = Math.max(0, -s) + 1;
            const buf = new ArrayBuffer(4 * (base + Math.max(nj, s + no) + 2));
            const vj = new Float32Array(buf, 4 * base, nj);
            vj.set(args[j] as Float32Array);
            const vo = new Float32Array(buf, 4 * (base + s), no);
            const names = `(${esc(arg.name)}|${esc(other.name)})`;
            return {
              call: args.map((a, k) => (k === i ? vo : k === j ? vj : a)),
              expect: { cls: RangeError, message: new RegExp(`^${esc(fnName)}: ${names} must be memory separate from ${names}`) },
            };
          },
        });
      });
    }
    if (arg.role === 'scalar') {
      out.push({
        label: `${arg.name}: non-finite`,
        apply: (args, v) => ({ call: replace(args, i, NON_FINITE[v % NON_FINITE.length]), expect: range(arg.name) }),
      });
      out.push({
        label: `${arg.name}: not a number`,
        apply: (args, v) => ({ call: replace(args, i, NON_NUMBERS[v % NON_NUMBERS.length]), expect: type(arg.name) }),
      });
    }
    if (arg.role === 'choice') {
      const bogus: unknown[] = ['bogus', 1, true, {}];
      out.push({
        label: `${arg.name}: not one of ${arg.values.join(', ')}`,
        apply: (args, v) => ({ call: replace(args, i, bogus[v % bogus.length]), expect: type(arg.name) }),
      });
    }
    if (arg.role === 'size') {
      out.push({
        label: `${arg.name}: not a non-negative integer`,
        apply: (args, v) => ({ call: replace(args, i, BAD_INTEGERS[v % BAD_INTEGERS.length]), expect: range(arg.name) }),
      });
      out.push({
        label: `${arg.name}: not a number`,
        apply: (args, v) => ({ call: replace(args, i, NOT_INTEGERS[v % NOT_INTEGERS.length]), expect: type(arg.name) }),
      });
    }
    if (arg.role === 'options') {
      const notObjects: unknown[] = [null, 5, 'options', true];
      out.push({
        label: `${arg.name}: not an object`,
        apply: (args, v) => ({ call: replace(args, i, notObjects[v % notObjects.length]), expect: type(arg.name, 'an object') }),
      });
      const withField = (args: readonly unknown[], field: string, value: unknown) => replace(args, i, { ...(args[i] as object), [field]: value });
      for (const field of arg.required ?? []) {
        out.push({
          label: `${arg.prefix}${field}: missing`,
          apply: (args) => ({ call: withField(args, field, undefined), expect: type(`${arg.prefix}${field}`) }),
        });
      }
      for (const [field, kind] of Object.entries(arg.fields)) {
        const full = `${arg.prefix}${field}`;
        const add = (what: string, values: readonly unknown[], expect: Expectation) =>
          out.push({ label: `${full}: ${what}`, apply: (args, v) => ({ call: withField(args, field, values[v % values.length]), expect }) });
        if (kind === 'bool') add('not a boolean', [1, 0, 'true', {}], type(full, 'a boolean'));
        if (kind === 'choice') add('not a choice', ['bogus', 1, true, {}], type(full));
        if (kind === 'scalar' || kind === 'posInt') {
          add('non-finite', NON_FINITE, range(full));
          add('not a number', NON_NUMBERS.filter((x) => x !== null), type(full));
        }
        if (kind === 'posInt') add('not a positive integer', [0, -1, 1.5, -0.5], range(full));
      }
    }
  });
  return out;
}

export interface InvalidCase {
  args: unknown[];
  which: number;
  variant: number;
  shift: number;
}

export function invalidCase(spec: KernelSpec): fc.Arbitrary<InvalidCase> {
  return fc.record({ args: spec.valid, which: fc.nat(), variant: fc.nat(), shift: fc.nat() });
}

/** Snapshot of every attached Float32Array's whole buffer, to prove a refused call wrote nothing. */
function snapshot(call: readonly unknown[]): Array<[ArrayBuffer, Uint8Array]> {
  const seen = new Map<ArrayBuffer, Uint8Array>();
  for (const v of call) {
    if (v instanceof Float32Array && v.buffer.byteLength > 0 && !seen.has(v.buffer as ArrayBuffer)) {
      seen.set(v.buffer as ArrayBuffer, new Uint8Array(v.buffer).slice());
    }
  }
  return [...seen];
}

/** The list of mutation labels a spec yields, for test titles and coverage checks. */
export function mutationLabels(spec: KernelSpec, fnName: string): string[] {
  return mutations(spec, fnName).map((m) => m.label);
}

/**
 * One invalid call. Returns undefined when it threw as documented and left
 * every array untouched, 'skip' when the mutation does not apply to these
 * arguments, else a failure description.
 */
export function checkInvalid(spec: KernelSpec, fnName: string, fn: Fn, ref: Fn, c: InvalidCase): string | 'skip' | undefined {
  const list = mutations(spec, fnName);
  const m = list[c.which % list.length]!;
  const mutated = m.apply(clone(c.args), c.variant, c.shift);
  if (!mutated) return 'skip';
  // The mutation must be the only fault: the generated call itself may carry
  // a finite hyper-parameter the kernel refuses (β = 1, ε = 0, 1e39).
  try {
    ref(...clone(c.args));
  } catch {
    return 'skip';
  }
  counter.cases++;
  const before = snapshot(mutated.call);
  try {
    fn(...mutated.call);
  } catch (e) {
    if (!(e instanceof mutated.expect.cls) || !mutated.expect.message.test(e.message)) {
      return `${m.label}: expected ${mutated.expect.cls.name} matching ${mutated.expect.message}, got ${errorText(e)}`;
    }
    for (const [buf, snap] of before) {
      if (!sameBytes(new Uint8Array(buf), snap)) return `${m.label}: a refused call modified memory`;
    }
    return undefined;
  }
  return `${m.label}: no error thrown`;
}
