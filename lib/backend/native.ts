// The one loader of the native addon. When it cannot load, the error says
// what was looked for, what this machine is, and how to fix it.
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawBackend } from './types.js';

/** What the addon exports besides the kernels. */
export interface NativeAddon extends RawBackend {
  readonly isa: string;
  readonly isaAvailable: readonly string[];
  setThreads?(n: number): void;
  getThreads?(): number;
}

const require = createRequire(import.meta.url);
// lib/backend/native.ts and dist/backend/native.js are both two levels down.
export const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

let addon: NativeAddon | undefined;
let loadError: Error | undefined;

function machine(): string {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  const libc = header?.glibcVersionRuntime ? `glibc ${header.glibcVersionRuntime}` : process.platform === 'linux' ? 'musl or unknown libc' : 'n/a';
  return `${process.platform}-${process.arch}, ${libc}, Node ${process.version} (N-API ${process.versions.napi})`;
}

function found(): string {
  const places = [join(packageRoot, 'build', 'Release'), join(packageRoot, 'prebuilds')];
  return places
    .map((p) => {
      if (!existsSync(p)) return `${p}: missing`;
      const entries = readdirSync(p).filter((e) => !e.endsWith('.a') && e !== 'obj.target' && e !== '.deps');
      return `${p}: ${entries.length ? entries.join(', ') : 'empty'}`;
    })
    .join('; ');
}

function explain(cause: unknown): Error {
  const reason = (cause instanceof Error ? cause.message.split('\n')[0] : undefined) ?? String(cause);
  const simd = process.env.NODEGRAD_SIMD;
  const fix = reason.includes('NODEGRAD_SIMD')
    ? `Unset NODEGRAD_SIMD or choose a path this CPU has.`
    : `Rebuild it from source: \`npm rebuild nodegrad\` (or \`npm_config_build_from_source=true npm install\`), which needs python3, make and a C++17 compiler.`;
  return new Error(
    `nodegrad: the native addon could not be loaded: ${reason}\n` +
      `  looked for: ${process.env.NODEGRAD_ADDON_PATH ? `NODEGRAD_ADDON_PATH=${process.env.NODEGRAD_ADDON_PATH}` : `build/Release/nodegrad.node, then prebuilds/${process.platform}-${process.arch}/*.node under ${packageRoot}`}\n` +
      `  found: ${found()}\n` +
      `  machine: ${machine()}${simd ? `, NODEGRAD_SIMD=${simd}` : ''}\n` +
      `  fix: ${fix}`,
    { cause },
  );
}

/** The addon, or undefined when it cannot load (see nativeLoadError()). */
export function tryLoadNative(): NativeAddon | undefined {
  if (addon || loadError) return addon;
  try {
    // NODEGRAD_ADDON_PATH loads one exact .node file instead (the sanitizer
    // build of `npm run test:asan`); unset, node-gyp-build finds the binary.
    const override = process.env.NODEGRAD_ADDON_PATH;
    addon = override ? (require(override) as NativeAddon) : (require('node-gyp-build') as (dir: string) => NativeAddon)(packageRoot);
  } catch (e) {
    loadError = explain(e);
  }
  return addon;
}

export function nativeLoadError(): Error | undefined {
  tryLoadNative();
  return loadError;
}

/** The addon, or the explanatory load error thrown. */
export function loadNative(): NativeAddon {
  const a = tryLoadNative();
  if (!a) throw loadError!;
  return a;
}
