// One fit at a time per model, and no compile/evaluate/predict while it runs:
// the loop reuses the model's buffers between batches and awaits callbacks.
import { stateError } from '../errors.js';
import { assertFree } from './plan-guard.js';

const busy = new WeakSet<object>();

/** Throws when a fit() of `model` is still running. */
export function checkIdle(fn: string, model: object): void {
  checkNotTraining(fn, model);
  assertFree(fn, model); // a predictAsync running on a worker thread
}

/** Throws when a fit() of `model` is still running (predictAsync queues behind another predictAsync instead). */
export function checkNotTraining(fn: string, model: object): void {
  if (busy.has(model)) {
    throw stateError(fn, "this model is being trained by a fit() that has not finished; await it (or abort it) first");
  }
}

/** Runs `body` with `model` marked busy until the promise settles. */
export async function whileBusy<T>(fn: string, model: object, body: () => Promise<T>): Promise<T> {
  checkIdle(fn, model);
  busy.add(model);
  try {
    return await body();
  } finally {
    busy.delete(model);
  }
}
