// The entry point as a consumer project sees it: `import 'nodegrad/tfjs'`
// (ESM) and `require('nodegrad/tfjs')` (CommonJS) from an installed-looking
// node_modules/nodegrad, one tfjs copy shared with the user, the types, the
// loader's error when the addon cannot load, and a main `nodegrad` entry
// that never loads tfjs. (The lowest and highest tfjs versions: CI suite
// scripts/ci-suites/81-tfjs-versions.sh, which installs them.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../train/helpers.js';

let work = '';
const tsc = join(root, 'node_modules/typescript/bin/tsc');

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  // The compiled lib with its declarations, one level deep like dist/.
  const out = join(root, 'build-js-tfjs-entry');
  const c = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', out, '--sourceMap', 'false'], { cwd: root, encoding: 'utf8' });
  if (c.status !== 0 || !existsSync(join(out, 'tfjs', 'index.d.ts'))) throw new Error(`tsc failed:\n${c.stdout}${c.stderr}`);
  work = mkdtempSync(join(tmpdir(), 'nodegrad-tfjs-consumer-'));
  const m = spawnSync(process.execPath, [join(root, 'scripts/tfjs-consumer/make-project.mjs'), work, out], { encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`make-project failed:\n${m.stdout}${m.stderr}`);
}, 120_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('nodegrad/tfjs from a consumer project', () => {
  it('ESM: import registers the default backend in the user’s tfjs copy, and require in the same process gets the same module', () => {
    const r = run(['check.mjs']);
    expect({ code: r.code, err: r.code === 0 ? '' : r.err }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/^esm ok: tfjs-core 4\.\d+\.\d+, \d+ native kernels/);
  });

  it('CommonJS: require registers the default backend', () => {
    const r = run(['check.cjs']);
    expect({ code: r.code, err: r.code === 0 ? '' : r.err }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/^cjs ok: /);
  });

  it('the declarations type-check in a nodenext consumer (and are not any)', () => {
    const r = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: work, encoding: 'utf8' });
    expect({ code: r.status, out: r.stdout }).toEqual({ code: 0, out: '' });
  }, 60_000);

  it('the nodegrad backend itself does not print tfjs-cpu’s "install tfjs-node" advice', () => {
    writeFileSync(
      join(work, 'quiet.mjs'),
      "import * as tf from '@tensorflow/tfjs-core';\nimport '@tensorflow/tfjs-backend-cpu';\nimport 'nodegrad/tfjs';\nawait tf.ready();\ntf.relu(tf.tensor1d([1, -1])).dataSync();\nconsole.log(tf.getBackend());\n",
    );
    const r = run(['quiet.mjs']);
    expect({ code: r.code, out: r.out.trim(), err: r.err }).toEqual({ code: 0, out: 'nodegrad', err: '' });
  });

  it('without the addon, the import fails with the loader’s explanation and registers nothing', () => {
    writeFileSync(
      join(work, 'no-addon.mjs'),
      "import * as tf from '@tensorflow/tfjs-core';\nimport '@tensorflow/tfjs-backend-cpu';\n" +
        "try { await import('nodegrad/tfjs'); console.log('imported'); } catch (e) { console.log(e.message); }\n" +
        "await tf.ready();\nconsole.log('backend ' + tf.getBackend() + ', registered ' + (tf.findBackendFactory('nodegrad') !== null));\n",
    );
    const r = run(['no-addon.mjs'], { NODEGRAD_ADDON_PATH: join(work, 'missing', 'nodegrad.node') });
    expect(r.code).toBe(0);
    expect(r.out).toContain("nodegrad/tfjs: the 'nodegrad' TensorFlow.js backend was not registered: it needs nodegrad's native addon.");
    expect(r.out).toContain('nodegrad: the native addon could not be loaded');
    expect(r.out).toContain('looked for: NODEGRAD_ADDON_PATH=');
    expect(r.out).not.toContain('imported');
    expect(r.out).toContain('backend cpu, registered false');
  });

  it('the main nodegrad entry loads no tfjs module (and the check sees one when nodegrad/tfjs is imported)', () => {
    const probe = (extra: string) =>
      `import 'nodegrad';\n${extra}import { createRequire } from 'node:module';\n` +
      "console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@tensorflow'))));\n";
    writeFileSync(join(work, 'main-only.mjs'), probe(''));
    writeFileSync(join(work, 'with-tfjs.mjs'), probe("import '@tensorflow/tfjs-backend-cpu';\nimport 'nodegrad/tfjs';\n"));
    const main = run(['main-only.mjs']);
    expect({ code: main.code, err: main.err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(main.out)).toEqual([]);
    const control = run(['with-tfjs.mjs']);
    expect(control.code).toBe(0);
    expect((JSON.parse(control.out) as string[]).some((k) => k.includes('tfjs-core'))).toBe(true);
  });
});
