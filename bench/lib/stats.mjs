// Summary statistics of a list of samples.

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** { median, min, max, samples } of the samples. */
export function summarize(xs) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), samples: xs.length };
}

/**
 * A time summary turned into a rate: work / seconds. The slowest sample gives
 * the lowest rate, so min and max swap.
 */
export function toRate(seconds, work) {
  return { median: work / seconds.median, min: work / seconds.max, max: work / seconds.min, samples: seconds.samples };
}
