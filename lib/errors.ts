// The one place that builds argument errors, so every message has the same
// shape: "<fn>: <argument> must be <expected>, got <actual>".

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    return 'length' in value ? `${name}(${(value as unknown as { length: number }).length})` : name;
  }
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

export function typeError(fn: string, arg: string, expected: string, actual: unknown): TypeError {
  return new TypeError(`${fn}: ${arg} must be ${expected}, got ${describe(actual)}`);
}

export function rangeError(fn: string, arg: string, expected: string, actual: string | number): RangeError {
  return new RangeError(`${fn}: ${arg} must be ${expected}, got ${actual}`);
}

/** "one of 'a', 'b', 'c'": the expected part of an error about a name from a list. */
export function oneOf(names: readonly string[]): string {
  return `one of ${names.map((n) => `'${n}'`).join(', ')}`;
}

/** "<fn>: <arg> must have shape <expected>, got [2, 3]": a tensor argument of the wrong shape. */
export function shapeError(fn: string, arg: string, expected: string, shape: readonly number[]): RangeError {
  return new RangeError(`${fn}: ${arg} must have shape ${expected}, got [${shape.join(', ')}]`);
}

/** A typed array whose ArrayBuffer was transferred away: "<fn>: <what> has detached memory (...)". */
export function detachedError(fn: string, what: string): TypeError {
  return new TypeError(`${fn}: ${what} has detached memory (its ArrayBuffer was transferred, e.g. to a worker)`);
}

/** "shape [2, 3]": the actual part of an error about a tensor's shape. */
export function shapeOf(shape: readonly number[]): string {
  return `shape [${shape.join(', ')}]`;
}

/** A non-null object (not an array), else a TypeError naming `arg`. */
export function checkObject(fn: string, arg: string, value: unknown, expected = 'an object'): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw typeError(fn, arg, expected, value);
}

/** One of `names`: a TypeError for a non-string, a RangeError for an unknown name. */
export function checkOneOf<T extends string>(fn: string, arg: string, names: readonly T[], value: unknown): T {
  if (typeof value !== 'string') throw typeError(fn, arg, oneOf(names), value);
  if (!(names as readonly string[]).includes(value)) throw rangeError(fn, arg, oneOf(names), JSON.stringify(value));
  return value as T;
}

/**
 * Refuses keys of `obj` not in `allowed`, naming the key itself:
 * "<fn>: <prefix><key> is not a known option (known: a, b, c)".
 */
export function checkKnownKeys(fn: string, prefix: string, obj: object, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new TypeError(`${fn}: ${prefix}${k} is not a known option (known: ${allowed.join(', ')})`);
  }
}

/**
 * A call that is refused because of the object's state, not its arguments
 * ("compile the model first", "a fit() is running"): an Error, so callers can
 * tell it from a TypeError/RangeError about what they passed.
 */
export function stateError(fn: string, what: string): Error {
  return new Error(`${fn}: ${what}`);
}

/** True when the ArrayBuffer behind a view has been detached (transferred). */
export function isDetached(view: ArrayBufferView): boolean {
  if (view.byteLength !== 0) return false;
  const buffer = view.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

// The %TypedArray%.prototype[Symbol.toStringTag] getter reads the internal
// [[TypedArrayName]] slot: 'Float32Array' for a real Float32Array of any
// realm (a vm context, another window), undefined for a Proxy, for
// Object.create(Float32Array.prototype) and for anything else, whatever
// properties or prototype they fake.
const typedArrayName = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype), Symbol.toStringTag)!.get!;

/** True for a real Float32Array, including one from another realm (instanceof would say false). */
export function isFloat32Array(value: unknown): value is Float32Array {
  return typedArrayName.call(value) === 'Float32Array';
}

/** A Float32Array that is not detached, else a TypeError naming `arg`. */
export function checkF32(fn: string, arg: string, value: unknown): asserts value is Float32Array {
  if (!isFloat32Array(value)) {
    // A Proxy or an object whose prototype is Float32Array.prototype: describe() would call it a Float32Array.
    const fake = value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && value instanceof Float32Array;
    if (fake) throw new TypeError(`${fn}: ${arg} must be a Float32Array, got an object that only inherits from Float32Array.prototype (a Proxy or Object.create) and has no typed-array memory`);
    throw typeError(fn, arg, 'a Float32Array', value);
  }
  // Built directly: typeError() would describe the string 'a detached buffer' as a value.
  if (isDetached(value)) throw new TypeError(`${fn}: ${arg} must be a Float32Array with an attached buffer, got a detached buffer`);
}

export function checkLength(fn: string, arg: string, value: Float32Array, expected: number): void {
  if (value.length !== expected) throw rangeError(fn, arg, `of length ${expected}`, `length ${value.length}`);
}

/** A finite number, returned rounded to float32 (the one rounding of scalars). */
export function checkFiniteF32(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(fn, arg, 'a finite number', value);
  if (!Number.isFinite(value)) throw rangeError(fn, arg, 'a finite number', describe(value));
  // A finite double beyond float32's range would become ±Infinity here.
  const f = Math.fround(value);
  if (!Number.isFinite(f)) throw rangeError(fn, arg, 'a finite number within float32 range (|x| <= 3.4028234663852886e38)', describe(value));
  return f;
}

export function checkInteger(fn: string, arg: string, value: unknown, min: number): number {
  if (typeof value !== 'number') throw typeError(fn, arg, `an integer >= ${min}`, value);
  // Beyond 2^53 integers are not exact, and no array has such a length.
  if (!Number.isSafeInteger(value) || value < min) throw rangeError(fn, arg, `an integer >= ${min}`, describe(value));
  return value;
}

// Two views over different SharedArrayBuffer objects may still share memory
// (a structuredClone'd or postMessage'd SharedArrayBuffer is a new object over
// the same bytes), which buffer identity cannot see. For those pairs the
// overlap check compares memory addresses, from the resolver that
// lib/backend/memory.ts installs (the native addon's memoryAddress); without
// one (no addon) it falls back to identity. ArrayBuffers never share memory.
let addressOf: ((view: ArrayBufferView) => number | undefined) | undefined;

/** Installs the address query used for views over distinct SharedArrayBuffers (lib/backend/memory.ts). */
export function setMemoryAddressResolver(f: (view: ArrayBufferView) => number | undefined): void {
  addressOf = f;
}

/** [first byte, one past the last) of both views, when they are comparable by address; else undefined. */
function addressRanges(a: ArrayBufferView, b: ArrayBufferView): [number, number, number, number] | undefined {
  if (typeof SharedArrayBuffer === 'undefined' || !(a.buffer instanceof SharedArrayBuffer) || !(b.buffer instanceof SharedArrayBuffer)) return undefined;
  const x = addressOf?.(a);
  const y = addressOf?.(b);
  if (x === undefined || y === undefined) return undefined;
  return [x, x + a.byteLength, y, y + b.byteLength];
}

function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength === 0 || b.byteLength === 0) return false;
  if (a.buffer === b.buffer) return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
  const r = addressRanges(a, b);
  return r !== undefined && r[0] < r[3] && r[2] < r[1];
}

function sameMemory(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.buffer === b.buffer) return a.byteOffset === b.byteOffset && a.byteLength === b.byteLength;
  const r = addressRanges(a, b);
  return r !== undefined && r[0] === r[2] && r[1] === r[3];
}

/**
 * Rejects an output that overlaps another argument. `mayAlias` lists the
 * arguments the output may be exactly the same memory as (elementwise
 * kernels); any other overlap, or a partial one, is a RangeError.
 */
export function checkNoOverlap(
  fn: string,
  outName: string,
  out: Float32Array,
  others: ReadonlyArray<readonly [string, Float32Array]>,
  mayAlias: ReadonlyArray<string> = [],
): void {
  for (const [name, arr] of others) {
    if (!overlaps(out, arr)) continue;
    if (mayAlias.includes(name) && sameMemory(out, arr)) continue;
    const how = sameMemory(out, arr) ? 'the same memory as' : 'memory overlapping';
    throw rangeError(fn, outName, `memory separate from ${name}${mayAlias.includes(name) ? ' (or exactly the same)' : ''}`, `${how} ${name}`);
  }
}
