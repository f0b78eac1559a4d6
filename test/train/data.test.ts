import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../lib/io/csv.js';
import { loadMnist, mnistDir } from '../../lib/cli/mnist.js';
import { stratifiedSplit } from '../../lib/train/split.js';
import { createProgress } from '../../lib/train/progress.js';
import { shiftedCopies } from '../../lib/cli/augment.js';
import { Tensor } from '../../lib/index.js';
import type { TrainingContext } from '../../lib/train/types.js';

describe('parseCsv', () => {
  it('reads numeric rows with an optional header; the last column is the label', () => {
    const a = parseCsv('f1,f2,y\n1,2,0\n\n3.5,-4e-1,2\n', 'a.csv');
    // The distinct labels found (0 and 2) are the classes: 2 of them, not 3.
    expect(a).toEqual({
      x: Float32Array.from([1, 2, 3.5, -0.4]),
      labels: Int32Array.from([0, 1]),
      rows: 2,
      features: 2,
      classes: 2,
      classLabels: ['0', '2'],
      featureNames: ['f1', 'f2'],
      labelName: 'y',
    });
    const b = parseCsv('1,2,0\r\n3,4,1\r\n', 'b.csv');
    expect(b.rows).toBe(2);
    expect(Array.from(b.labels)).toEqual([0, 1]);
  });
  it('names the line of a malformed row', () => {
    expect(() => parseCsv('a,b,y\n1,2,0\n1,2\n', 'f.csv')).toThrow('f.csv:3: expected 3 columns, got 2');
    expect(() => parseCsv('1,2,0\n1,,1\n', 'f.csv')).toThrow('f.csv:2: column 2 is not a finite number: ""');
    expect(() => parseCsv('1,2,0\n1,2,\n', 'f.csv')).toThrow('f.csv:2: the label (column 3) is empty');
    expect(() => parseCsv('1,2,0\n1,Infinity,1\n', 'f.csv')).toThrow('f.csv:2: column 2 is not a finite number: "Infinity"');
    expect(() => parseCsv('a,b\n', 'f.csv')).toThrow('f.csv: no data rows');
    expect(() => parseCsv('1,0\n2,0\n', 'f.csv')).toThrow('f.csv: the label column has a single class (0); need at least 2');
  });
});

describe('stratifiedSplit', () => {
  it('gives each class its share of the test set, exactly testSize rows, no overlap, reproducibly', () => {
    // Class sizes 5, 7 and 13 (25 rows); 10 test rows: shares 2, 2.8, 5.2 → 2, 3, 5 (largest remainders).
    const labels = Int32Array.from([...Array(5).fill(0), ...Array(7).fill(1), ...Array(13).fill(2)]);
    const s = stratifiedSplit(labels, 10, 42);
    expect(s.test.length).toBe(10);
    expect(s.train.length).toBe(15);
    expect(new Set([...s.train, ...s.test]).size).toBe(25);
    const count = (idx: Int32Array, c: number) => Array.from(idx).filter((i) => labels[i] === c).length;
    expect([0, 1, 2].map((c) => count(s.test, c))).toEqual([2, 3, 5]);
    expect(stratifiedSplit(labels, 10, 42)).toEqual(s);
    expect(stratifiedSplit(labels, 10, 43)).not.toEqual(s);
  });
  it('splits the MNIST digits 8000/2000 with 20% of each digit (±1) in the test set', () => {
    if (!mnistDir()) return; // the devDependency is installed in this repository
    const d = loadMnist();
    expect(d.rows).toBe(10000);
    expect(d.features).toBe(784);
    const s = stratifiedSplit(d.labels, 2000, 1);
    expect(s.test.length).toBe(2000);
    for (let c = 0; c < 10; c++) {
      const total = d.labels.filter((l) => l === c).length;
      const inTest = Array.from(s.test).filter((i) => d.labels[i] === c).length;
      expect(Math.abs(inTest - total / 5)).toBeLessThanOrEqual(1);
    }
  });
});

describe('progress', () => {
  const ctx = { epoch: 0, params: { epochs: 2, batchSize: 10, samples: 30, steps: 3, verbose: 1 } } as unknown as TrainingContext;
  function drive(isTTY: boolean): string {
    let out = '';
    let t = 0;
    const p = createProgress(1, { isTTY, write: (s: string) => void (out += s) }, () => t);
    p.onEpochBegin!(0, ctx);
    for (let i = 0; i < 3; i++) {
      t += 500; // 10 samples per 0.5 s
      p.onBatchEnd!(i, { size: 10, loss: 0.5 }, ctx);
    }
    p.onEpochEnd!(0, { loss: 0.5, accuracy: 0.75 }, ctx);
    return out;
  }
  it('writes one plain line per epoch when not a TTY', () => {
    expect(drive(false)).toBe('epoch 1/2  loss 0.5000  accuracy 0.7500  1.5s  20 samples/s\n');
  });
  it('draws a live line with batch, loss, samples/s and the whole run\'s ETA on a TTY', () => {
    const out = drive(true);
    // After 10 of the run's 60 samples (2 epochs × 30) in 0.5 s: 50 samples at 20/s is 2.5 s.
    expect(out).toContain('\repoch 1/2  batch 1/3  loss 0.5000  20 samples/s  ETA 2.5s\x1b[K');
    expect(out).toContain('batch 3/3');
    expect(out.endsWith('\repoch 1/2  loss 0.5000  accuracy 0.7500  1.5s  20 samples/s\x1b[K\n')).toBe(true);
  });
});

describe('shiftedCopies', () => {
  it('appends copies shifted by one pixel (zero-filled edge), labels kept', () => {
    const x = Tensor.from([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 9]); // one 3×3 image
    const { x: ax, y: ay } = shiftedCopies(x, Tensor.from([7], [1]), 3, 3, 1);
    expect(ax.shape).toEqual([4, 9]);
    expect(Array.from(ay.data)).toEqual([7, 7, 7, 7]);
    expect(Array.from(ax.data.subarray(0, 9))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const img = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
    for (let c = 1; c <= 3; c++) {
      const copy = Array.from(ax.data.subarray(9 * c, 9 * c + 9));
      // Some shift (dx, dy) in {-1, 0, 1}², not both 0, must reproduce the copy.
      const matches = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => [dx, dy])).filter(([dx, dy]) => {
        if (dx === 0 && dy === 0) return false;
        return copy.every((v, k) => {
          const r = Math.floor(k / 3) - dy!;
          const col = (k % 3) - dx!;
          return v === (r >= 0 && r < 3 && col >= 0 && col < 3 ? img[r]![col]! : 0);
        });
      });
      expect(matches.length).toBe(1);
    }
  });
});
