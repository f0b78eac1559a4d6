// Deterministic test data, cheap to make at 1.6e7 elements (a 32-bit LCG).

/** Float32Array of n values uniform in [lo, hi). */
export function uniform(n, seed = 1, lo = -1, hi = 1) {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  const scale = (hi - lo) / 4294967296;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + s * scale;
  }
  return a;
}

/** Memoises a builder per key (buffers shared by the cases of one size). */
export function memo(build) {
  const cache = new Map();
  return (key) => {
    if (!cache.has(key)) cache.set(key, build(key));
    return cache.get(key);
  };
}
