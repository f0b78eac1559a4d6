// What a child process benchmarks: nodegrad's native backend on one SIMD
// path, nodegrad's reference backend, or a peer library. Each target gives
// the workloads a context: `ours` (nodegrad kernels), `tfjs`, or `numpy`
// (OpenBLAS through numpy's matmul in a Python child, where installed).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.mjs';

export const PEERS = ['reference', 'tfjs-cpu', 'tfjs-wasm', 'openblas'];

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

// Debian's python3-numpy (see numpy_matmul.py); the system interpreter, since
// a pyenv or venv python on PATH need not have numpy.
const PYTHON = process.env.NODEGRAD_BENCH_PYTHON ?? '/usr/bin/python3';
const NUMPY_SCRIPT = join(ROOT, 'bench', 'peers', 'numpy_matmul.py');

/** Runs numpy_matmul.py; returns its JSON answer or throws. */
function numpyCall(args, threads) {
  const env = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_NUM_THREADS: String(threads) };
  // Machine-wide OpenBLAS overrides would make it block for another CPU.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(PYTHON, [NUMPY_SCRIPT, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error((r.stderr || `exit ${r.status}`).trim().split('\n').pop());
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function numpyContext() {
  const info = numpyCall(['info'], 1);
  if (info.blas !== 'openblas') throw new Error('numpy does not run on OpenBLAS here');
  return {
    kind: 'numpy',
    backendName: 'openblas',
    version: `numpy ${info.numpy}, ${info.config ?? 'OpenBLAS'}`,
    /** Times one matmul case in the Python child under the bench's policy. */
    matmul: (c, policy) => numpyCall(['run', JSON.stringify({ ...c, policy })], c.threads),
  };
}

/** name: 'native' | 'reference' | 'tfjs-cpu' | 'tfjs-wasm' | 'openblas'. */
export async function makeContext(name) {
  if (name === 'native' || name === 'reference') return oursContext(name);
  if (name === 'tfjs-cpu') return tfjsContext('cpu');
  if (name === 'tfjs-wasm') return tfjsContext('wasm');
  if (name === 'openblas') return numpyContext();
  throw new Error(`unknown target ${name}`);
}

export const NOT_IMPLEMENTED = 'not implemented by this backend (yet)';
