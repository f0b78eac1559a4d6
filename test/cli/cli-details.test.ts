// The CLI's small promises: --version, help that fits 80 columns, help for
// every command (kernels included) without running it, quiet exit when the
// reader of a pipe goes away, and --layers= as a model with no hidden layer.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iris } from '../helpers/datasets.js';
import { buildJs, root } from '../train/helpers.js';

let cli = '';
const work = mkdtempSync(join(tmpdir(), 'nodegrad-details-'));
beforeAll(() => {
  cli = join(buildJs('details'), 'cli.js');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('CLI details', () => {
  it('--version prints package.json\'s version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = run([flag]);
      expect({ code: r.status, out: r.stdout }).toEqual({ code: 0, out: `${version}\n` });
    }
  });

  it('every help text fits in 80 columns; `kernels --help` prints help instead of running', () => {
    for (const args of [['--help'], ['train', '--help'], ['predict', '--help'], ['evaluate', '--help'], ['demo', '--help'], ['kernels', '--help']]) {
      const r = run(args);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: nodegrad/);
      for (const line of r.stdout.split('\n')) expect({ args, line, fits: line.length <= 80 }).toEqual({ args, line, fits: true });
    }
    // The kernels table would print "native SIMD path" after ~10 s of measuring.
    expect(run(['kernels', '--help']).stdout).not.toContain('GB/s');
  });

  it('output into a pipe whose reader closed early (| head -1) ends quietly with code 0', async () => {
    const data = join(work, 'many.csv');
    // 150 rows × 40 copies: more output than a pipe buffer holds.
    const csv = iris().csv;
    const body = csv.split('\n').slice(1).filter(Boolean);
    writeFileSync(data, [csv.split('\n')[0], ...Array.from({ length: 40 }, () => body).flat()].join('\n') + '\n');
    const model = join(work, 'model');
    expect(run(['train', '--data', join(work, 'many.csv'), '--layers', '8', '--epochs', '5', '--backend', 'reference', '--save', model]).status).toBe(0);
    const result = await new Promise<{ code: number | null; stderr: string; first: string }>((resolve) => {
      const p = spawn(process.execPath, [cli, 'predict', '--model', model, '--data', data, '--backend', 'reference']);
      let stderr = '';
      let first = '';
      p.stderr.on('data', (d) => (stderr += d));
      p.stdout.once('data', (d) => {
        first = String(d).split('\n')[0]!;
        p.stdout.destroy(); // what `head -1` does after its line
      });
      p.on('close', (code) => resolve({ code, stderr, first }));
    });
    expect(result.first).toBe('row,class,p_setosa,p_versicolor,p_virginica');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('--layers= means no hidden layer (a linear model), as the help says', () => {
    const data = join(work, 'iris.csv');
    writeFileSync(data, iris().csv);
    const r = run(['train', '--data', data, '--layers=', '--backend', 'reference']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^1 {2}Dense\(4→3\) +\[batch, 3\] +15$/m);
    expect(r.stdout).not.toContain('relu');
    expect(run(['train', '--help']).stdout).toContain('--layers= or --layers "" means no hidden layer');
  });
});
