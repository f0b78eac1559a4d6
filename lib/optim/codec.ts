// Float32Array <-> base64 of its little-endian bytes: compact, JSON-safe and
// exact. Bytes are copied, never read as numbers, so every bit pattern (NaN
// payloads included) round-trips.
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swap4(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const [a, b, c, d] = [bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!];
    bytes[i] = d;
    bytes[i + 1] = c;
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

export function encodeF32(a: Float32Array): string {
  const bytes = Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  if (!littleEndian) swap4(bytes);
  return bytes.toString('base64');
}

/** The decoded array, or undefined when `s` is not base64 of exactly `length` floats. */
export function decodeF32(s: unknown, length: number): Float32Array | undefined {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length !== 4 * length) return undefined;
  const out = new Float32Array(length);
  const view = new Uint8Array(out.buffer);
  view.set(bytes);
  if (!littleEndian) swap4(view);
  return out;
}
