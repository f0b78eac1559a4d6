// Parameter groups: the optimizer's `params` argument (parameters, or groups
// of them with their own hyper-parameters) checked and resolved, and each
// group's parameters coalesced into spans, so that parameters laid out one
// after the other (a model's arena) are updated by one kernel call.
import { checkF32, checkKnownKeys, rangeError, typeError } from '../errors.js';
import type { Parameter } from '../parameter.js';
import type { CommonHyper, OptimizerSpec, ParamGroup } from './base.js';

export interface Span {
  value: Float32Array;
  grad: Float32Array;
  offset: number;
  state: Float32Array[];
}

export interface Group<H> {
  params: readonly Parameter[];
  hyper: H;
  spans: Span[];
  size: number;
  /** One arena per slot, parallel to the group's parameters; null until the first step. */
  arenas: Float32Array[] | null;
}

export function checkKeys(fn: string, prefix: string, obj: object, allowed: readonly string[]): void {
  checkKnownKeys(fn, prefix, obj, allowed);
}

function isGroup(x: unknown): x is ParamGroup<unknown> {
  return typeof x === 'object' && x !== null && 'params' in x;
}

export function makeGroups<H extends CommonHyper>(
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
