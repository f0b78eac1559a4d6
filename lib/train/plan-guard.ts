// While a chunk of training steps (or a predictAsync) runs on a worker
// thread, the model's and its optimizer's buffers are being read and written
// there: every API call that would read or write them from JavaScript is
// refused with an error naming what runs. The methods of the model and the
// optimizer are wrapped on the instance for the duration of the background
// fit (or predictAsync); free functions that write a model (loadWeights)
// call assertFree themselves.
import { stateError } from '../errors.js';

const running = new WeakMap<object, string>();

/** Throws when `target` (a model or an optimizer) is in use by background work. */
export function assertFree(fn: string, target: object): void {
  const what = running.get(target);
  if (what !== undefined) {
    throw stateError(fn, `refused while ${what} runs on a worker thread and uses this model's buffers; await it (or abort the fit) first`);
  }
}

/** What `target` is busy with, if anything. */
export function busyWith(target: object): string | undefined {
  return running.get(target);
}

// fit, evaluate, predict and predictAsync refuse for the whole fit already (checkIdle in fit.ts).
const MODEL_METHODS = ['forward', 'backward', 'zeroGrad', 'save'] as const;
/** Methods that return a promise: they reject instead of throwing. */
const ASYNC = new Set(['save']);
const OPTIMIZER_METHODS = ['step', 'zeroGrad', 'loadStateDict', 'stateDict'] as const;

/**
 * Wraps the methods of `model` and `optimizer` so that each checks
 * assertFree first; returns the function that removes the wrappers.
 */
export function guardMethods(model: object, optimizer: object | undefined, modelName: string, optimizerName: string): () => void {
  const undo: (() => void)[] = [];
  const wrap = (obj: object, names: readonly string[], label: string): void => {
    const rec = obj as Record<string, unknown>;
    for (const name of names) {
      const fn = rec[name];
      if (typeof fn !== 'function' || Object.hasOwn(obj, name)) continue;
      Object.defineProperty(obj, name, {
        configurable: true,
        enumerable: false,
        writable: true,
        value: function (this: unknown, ...args: unknown[]) {
          if (ASYNC.has(name) && running.has(obj)) {
            try {
              assertFree(`${label}.${name}`, obj);
            } catch (e) {
              return Promise.reject(e);
            }
          }
          assertFree(`${label}.${name}`, obj);
          return (fn as (...a: unknown[]) => unknown).apply(this, args);
        },
      });
      undo.push(() => delete rec[name]);
    }
  };
  wrap(model, MODEL_METHODS, modelName);
  if (optimizer) wrap(optimizer, OPTIMIZER_METHODS, optimizerName);
  return () => {
    for (const u of undo) u();
  };
}

/** Marks the targets busy with `what` until the returned function is called. */
export function hold(targets: readonly (object | undefined)[], what: string): () => void {
  const held = targets.filter((t): t is object => t !== undefined && !running.has(t));
  for (const t of held) running.set(t, what);
  return () => {
    for (const t of held) running.delete(t);
  };
}
