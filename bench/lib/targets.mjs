// What a child process benchmarks: nodegrad's native backend on one SIMD
// path, nodegrad's reference backend, or a peer library. Each target gives
// the workloads a context: `ours` (nodegrad kernels) or `tfjs`.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.mjs';

export const PEERS = ['reference', 'tfjs-cpu', 'tfjs-wasm'];

async function loadDist(file) {
  return import(pathToFileURL(join(ROOT, 'dist', file)).href);
}

/** Context for nodegrad's backends ('native' or 'reference'). */
async function oursContext(backendName) {
  const idx = await loadDist('backend/index.js');
  const lib = await loadDist('index.js');
  const raw = idx.rawBackend(backendName);
  const kernels = idx.backend(backendName);
  const addon = backendName === 'native' ? raw : undefined;
  return {
    kind: 'ours',
    backendName,
    lib,
    raw,
    kernels,
    addon,
    /** True when this backend implements the named kernel (raw form). */
    has: (name) => typeof raw[name] === 'function',
    /** Sets the process-wide thread count; false when the addon cannot. */
    setThreads(n) {
      if (!addon || typeof addon.setThreads !== 'function') return false;
      addon.setThreads(n);
      return true;
    },
    threadControl: Boolean(addon && typeof addon.setThreads === 'function'),
  };
}

async function tfjsContext(kind) {
  const tf = await import('@tensorflow/tfjs');
  if (kind === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Load the .wasm files from node_modules, never from a CDN.
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    wasm.setWasmPaths(dir);
  }
  const ok = await tf.setBackend(kind);
  if (!ok) throw new Error(`tfjs could not start its ${kind} backend`);
  await tf.ready();
  return { kind: 'tfjs', backendName: kind, tf, version: tf.version.tfjs };
}

/** name: 'native' | 'reference' | 'tfjs-cpu' | 'tfjs-wasm'. */
export async function makeContext(name) {
  if (name === 'native' || name === 'reference') return oursContext(name);
  if (name === 'tfjs-cpu') return tfjsContext('cpu');
  if (name === 'tfjs-wasm') return tfjsContext('wasm');
  throw new Error(`unknown target ${name}`);
}

export const NOT_IMPLEMENTED = 'not implemented by this backend (yet)';
