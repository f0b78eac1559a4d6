// The CLI's defaults on real tabular data from npm packages (iris,
// penguins, cars, Seattle weather): `nodegrad train --data FILE` with no
// other flag must come within a few points of a tuned run, and the issue's
// failing case (iris, --layers 16, otherwise defaults: 3-43% over seeds
// 1-5) must learn on every seed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABULAR } from '../helpers/datasets.js';
import { buildJs } from '../train/helpers.js';

let cli = '';
const work = mkdtempSync(join(tmpdir(), 'nodegrad-defaults-'));
beforeAll(() => {
  cli = join(buildJs('defaults'), 'cli.js');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function accuracy(file: string, flags: string[]): number {
  const r = spawnSync(process.execPath, [cli, 'train', '--data', file, ...flags], { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  expect(r.stderr).toBe(''); // in particular no "too few steps" warning with the defaults
  expect(r.status).toBe(0);
  return Number(/^test accuracy: ([\d.]+)%/m.exec(r.stdout)![1]);
}

const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const SEEDS = ['1', '2', '3'];
// The tuned runs: the best of a small grid tried by hand on these sets (a
// smaller net and a 10× learning rate, with the same auto epochs/early stopping).
const TUNED = [
  ['--layers', '32', '--lr', '0.01'],
  ['--layers', '64', '--lr', '0.003', '--epochs', '200'],
];

describe('default flags on real tabular data', () => {
  for (const [key, load] of Object.entries(TABULAR)) {
    it(`${key}: defaults within 7 points of the best tuned run (mean of 3 seeds)`, () => {
      const d = load();
      const file = join(work, `${key}.csv`);
      writeFileSync(file, d.csv);
      const byDefault = mean(SEEDS.map((s) => accuracy(file, ['--seed', s])));
      const tuned = Math.max(...TUNED.map((flags) => mean(SEEDS.map((s) => accuracy(file, [...flags, '--seed', s])))));
      console.log(`${key} (${d.rows} rows, ${d.classes} classes): default ${byDefault.toFixed(2)}%, tuned ${tuned.toFixed(2)}%`);
      // 7 points: iris's test set is 30 rows, so one row is 3.3 points; 7 points is two of its rows.
      expect(byDefault).toBeGreaterThanOrEqual(tuned - 7);
    });
  }

  it('iris with --layers 16 and otherwise defaults learns on seeds 1-5 (it gave 3-43% with 10 optimizer steps)', () => {
    const file = join(work, 'iris16.csv');
    writeFileSync(file, TABULAR.iris().csv);
    for (const s of ['1', '2', '3', '4', '5']) {
      // Chance is 33%; a learnt model misses at most a few of the 30 test rows.
      expect(accuracy(file, ['--layers', '16', '--seed', s])).toBeGreaterThan(85);
    }
  });
});
