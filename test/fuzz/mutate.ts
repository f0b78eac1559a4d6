// Mutators for the file fuzzers: a seeded PRNG, byte-level mutations of a
// buffer, and structural mutations of parsed JSON (replace, delete or add a
// value somewhere in the tree with one of the values that break parsers).

/** xorshift128+: fast, seeded, the same cases on every run for a given seed. */
export class Prng {
  private a: bigint;
  private b: bigint;
  constructor(seed: number) {
    this.a = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
    this.b = (BigInt(seed) ^ 0x5bd1e995n) * 0xbf58476d1ce4e5b9n + 7n;
    this.a &= 0xffffffffffffffffn;
    this.b &= 0xffffffffffffffffn;
    for (let i = 0; i < 4; i++) this.next();
  }
  private next(): bigint {
    let s1 = this.a;
    const s0 = this.b;
    this.a = s0;
    s1 ^= (s1 << 23n) & 0xffffffffffffffffn;
    this.b = s1 ^ s0 ^ (s1 >> 17n) ^ (s0 >> 26n);
    return (this.b + s0) & 0xffffffffffffffffn;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Number(this.next() % BigInt(Math.max(1, n)));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

const INTERESTING_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x22, 0x5b, 0x5d, 0x7b, 0x7d, 0x2c, 0x3a, 0x30, 0x2d, 0x65];

/** One to four byte-level mutations: bit flips, interesting bytes, truncation, extension, a copied or deleted run. */
export function mutateBytes(src: Uint8Array, r: Prng): Uint8Array {
  // A copy (Buffer.prototype.slice would share the source's memory).
  let b: Uint8Array = Uint8Array.prototype.slice.call(src);
  const n = 1 + r.int(4);
  for (let i = 0; i < n; i++) {
    const at = r.int(b.length + 1);
    switch (r.int(8)) {
      case 0:
        if (b.length) b[r.int(b.length)]! ^= 1 << r.int(8);
        break;
      case 1:
        if (b.length) b[r.int(b.length)] = r.pick(INTERESTING_BYTES);
        break;
      case 2:
        b = Uint8Array.prototype.slice.call(b, 0, at);
        break;
      case 3: {
        const extra = new Uint8Array(1 + r.int(16)).map(() => r.int(256));
        const out = new Uint8Array(b.length + extra.length);
        out.set(b.subarray(0, at));
        out.set(extra, at);
        out.set(b.subarray(at), at + extra.length);
        b = out;
        break;
      }
      case 4: {
        const len = r.int(Math.min(32, b.length - at) + 1);
        const out = new Uint8Array(b.length - len);
        out.set(b.subarray(0, at));
        out.set(b.subarray(at + len), at);
        b = out;
        break;
      }
      case 5:
        // The length field's bytes: the header length is the most fragile number.
        if (b.length >= 8) b[r.int(8)] = r.int(256);
        break;
      case 6:
        if (b.length) b[r.int(Math.min(b.length, 256))] = r.pick(INTERESTING_BYTES);
        break;
      default: {
        const len = r.int(Math.min(16, b.length) + 1);
        const from = r.int(b.length - len + 1);
        b.copyWithin(r.int(b.length - len + 1), from, from + len);
      }
    }
  }
  return b;
}

const EVIL: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  1,
  0.5,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e308,
  -1e308,
  1e-320,
  '',
  'x',
  'NaN',
  '1',
  '__proto__',
  'constructor',
  [],
  [0],
  [-1, 2],
  [2 ** 40, 2 ** 40],
  {},
  { type: 'custom' },
  { __proto__: { polluted: 1 } },
];

type Json = unknown;

function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = [], depth = 0): (string | number)[][] {
  out.push(prefix);
  if (depth > 12 || v === null || typeof v !== 'object') return out;
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out, depth + 1));
  else for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out, depth + 1);
  return out;
}

/** A fresh value (never one of EVIL's own objects: a later mutation would change the list itself). */
function evil(r: Prng, original: Json): Json {
  return structuredClone(evilShared(r, original));
}

function evilShared(r: Prng, original: Json): Json {
  switch (r.int(6)) {
    case 0:
      return structuredClone(r.pick(EVIL));
    case 1:
      // A nearby number: off by one, doubled, negated, a fraction.
      return typeof original === 'number' ? r.pick([original + 1, original - 1, original * 2, -original, original + 0.5, original * 1e6]) : r.pick(EVIL);
    case 2:
      return typeof original === 'string' ? original.slice(0, r.int(original.length + 1)) + r.pick(['', 'x', '0', '-', '=']) : r.pick(EVIL);
    case 3:
      return Array.isArray(original) ? [...original, ...original] : [original];
    case 4: {
      // Deep nesting, to find recursion without a bound.
      let v: Json = 1;
      for (let i = 0; i < 200 + r.int(2000); i++) v = r.int(2) ? [v] : { type: 'multiply', schedules: [v] };
      return v;
    }
    default:
      return structuredClone(r.pick(EVIL));
  }
}

/** One to three structural mutations of a JSON value (a copy): replace, delete or add a value at a random place. */
export function mutateJson(src: Json, r: Prng): Json {
  const root = { v: structuredClone(src) } as Record<string, Json>;
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const all = paths(root.v, ['v']);
    const path = r.pick(all);
    let parent: Record<string | number, Json> = root as Record<string | number, Json>;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
    const key = path[path.length - 1]!;
    const op = r.int(5);
    if (op === 0 && key !== 'v') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (op === 1 && parent[key] !== null && typeof parent[key] === 'object' && !Array.isArray(parent[key])) {
      (parent[key] as Record<string, Json>)[r.pick(['extra', 'params', 'type', 'kind', 'step', 'lr', '__proto__'])] = evil(r, undefined);
    } else {
      parent[key] = evil(r, parent[key]);
    }
  }
  return root.v;
}

/** JSON text with a byte-level mutation (broken syntax as well as odd values). */
export function mutateJsonText(text: string, r: Prng): string {
  return Buffer.from(mutateBytes(Buffer.from(text, 'utf8'), r)).toString('utf8');
}
