// Makes sure the benchmark runs the current code: compiles lib/ to dist/ when
// dist is missing or older than a source, and builds the addon when missing.
// A stale addon is only reported: rebuilding it in place could crash other
// processes that have it loaded.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';

function newest(dir, exts) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, exts));
    else if (exts.some((x) => e.name.endsWith(x))) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function run(cmd, args, log) {
  log(`bench: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench: \`${cmd} ${args.join(' ')}\` failed`);
}

export function ensureBuilt(log) {
  const dist = join(ROOT, 'dist', 'index.js');
  if (!existsSync(dist) || statSync(dist).mtimeMs < newest(join(ROOT, 'lib'), ['.ts'])) {
    run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], log);
  }
  const addon = join(ROOT, 'build', 'Release', 'nodegrad.node');
  const prebuilt = existsSync(join(ROOT, 'prebuilds'));
  if (!existsSync(addon) && !prebuilt) {
    run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], log);
  } else if (existsSync(addon) && statSync(addon).mtimeMs < newest(join(ROOT, 'native'), ['.cc', '.h'])) {
    log('bench: warning: native/ has changed since build/Release/nodegrad.node was built; run `npm run build` for current figures');
  }
}
