// A small deterministic PRNG of our own (xoshiro128**, seeded by splitmix32),
// so that seeded runs are reproducible bit for bit on every platform.

export class Rng {
  /**
   * The xoshiro128** state [s0, s1, s2, s3]. A Uint32Array so that a native
   * kernel (the dropout mask, native/kernels/norm_body.inc) can draw from
   * the same stream, in place, with the same bits as nextU32.
   */
  readonly state = new Uint32Array(4);
  private spareNormal: number | undefined;

  constructor(seed = 0x9e3779b9) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.state[i] = next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    return xoshiroNext(this.state);
  }

  /** Uniform in [0, 1), 53 bits. */
  uniform(): number {
    return xoshiroUniform(this.state);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }
}

/** One xoshiro128** draw from `s` (advanced in place): Rng.nextU32's step. */
export function xoshiroNext(s: Uint32Array): number {
  const s0 = s[0]!;
  const s1 = s[1]!;
  const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
  const t = s1 << 9;
  const s2 = s[2]! ^ s0;
  const s3 = s[3]! ^ s1;
  s[1] = s1 ^ s2;
  s[0] = s0 ^ s3;
  s[2] = s2 ^ t;
  s[3] = rotl(s3 >>> 0, 11);
  return result;
}

/** Rng.uniform() on a state: 53 bits in [0, 1) from two draws. */
export function xoshiroUniform(s: Uint32Array): number {
  const hi = xoshiroNext(s) >>> 5;
  const lo = xoshiroNext(s) >>> 6;
  return (hi * 67108864 + lo) / 9007199254740992;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
