// Seeded, stratified train/test split: each class contributes its share of
// the test set (largest-remainder rounding so the total is exact).
import { describe, rangeError, typeError } from '../errors.js';
import { Rng } from '../random.js';

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** Row indices of a stratified split with `testSize` test rows in total. */
export function stratifiedSplit(labels: Int32Array, testSize: number, seed: number): Split {
  const n = labels.length;
  if (typeof testSize !== 'number') throw typeError('stratifiedSplit', 'testSize', `an integer in [0, ${n}]`, testSize);
  if (!Number.isInteger(testSize) || testSize < 0 || testSize > n) throw rangeError('stratifiedSplit', 'testSize', `an integer in [0, ${n}]`, describe(testSize));
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const exact = classes.map((c) => (byClass.get(c)!.length * testSize) / n);
  const take = exact.map(Math.floor);
  let missing = testSize - take.reduce((a, b) => a + b, 0);
  const order = classes.map((_, k) => k).sort((a, b) => exact[b]! - take[b]! - (exact[a]! - take[a]!) || a - b);
  for (const k of order) {
    if (missing === 0) break;
    take[k]!++;
    missing--;
  }
  const rng = new Rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  classes.forEach((c, k) => {
    const idx = Int32Array.from(byClass.get(c)!);
    rng.shuffle(idx);
    for (let i = 0; i < idx.length; i++) (i < take[k]! ? test : train).push(idx[i]!);
  });
  return { train: rng.shuffle(Int32Array.from(train)), test: rng.shuffle(Int32Array.from(test)) };
}
