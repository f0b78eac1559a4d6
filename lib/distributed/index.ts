// Data-parallel training across processes and machines, on Gloo:
// `const group = await distributed.init()` then `model.fit(x, y, { distributed: group })`.
import { mkdirSync } from 'node:fs';
import { ProcessGroup } from './group.js';
import { loadCollectives } from './native.js';
import { resolveOptions, type InitOptions } from './options.js';

export { ProcessGroup, type ReduceOp } from './group.js';
export { CollectivesUnavailableError, collectivesAvailable } from './native.js';
export type { InitOptions } from './options.js';
export { evaluate, type DistributedEvaluateOptions } from './evaluate-model.js';

/**
 * Joins the process group: rendezvous through the store, then a full mesh of
 * TCP connections between ranks. Rejects after `timeout` ms if the other
 * ranks do not arrive.
 */
export async function init(options?: InitOptions): Promise<ProcessGroup> {
  const o = resolveOptions(options);
  const addon = loadCollectives();
  // Gloo's file store needs its directory; every rank may create it.
  if (o.store.startsWith('file:')) mkdirSync(o.store.slice(5), { recursive: true });
  const native = await addon.createGroup(o);
  return new ProcessGroup(native, o.rank, o.worldSize, o.timeoutMs);
}
