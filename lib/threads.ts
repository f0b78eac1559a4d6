// The native thread pool's size: one pool per process, shared by every
// worker thread, so the setting is process-wide.
import { describe, rangeError, typeError } from './errors.js';
import { tryLoadNative } from './backend/native.js';

/**
 * Sets how many threads a native kernel call may use (the calling thread
 * included), for the whole process, from the next call on. Results do not
 * depend on it: work is split so that each output element is computed by
 * one thread in a fixed order. The reference backend is single-threaded and
 * ignores it; where the native addon does not load this is a no-op.
 * Default: `NODEGRAD_THREADS`, else the CPUs available to the process.
 */
export function setThreads(n: number): void {
  const expected = 'an integer from 1 to 1024';
  if (typeof n !== 'number') throw typeError('setThreads', 'n', expected, n);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw rangeError('setThreads', 'n', expected, describe(n));
  tryLoadNative()?.setThreads?.(n);
}

/** The native pool's thread count (1 where the native addon does not load). */
export function getThreads(): number {
  return tryLoadNative()?.getThreads?.() ?? 1;
}
