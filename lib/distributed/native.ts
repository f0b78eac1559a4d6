// Loads the optional collectives addon (nodegrad_collectives.node, built by
// `npm install` only where Gloo is installed). When it is missing, the error
// says what was looked for and what to install.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../backend/native.js';

/** The addon's own interface (see native/binding/collectives/addon.cc). */
export interface NativeGroup {
  allReduce(data: Float32Array, mean: boolean): Promise<void>;
  broadcast(data: Float32Array, root: number): Promise<void>;
  barrier(): Promise<void>;
  close(): Promise<void>;
  /**
   * The group lent to the main addon's training plan: a type-tagged external
   * (native/collectives/reducer_abi.h) that planChunkAsync all-reduces with.
   */
  reducer(): object;
}

export interface CollectivesAddon {
  createGroup(options: { rank: number; worldSize: number; store: string; hostname?: string; iface?: string; timeoutMs: number }): Promise<NativeGroup>;
  readonly glooVersion: string;
}

/** Thrown when distributed training is used where the collectives addon is not built. */
export class CollectivesUnavailableError extends Error {
  override name = 'CollectivesUnavailableError';
}

const require = createRequire(import.meta.url);
let addon: CollectivesAddon | undefined;
let failure: Error | undefined;

function candidates(): string[] {
  const override = process.env.NODEGRAD_COLLECTIVES_PATH;
  if (override) return [override];
  return [join(packageRoot, 'build', 'Release', 'nodegrad_collectives.node')];
}

/** The collectives addon, or a CollectivesUnavailableError that says how to get it. */
export function loadCollectives(): CollectivesAddon {
  if (addon) return addon;
  if (failure) throw failure;
  const places = candidates();
  const found = places.find((p) => existsSync(p));
  try {
    if (!found) throw new Error('not built');
    addon = require(found) as CollectivesAddon;
    return addon;
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    failure = new CollectivesUnavailableError(
      `nodegrad.distributed: the collectives addon could not be loaded (${reason}).\n` +
        `  looked for: ${places.join(', ')}\n` +
        `  It is built by \`npm install\` only where Gloo is installed. On Debian/Ubuntu:\n` +
        `    apt-get install libgloo-dev libhiredis-dev && npm rebuild nodegrad\n` +
        `  (Linux only; NODEGRAD_NO_COLLECTIVES=1 at build time skips it.)`,
      { cause: e },
    );
    throw failure;
  }
}

/** True where the collectives addon loads (for tests and feature checks). */
export function collectivesAvailable(): boolean {
  try {
    loadCollectives();
    return true;
  } catch {
    return false;
  }
}
