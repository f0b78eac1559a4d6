// The 4-byte kernels (gather, transpose) move bits, not values: int32 data
// goes through them as a Float32Array view of the same memory.

/** A Float32Array over a float32 or int32 tensor's values (no copy), or undefined for other data. */
export function asF32(dtype: string, v: Float32Array | Int32Array | Uint8Array): Float32Array | undefined {
  if (dtype === 'float32' && v instanceof Float32Array) return v;
  if (dtype === 'int32' && v instanceof Int32Array) return new Float32Array(v.buffer, v.byteOffset, v.length);
  return undefined;
}
