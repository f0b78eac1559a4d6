// The safetensors container (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length N, N bytes of JSON header, then the
// raw little-endian tensor bytes. Only F32 tensors are written here; F32
// is read, and I64 where the caller allows it (PyTorch's batch counters).
// Every check happens before anything is returned, so a caller that
// validates the result against its model before copying never half-loads.

export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const DTYPE_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};
// Same bound as the reference implementation: a header larger than this is
// not a header but a corrupt length field.
const MAX_HEADER = 100_000_000;

function fail(source: string, what: string): never {
  throw new SafetensorsError(`${source}: ${what}`);
}

/** Serialises tensors (in the given order) with optional string metadata. */
export function writeSafetensors(tensors: readonly NamedTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || t.name in header) throw new SafetensorsError(`safetensors: duplicate or reserved tensor name "${t.name}"`);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new SafetensorsError(`safetensors: tensor "${t.name}" has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  const pad = (8 - ((8 + Buffer.byteLength(json)) % 8)) % 8;
  json += ' '.repeat(pad);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, pos += 4) view.setFloat32(pos, t.data[i]!, true);
  }
  return out;
}

/** One tensor's header entry: its name, shape and byte range within the data section. */
export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated header: where the data section starts and what it holds. */
export interface SafetensorsHeader {
  /** Bytes before the data section (8 + the header length). */
  dataStart: number;
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
}

/**
 * The header length announced by the first 8 bytes, checked against the
 * file's total length. Reading only these 8 bytes and then the header lets a
 * caller validate a file of any size before it reads or allocates its data.
 */
export function headerLength(first8: Uint8Array, fileLength: number, source = 'safetensors'): number {
  if (fileLength < 8 || first8.length < 8) fail(source, `file is truncated: ${fileLength} bytes, shorter than the 8-byte header length`);
  const n64 = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER)) fail(source, `header length ${n64} is implausible (corrupt file?)`);
  const n = Number(n64);
  if (8 + n > fileLength) fail(source, `file is truncated: header of ${n} bytes announced, only ${fileLength - 8} present`);
  return n;
}

/**
 * Parses and validates the JSON header (the bytes after the length field)
 * of a file of `fileLength` bytes: F32 only, shapes that match the byte
 * ranges, ranges that tile the data section exactly. Allocates nothing in
 * proportion to the tensors.
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileLength: number, source = 'safetensors', options: ReadOptions = {}): SafetensorsHeader {
  const n = headerBytes.length;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(headerBytes.buffer, headerBytes.byteOffset, n).toString('utf8'));
  } catch (e) {
    fail(source, `header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail(source, 'header must be a JSON object');
  const dataLength = fileLength - 8 - n;
  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(source, '__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(source, `__metadata__.${k} must be a string`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(parseEntry(source, name, info, options.int64?.(name) ?? false));
  }
  // Byte ranges must tile the data section exactly: no gap, no overlap.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of sorted) {
    if (e.begin !== expected) {
      fail(source, e.begin < expected ? `tensor "${e.name}" overlaps the previous tensor's bytes` : `gap in the data before tensor "${e.name}"`);
    }
    expected = e.end;
  }
  if (expected > dataLength) fail(source, `file is truncated: tensors need ${expected} data bytes, only ${dataLength} present`);
  if (expected < dataLength) fail(source, `${dataLength - expected} unexpected bytes after the last tensor`);
  return { dataStart: 8 + n, entries, metadata };
}

/** The tensors of a validated header, decoded from `data` (the data section). */
export function decodeTensors(header: SafetensorsHeader, data: Uint8Array, source = 'safetensors'): Map<string, NamedTensor> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tensors = new Map<string, NamedTensor>();
  for (const e of header.entries) {
    if (e.dtype === 'I64') {
      // A counter (PyTorch's num_batches_tracked): float32 holds it exactly up to 2^24.
      const count = (e.end - e.begin) / 8;
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(e.begin + 8 * i, true);
        if (v < -(2n ** 24n) || v > 2n ** 24n) fail(source, `tensor "${e.name}" holds the I64 value ${v} at index ${i}, beyond 2^24, which float32 cannot hold exactly`);
        out[i] = Number(v);
      }
      tensors.set(e.name, { name: e.name, shape: e.shape, data: out });
      continue;
    }
    const count = (e.end - e.begin) / 4;
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(e.begin + 4 * i, true);
    tensors.set(e.name, { name: e.name, shape: e.shape, data: out });
  }
  return tensors;
}

/**
 * Parses and validates a whole file. `source` names it in error messages.
 * Throws SafetensorsError saying what is wrong: truncated file, bad header
 * length, header JSON, a non-F32 dtype, shapes that do not match the byte
 * ranges, overlapping or missing byte ranges.
 */
export function readSafetensors(bytes: Uint8Array, source = 'safetensors', options: ReadOptions = {}): SafetensorsFile {
  const n = headerLength(bytes, bytes.length, source);
  const header = parseSafetensorsHeader(bytes.subarray(8, 8 + n), bytes.length, source, options);
  return { tensors: decodeTensors(header, bytes.subarray(header.dataStart), source), metadata: header.metadata };
}

export interface ReadOptions {
  /** Tensors that may be I64 (read as float32, exact up to 2^24): PyTorch's num_batches_tracked counters. Every other tensor must be F32. */
  int64?: (name: string) => boolean;
}

function parseEntry(source: string, name: string, info: unknown, int64 = false): SafetensorsEntry {
  if (info === null || typeof info !== 'object') fail(source, `tensor "${name}" must be an object with dtype, shape, data_offsets`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) fail(source, `tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}`);
  if (dtype !== 'F32' && !(int64 && dtype === 'I64')) fail(source, `tensor "${name}" has dtype ${dtype}; only F32 is supported (convert with tensor.float())`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(source, `tensor "${name}" shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isSafeInteger(d) && d >= 0) || offsets[0] > offsets[1]) {
    fail(source, `tensor "${name}" data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
  }
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  const [begin, end] = offsets as [number, number];
  const bytes = dtype === 'I64' ? 8 : 4;
  if (end - begin !== count * bytes) {
    fail(source, `tensor "${name}" shape [${(shape as number[]).join(', ')}] needs ${count * bytes} bytes but data_offsets span ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}
