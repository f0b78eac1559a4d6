// What the figures were measured on.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, hostname, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';

function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

function cpuFlags() {
  if (!existsSync('/proc/cpuinfo')) return [];
  const m = readFileSync('/proc/cpuinfo', 'utf8').match(/^(flags|Features)\s*:\s*(.*)$/m);
  const all = new Set((m?.[2] ?? '').split(/\s+/));
  return ['sse2', 'avx', 'avx2', 'fma', 'avx512f', 'asimd', 'sve'].filter((f) => all.has(f));
}

function gitCommit() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) return null;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  return r.stdout.trim() + (dirty ? '+dirty' : '');
}

export function machineInfo(isaAvailable) {
  const c = cpus();
  return {
    host: hostname(),
    cpu: c[0]?.model?.trim() ?? 'unknown',
    logicalCpus: c.length,
    availableParallelism: availableParallelism(),
    cpuFlags: cpuFlags(),
    simdPaths: isaAvailable,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()} ${process.arch}`,
  };
}

export function versions() {
  return {
    nodegrad: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    commit: gitCommit(),
    node: process.version,
    v8: process.versions.v8,
    tfjs: pkgVersion('@tensorflow/tfjs'),
    'tfjs-backend-wasm': pkgVersion('@tensorflow/tfjs-backend-wasm'),
  };
}
