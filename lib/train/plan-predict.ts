// model.predictAsync(x): the forward pass of a forward-only plan
// (plan-compile.ts) run in an AsyncWorker, so a service predicting large
// inputs keeps its event loop. Calls on one model queue one after another
// (they share the plan's activation buffers); while one runs, the model's
// weights are being read on a worker thread, so fit, evaluate, predict,
// optimizer steps and loadWeights are refused with an error naming it. A
// model the plan cannot run (a layer written in TS, the reference backend)
// gets the synchronous predict, wrapped in a promise.
import { rangeError, typeError } from '../errors.js';
import type { Model } from '../model/model.js';
import { Tensor } from '../tensor.js';
import { checkNotTraining } from './busy.js';
import { TrainingPlan } from './plan-compile.js';
import { guardMethods, hold } from './plan-guard.js';

export interface PredictAsyncOptions {
  /** Rows per forward pass (default 256). */
  batchSize?: number;
  /** Written instead of a new tensor ([rows, outputs]). */
  out?: Tensor;
}

const plans = new WeakMap<Model, TrainingPlan | string>();
const queues = new WeakMap<Model, Promise<unknown>>();

function planOf(model: Model, batch: number): TrainingPlan | string {
  let p = plans.get(model);
  if (p === undefined || (typeof p !== 'string' && p.capacity < batch)) {
    p = TrainingPlan.compile(model, { loss: 'mse', metrics: [], capacity: Math.max(batch, 256), labels: false, targetWidth: model.outputFeatures, training: false });
    plans.set(model, p);
  }
  return p;
}

function check(model: Model, x: unknown, options: PredictAsyncOptions): { rows: number; batch: number; out: Tensor | undefined } {
  const fn = 'predictAsync';
  checkNotTraining(fn, model);
  if (!(x instanceof Tensor)) throw typeError(fn, 'x', 'a Tensor', x);
  if (x.rank !== 2 || x.shape[1] !== model.inputFeatures) throw rangeError(fn, 'x', `of shape [rows, ${model.inputFeatures}]`, `shape [${x.shape.join(', ')}]`);
  if (options === null || typeof options !== 'object') throw typeError(fn, 'options', 'an object', options);
  const batch = options.batchSize ?? 256;
  if (typeof batch !== 'number' || !Number.isInteger(batch) || batch < 1) throw rangeError(fn, 'options.batchSize', 'an integer >= 1', batch);
  const rows = x.shape[0]!;
  const out = options.out;
  if (out !== undefined) {
    if (!(out instanceof Tensor)) throw typeError(fn, 'options.out', 'a Tensor', out);
    if (out.size !== rows * model.outputFeatures) throw rangeError(fn, 'options.out', `of shape [${rows}, ${model.outputFeatures}]`, `shape [${out.shape.join(', ')}]`);
  }
  // Embedding indices, as predict checks them (the plan checks them again where it reads them).
  (model as { checkInput?(fn: string, arg: string, x: Float32Array, rows: number): void }).checkInput?.(fn, 'x', x.data, rows);
  return { rows, batch, out };
}

async function run(model: Model, x: Tensor, options: PredictAsyncOptions): Promise<Tensor> {
  const { rows, batch, out } = check(model, x, options); // again: a fit may have started while this call queued
  const plan = planOf(model, batch);
  if (typeof plan === 'string') {
    // After one event-loop turn, so that a loop of awaited predictAsync calls never starves timers and I/O.
    await new Promise((r) => setImmediate(r));
    return model.predict(x, out, { batchSize: batch });
  }
  const result = out ?? Tensor.zeros([rows, model.outputFeatures]);
  if (rows === 0) return result;
  const optimizer = model.optimizer;
  const release = hold([model, optimizer], 'predictAsync()');
  const unguard = guardMethods(model, optimizer, 'model', optimizer?.constructor.name ?? 'optimizer');
  const status = new Float64Array(6);
  try {
    await plan.addon.planForwardAsync(plan.handle, plan.pins, x.data, null, null, rows, batch, result.data, null, null, status);
  } finally {
    unguard();
    release();
  }
  // A bad Embedding index (x changed since check, or never checked: predict's own check runs in Embedding.forward).
  const bad = plan.indexError(status);
  if (bad) throw bad;
  return result;
}

/** model.predictAsync (lib/model/model.ts). */
export function predictAsync(model: Model, x: Tensor, options: PredictAsyncOptions = {}): Promise<Tensor> {
  try {
    check(model, x, options);
  } catch (e) {
    return Promise.reject(e);
  }
  const prev = queues.get(model) ?? Promise.resolve();
  const next = prev.then(() => run(model, x, options));
  queues.set(model, next.catch(() => undefined));
  return next;
}
