#!/usr/bin/env node
// A consumer project for nodegrad/tfjs in DIR, as `npm install` would lay it
// out: node_modules/nodegrad (package.json, the compiled dist/, the built
// addon) beside the user's tfjs packages, and the check scripts.
//
// node scripts/tfjs-consumer/make-project.mjs DIR DIST [TFJS_VERSION]
//   DIST: a compiled lib/ (dist/ or a tsc --outDir)
//   TFJS_VERSION: install @tensorflow/tfjs-core and tfjs-backend-cpu at
//     exactly this version from the registry; omitted, link this
//     repository's own (the devDependency version).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const [dir, dist, version] = process.argv.slice(2);
if (!dir || !dist) throw new Error('usage: make-project.mjs DIR DIST [TFJS_VERSION]');

mkdirSync(join(dir, 'node_modules'), { recursive: true });
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'nodegrad-tfjs-consumer', private: true, type: 'commonjs' }, null, 2));
for (const f of ['checks.cjs', 'check.cjs', 'check.mjs', 'check-types.ts']) copyFileSync(join(here, f), join(dir, f));
writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['check-types.ts'] }, null, 2),
);

if (version) {
  // Exact versions, no lockfile of ours, no install scripts (neither package has one).
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', `@tensorflow/tfjs-core@${version}`, `@tensorflow/tfjs-backend-cpu@${version}`, 'node-gyp-build@4.8.4'], {
    cwd: dir,
    stdio: 'inherit',
  });
} else {
  // Links to this repository's copies: Node resolves a link to its real
  // path, so nodegrad (a real directory here) and the user both reach the
  // same tfjs-core file, as with an npm-installed flat tree.
  mkdirSync(join(dir, 'node_modules', '@tensorflow'), { recursive: true });
  for (const p of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', 'node-gyp-build']) symlinkSync(join(root, 'node_modules', p), join(dir, 'node_modules', p));
}

// After the install: npm prunes what its package.json does not list.
const pkg = join(dir, 'node_modules', 'nodegrad');
mkdirSync(join(pkg, 'build', 'Release'), { recursive: true });
copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
cpSync(resolve(dist), join(pkg, 'dist'), { recursive: true });
copyFileSync(join(root, 'build', 'Release', 'nodegrad.node'), join(pkg, 'build', 'Release', 'nodegrad.node'));
