// Small models and data sets for the training tests, and a compiled copy of
// lib/ for worker threads and CLI runs (they need JavaScript).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Dense, Sequential, Tensor, type BackendName } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';

export const root = new URL('../..', import.meta.url).pathname;

/** Two interleaved classes in 2-D with a third noise feature: learnable by a small MLP. */
export function blobs(n: number, seed: number, classes = 3, features = 4): { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * features);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let j = 0; j < features; j++) x[i * features + j] = (j === c % features ? 2 : 0) + 0.7 * rng.normal();
  }
  return { x: new Tensor(x, [n, features]), y: new Tensor(y, [n]) };
}

export function smallModel(backend: BackendName, seed = 7, features = 4, classes = 3): Sequential {
  return new Sequential([new Dense(features, 16, { activation: 'tanh' }), new Dense(16, classes)], { backend, seed });
}

/** Bit patterns, so equality is bitwise (NaN payloads and -0 included). */
export function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

/**
 * Compiles lib/ into build-js-<name>/ (one directory per test file, so files
 * run in parallel do not race; one level deep like dist/, so the package
 * root and package.json resolve as they do from dist/; git-ignored).
 */
export function buildJs(name: string): string {
  const out = join(root, `build-js-${name}`);
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out, '--sourceMap', 'false', '--declaration', 'false'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0 || !existsSync(join(out, 'index.js'))) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
  return out;
}
