// Backend selection and the public kernel objects.
import { createRequire } from 'node:module';
import { typeError } from '../errors.js';
import { checkedActivations } from './activations.js';
import { checkedElementwise } from './elementwise.js';
import { checkedGemm } from './gemm.js';
import { checkedLosses } from './losses.js';
import { loadNative, nativeLoadError, tryLoadNative } from './native.js';
// Installs the address query behind every family's overlap check (SharedArrayBuffer clones).
import './memory.js';
import { checkedOptim } from './optim.js';
import { checkedReductions } from './reductions.js';
import { referenceBackend } from './reference/index.js';
import type { BackendName, Kernels, RawBackend } from './types.js';

export type { BackendName, Kernels, RawBackend } from './types.js';

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

let choice: BackendName | 'auto' = 'auto';
let warned = false;
const checkedCache = new Map<BackendName, Kernels>();

function checked(raw: RawBackend): Kernels {
  return {
    ...checkedActivations(raw),
    ...checkedGemm(raw),
    ...checkedOptim(raw),
    ...checkedLosses(raw),
    ...checkedElementwise(raw),
    ...checkedReductions(raw),
  };
}

/** Resolves 'auto': native where the addon loads, else reference with a one-time warning. */
export function defaultBackendName(): BackendName {
  if (choice !== 'auto') return choice;
  if (tryLoadNative()) return 'native';
  // NODEGRAD_SIMD asks for one native path by name: not having it is the
  // error the README promises, not a silent fall back to the reference.
  const err = nativeLoadError()!;
  if (process.env.NODEGRAD_SIMD !== undefined && err.message.includes('NODEGRAD_SIMD')) throw err;
  if (!warned) {
    warned = true;
    process.emitWarning(`${nativeLoadError()!.message}\n  Falling back to the pure-TypeScript reference backend (much slower).`, {
      code: 'NODEGRAD_NATIVE_UNAVAILABLE',
    });
  }
  return 'reference';
}

/** Sets the default backend for `kernels` and for new models. */
export function useBackend(name: BackendName | 'auto'): void {
  if (name !== 'native' && name !== 'reference' && name !== 'auto') {
    throw typeError('useBackend', 'name', "'native', 'reference' or 'auto'", name);
  }
  if (name === 'native') loadNative();
  choice = name;
}

/** Unchecked kernels of a backend (for layers and optimizers, which check shapes once). */
export function rawBackend(name: BackendName = defaultBackendName()): RawBackend {
  if (name === 'native') return loadNative();
  if (name === 'reference') return referenceBackend;
  throw typeError('backend', 'name', "'native' or 'reference'", name);
}

/** A given backend's checked kernels, for other libraries to call directly. */
export function backend(name: BackendName): Kernels {
  let k = checkedCache.get(name);
  if (!k) {
    k = checked(rawBackend(name));
    checkedCache.set(name, k);
  }
  return k;
}

/** The default backend's checked kernels; follows useBackend(). */
export const kernels: Kernels = new Proxy({} as Kernels, {
  get(_target, prop) {
    return (backend(defaultBackendName()) as unknown as Record<PropertyKey, unknown>)[prop];
  },
  has(_target, prop) {
    return prop in backend(defaultBackendName());
  },
  ownKeys() {
    return Reflect.ownKeys(backend(defaultBackendName()));
  },
  getOwnPropertyDescriptor(_target, prop) {
    return Reflect.getOwnPropertyDescriptor(backend(defaultBackendName()), prop);
  },
});

export interface Info {
  version: string;
  backend: BackendName;
  /** The SIMD path in use ('scalar' on the reference backend). */
  simd: string;
  /** The paths this CPU and build support; always includes 'scalar'. */
  simdAvailable: string[];
  threads: number;
}

export function info(): Info {
  const name = defaultBackendName();
  const native = tryLoadNative();
  return {
    version,
    backend: name,
    simd: name === 'native' && native ? native.isa : 'scalar',
    simdAvailable: native ? [...native.isaAvailable] : ['scalar'],
    threads: name === 'native' && native?.getThreads ? native.getThreads() : 1,
  };
}
