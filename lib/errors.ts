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

/** A Float32Array that is not detached, else a TypeError naming `arg`. */
export function checkF32(fn: string, arg: string, value: unknown): asserts value is Float32Array {
  if (!(value instanceof Float32Array)) throw typeError(fn, arg, 'a Float32Array', value);
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

function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.buffer !== b.buffer || a.byteLength === 0 || b.byteLength === 0) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

function sameMemory(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset && a.byteLength === b.byteLength;
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
