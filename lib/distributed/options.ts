// Where a process group's settings come from: the options given to init(),
// else the environment (the launcher's, torchrun-style, or mpirun's).
import { checkInteger, rangeError, typeError } from '../errors.js';

export interface InitOptions {
  /** This process's rank, 0..worldSize-1. Default: $RANK, else $OMPI_COMM_WORLD_RANK (mpirun). */
  rank?: number;
  /** Number of processes. Default: $WORLD_SIZE, else $OMPI_COMM_WORLD_SIZE. */
  worldSize?: number;
  /** Rendezvous: 'file:DIR', 'tcp://HOST:PORT' (rank 0 serves it) or 'redis://HOST:PORT'. Default: $NODEGRAD_STORE. */
  store?: string;
  /** The address this rank binds and announces to its peers. Default: $NODEGRAD_BIND, else 127.0.0.1. */
  bind?: string;
  /** A network interface to bind instead of an address (e.g. 'eth0'). Default: $NODEGRAD_IFACE. */
  iface?: string;
  /** Milliseconds allowed for the rendezvous and for every collective (default 60000). */
  timeout?: number;
}

export interface ResolvedOptions {
  rank: number;
  worldSize: number;
  store: string;
  hostname?: string;
  iface?: string;
  timeoutMs: number;
}

const KNOWN = ['rank', 'worldSize', 'store', 'bind', 'iface', 'timeout'];
const STORE = /^(file:.+|tcp:\/\/.+:\d{1,5}|redis:\/\/.+:\d{1,5})$/;

function fromEnv(fn: string, arg: string, names: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  for (const n of names) {
    const v = env[n];
    if (v === undefined || v === '') continue;
    if (!/^\d+$/.test(v)) throw rangeError(fn, `${arg} (from $${n})`, 'a non-negative integer', JSON.stringify(v));
    return Number(v);
  }
  return undefined;
}

export function resolveOptions(options: InitOptions | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  const fn = 'distributed.init';
  if (options !== undefined && (options === null || typeof options !== 'object')) throw typeError(fn, 'options', 'an object', options);
  const o = options ?? {};
  for (const k of Object.keys(o)) {
    if (!KNOWN.includes(k)) throw rangeError(fn, 'options', `made of ${KNOWN.join(', ')}`, `unknown option ${JSON.stringify(k)}`);
  }
  const worldSize = o.worldSize ?? fromEnv(fn, 'worldSize', ['WORLD_SIZE', 'OMPI_COMM_WORLD_SIZE', 'PMI_SIZE'], env);
  const rank = o.rank ?? fromEnv(fn, 'rank', ['RANK', 'OMPI_COMM_WORLD_RANK', 'PMI_RANK'], env);
  if (worldSize === undefined) throw new RangeError(`${fn}: worldSize is not set: pass { worldSize } or set WORLD_SIZE (nodegrad launch sets it)`);
  if (rank === undefined) throw new RangeError(`${fn}: rank is not set: pass { rank } or set RANK (nodegrad launch sets it)`);
  checkInteger(fn, 'worldSize', worldSize, 1);
  checkInteger(fn, 'rank', rank, 0);
  if (rank >= worldSize) throw rangeError(fn, 'rank', `an integer in [0, ${worldSize - 1}] (worldSize ${worldSize})`, rank);
  const store = o.store ?? env.NODEGRAD_STORE;
  if (store === undefined || store === '') {
    throw new RangeError(`${fn}: store is not set: pass { store } or set NODEGRAD_STORE to file:DIR, tcp://HOST:PORT or redis://HOST:PORT`);
  }
  if (typeof store !== 'string') throw typeError(fn, 'store', 'a string', store);
  if (!STORE.test(store)) throw rangeError(fn, 'store', 'file:DIR, tcp://HOST:PORT or redis://HOST:PORT', JSON.stringify(store));
  const bind = o.bind ?? env.NODEGRAD_BIND;
  const iface = o.iface ?? env.NODEGRAD_IFACE;
  if (bind !== undefined && typeof bind !== 'string') throw typeError(fn, 'bind', 'a string (an address)', bind);
  if (iface !== undefined && typeof iface !== 'string') throw typeError(fn, 'iface', 'a string (an interface name)', iface);
  const timeoutMs = o.timeout ?? 60_000;
  checkInteger(fn, 'timeout', timeoutMs, 1);
  const out: ResolvedOptions = { rank, worldSize, store, timeoutMs };
  if (bind) out.hostname = bind;
  else if (iface) out.iface = iface;
  return out;
}
