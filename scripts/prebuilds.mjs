// `npm run prebuilds`: the prebuilt N-API binaries the npm tarball ships,
//   prebuilds/linux-x64/nodegrad.node    prebuildify --napi --strip (this host)
//   prebuilds/linux-arm64/nodegrad.node  cross-built (scripts/arm64/build-addon.sh,
//                                        g++-aarch64-linux-gnu), stripped
// Both link glibc. They are built here (CI, before `npm pack`), never
// committed. `--host-only` skips the arm64 cross-build; `--check` only
// verifies both exist (run by prepack, so a tarball without them is refused).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = new Set(process.argv.slice(2));
const X64 = join(root, 'prebuilds/linux-x64/nodegrad.node');
const ARM64 = join(root, 'prebuilds/linux-arm64/nodegrad.node');

/** The ELF e_machine field: 0x3e x86-64, 0xb7 aarch64. */
function elfMachine(file) {
  const fd = openSync(file, 'r');
  const b = Buffer.alloc(20);
  readSync(fd, b, 0, 20, 0);
  closeSync(fd);
  return b.subarray(0, 4).toString('latin1') === '\x7fELF' ? b.readUInt16LE(18) : -1;
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: ['ignore', opts.capture ? 'pipe' : 'inherit', 'inherit'], encoding: 'utf8', env: opts.env ?? process.env });
  if (r.error || r.status !== 0) {
    console.error(`prebuilds: \`${cmd} ${argv.join(' ')}\` failed${r.error ? `: ${r.error.message}` : ` (exit ${r.status})`}`);
    process.exit(1);
  }
  return r.stdout;
}

if (args.has('--check')) {
  const missing = [[X64, 0x3e], ...(args.has('--host-only') ? [] : [[ARM64, 0xb7]])].filter(([f, m]) => !existsSync(f) || elfMachine(f) !== m);
  if (missing.length) {
    console.error(`prebuilds: missing or not for its platform: ${missing.map(([f]) => f.slice(root.length)).join(', ')}; run \`npm run prebuilds\` before \`npm pack\``);
    process.exit(1);
  }
  process.exit(0);
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`prebuilds: the release binaries are built on linux-x64 (this is ${process.platform}-${process.arch})`);
  process.exit(1);
}
// node-gyp finds Node's headers offline where the system has them (TOOLCHAIN.md).
const env = { ...process.env };
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules/prebuildify/bin.js'), '--napi', '--strip'], { env });
// prebuildify names the file after package.json's name; keep one fixed name.
const [made] = spawnSync('ls', [join(root, 'prebuilds/linux-x64')], { encoding: 'utf8' }).stdout.trim().split('\n');
if (made !== 'nodegrad.node') {
  copyFileSync(join(root, 'prebuilds/linux-x64', made), X64);
  rmSync(join(root, 'prebuilds/linux-x64', made));
}
if (elfMachine(X64) !== 0x3e) throw new Error(`prebuilds: ${X64} is not an x86-64 ELF`);
console.log(`prebuilds: ${X64.slice(root.length)}`);

if (!args.has('--host-only')) {
  const out = run('bash', [join(root, 'scripts/arm64/build-addon.sh')], { capture: true, env }).trim().split('\n').pop();
  mkdirSync(join(root, 'prebuilds/linux-arm64'), { recursive: true });
  copyFileSync(join(root, out), ARM64);
  const strip = spawnSync('aarch64-linux-gnu-strip', ['--strip-unneeded', ARM64]);
  if (strip.error) console.log('prebuilds: aarch64-linux-gnu-strip not found; the arm64 binary keeps its symbols');
  if (elfMachine(ARM64) !== 0xb7) throw new Error(`prebuilds: ${ARM64} is not an aarch64 ELF`);
  console.log(`prebuilds: ${ARM64.slice(root.length)} (cross-built)`);
}
