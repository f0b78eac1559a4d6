// Which float32 arrays in the nodegrad backend's store may be written in
// place (by the native optimizer steps, lib/tfjs/optimizers.ts).
//
// tfjs may hand the backend the user's own array (`tf.tensor(f32)`,
// `setWeights`), `dataSync()` returns the backend's array itself, and
// tfjs-backend-cpu's simple Slice returns a subarray of its input. So an
// array is written in place only when this module allocated it (the one copy
// a variable gets on its first native step), no read has handed it out since
// and no view of it was taken, and its data id has refCount 1 (no other
// tensor shares it). Otherwise the step copies once, and the copy is owned.
import type { DataId, Variable } from '@tensorflow/tfjs-core';
import { engine } from '@tensorflow/tfjs-core';
import type { NodegradBackend } from './backend.js';

/** Buffers of the arrays this module allocated and that nothing else has seen. */
const owned = new WeakSet<ArrayBufferLike>();

interface Entry {
  values: unknown;
  dtype: string;
  refCount: number;
}

function entry(b: NodegradBackend, id: DataId): Entry {
  return (b as unknown as { data: { get(id: DataId): Entry } }).data.get(id);
}

/** The float32 values of a tensor on `b` (read only), or undefined. */
export function f32Values(b: NodegradBackend, id: DataId): Float32Array | undefined {
  const has = (b as unknown as { data: { has(id: DataId): boolean } }).data.has(id);
  if (!has) return undefined;
  const v = entry(b, id).values;
  return v instanceof Float32Array ? v : undefined;
}

/** An array someone outside this module may hold now: never written in place again. */
export function disown(values: unknown): void {
  if (ArrayBuffer.isView(values)) owned.delete(values.buffer);
}

/** Whether `values` is a view of an array this module may write. */
export function isOwned(values: unknown): boolean {
  return ArrayBuffer.isView(values) && owned.has(values.buffer);
}

/**
 * The variable's values, writable in place: its own array when that is
 * safe (see above), else a copy made once and installed as its data (the
 * variable keeps its data id when no other tensor shares it, else it is
 * assigned a new tensor holding the copy).
 */
export function writable(b: NodegradBackend, v: Variable): Float32Array {
  const e = entry(b, v.dataId);
  const vals = e.values as Float32Array;
  if (e.refCount === 1 && owned.has(vals.buffer) && vals.byteOffset === 0 && vals.length === vals.buffer.byteLength / 4) return vals;
  const copy = new Float32Array(vals);
  owned.add(copy.buffer);
  if (e.refCount === 1) {
    e.values = copy;
    return copy;
  }
  const fresh = engine().makeTensor(copy, v.shape, 'float32', b);
  v.assign(fresh);
  fresh.dispose();
  return copy;
}

let patched = false;

/**
 * Marks every array a read hands out (dataSync, data, bufferSync, moving the
 * data to another backend all go through readSync) as no longer owned.
 */
export function trackReads(cls: { prototype: NodegradBackend }): void {
  if (patched) return;
  patched = true;
  const proto = cls.prototype as unknown as { readSync(id: DataId): unknown };
  const readSync = proto.readSync;
  proto.readSync = function (this: NodegradBackend, id: DataId) {
    const r = readSync.call(this, id);
    disown(r);
    return r;
  };
}
