// The small interfaces the training loop is written against, so it depends
// on what a model and an optimizer do, not on their classes.
import type { BackendName } from '../backend/index.js';
import type { LossName } from '../losses.js';
import type { NonFiniteUpdateError } from '../optim/non-finite.js';
import type { Optimizer, OptimizerName } from '../optim/index.js';
import type { Parameter } from '../parameter.js';
import type { Tensor } from '../tensor.js';
import type { Labels } from './targets.js';
import type { MetricName } from './metrics.js';

/** What fit/evaluate/predict need from a model (Sequential implements it). */
export interface TrainableModel {
  /** Forward pass (`training` false for evaluate/predict); the returned tensor may be a buffer the model reuses. */
  forward(x: Tensor, training?: boolean): Tensor;
  /**
   * Backward pass from the gradient of the loss w.r.t. the output; accumulates
   * parameter gradients. fit passes `{ inputGradient: false }`: it never needs
   * dL/dx, and a model may skip computing it.
   */
  backward(dy: Tensor, options?: { inputGradient?: boolean }): unknown;
  parameters(): readonly Parameter[];
  zeroGrad(): void;
  /** The layers' L1/L2 penalties (Sequential): added to the loss, and with `addGradient` to the gradients. */
  regularization?(addGradient?: boolean): number;
  /** Whether regularization() can be non-zero. */
  readonly hasRegularizers?: boolean;
  /** Checks a whole input's values (Embedding indices) before anything is computed. */
  checkInput?(fn: string, arg: string, x: Float32Array, rows: number): void;
}

/** What compile needs besides: the backend its loss and optimizer kernels run on, and the output width its metrics check. */
export interface CompilableModel extends TrainableModel {
  readonly backend: BackendName;
  readonly outputFeatures: number;
}

/** What fit needs from an optimizer (every optimizer class implements it). */
export interface OptimizerLike {
  step(): void;
  stateDict(): unknown;
  loadStateDict(state: unknown): void;
}

export type { LossName } from '../losses.js';
export type { MetricName } from './metrics.js';

export interface CompileOptions {
  /** An optimizer over the model's parameters, or a name ('sgd', 'adam', ...) for one with default hyper-parameters. */
  optimizer: Optimizer | OptimizerName;
  loss: LossName;
  /** Reported besides the loss; 'accuracy' is categorical for several outputs, binary for one. */
  metrics?: MetricName[];
}

export interface EvaluateOptions {
  batchSize?: number;
}

/** Per-batch or per-epoch values: loss, metrics, val_* for validation. */
export type Logs = Record<string, number>;

/** What evaluate returns: the loss (always there) and each compiled metric by name. */
export type EvaluateLogs = { loss: number } & Record<string, number>;

export interface TrainingParams {
  epochs: number;
  batchSize: number;
  /** Training samples per epoch (after a validation split). */
  samples: number;
  /** Batches per epoch. */
  steps: number;
  verbose: number;
}

/** Handed to every callback: the model being trained and a way to stop. */
export interface TrainingContext {
  readonly model: TrainableModel;
  readonly optimizer: OptimizerLike;
  readonly params: TrainingParams;
  /** The current epoch (0-based). */
  readonly epoch: number;
  /** Ends training after the current batch. */
  stop(reason?: string): void;
}

export interface NonFiniteLoss {
  epoch: number;
  batch: number;
  loss: number;
  /** Set when the loss was finite but the optimizer refused an update that would have made a parameter or its state non-finite. */
  update?: NonFiniteUpdateError;
}

/** What to do with a batch whose loss is NaN or ±Inf: 'throw' (the default), 'stop' training, or 'skip' the update. */
export type NonFiniteAction = 'throw' | 'stop' | 'skip';

export type MaybePromise<T> = T | Promise<T>;

export interface Callback {
  onTrainBegin?(ctx: TrainingContext): MaybePromise<void>;
  onTrainEnd?(logs: Logs, ctx: TrainingContext): MaybePromise<void>;
  onEpochBegin?(epoch: number, ctx: TrainingContext): MaybePromise<void>;
  onEpochEnd?(epoch: number, logs: Logs, ctx: TrainingContext): MaybePromise<void>;
  /** `logs` is reused between batches: copy what you keep. */
  onBatchEnd?(batch: number, logs: Logs, ctx: TrainingContext): MaybePromise<void>;
  /**
   * Called before each batch (on the main-thread path before its forward
   * pass; in the background, between chunks, just before that batch's onBatchEnd).
   */
  onBatchBegin?(batch: number, ctx: TrainingContext): MaybePromise<void>;
  /** Called after each training forward pass, before the backward pass (diagnostics read activations here). */
  onBatchForward?(batch: number, ctx: TrainingContext): void;
  /** Decides what a NaN/±Inf loss does; the first callback returning an action wins. */
  onNonFiniteLoss?(info: NonFiniteLoss, ctx: TrainingContext): NonFiniteAction | void;
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** Seeds the shuffling; the same seed gives bit-identical training. */
  seed?: number;
  /** Fraction of the rows (the last ones, before shuffling) held out for validation. */
  validationSplit?: number;
  validationData?: readonly [Tensor, Tensor | Labels];
  callbacks?: readonly Callback[];
  /** Data-parallel training over this group's ranks (see distributed.init); every rank calls fit with the same arguments. */
  distributed?: import('../distributed/group.js').ProcessGroup;
  /** With `distributed`: run callbacks and the progress bar on every rank, not only on rank 0 (default false). */
  callbacksOnAllRanks?: boolean;
  signal?: AbortSignal;
  /** 0 silent, 1 a progress line (live on a TTY), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Yield to the event loop when this many ms passed since the last yield (the main-thread path only). */
  yieldEveryMs?: number;
  /**
   * Train on a worker thread, in chunks of steps, where the model compiles
   * into a native plan (default true; see README "Training inside a server").
   * false, or a model the plan cannot run, trains step by step on the main thread.
   */
  background?: boolean;
  /** Target length of one background chunk in ms (default 4). */
  chunkMs?: number;
}

export interface History {
  /** Per-epoch values, e.g. history.loss[e], history.val_accuracy[e]. */
  history: { loss: number[] } & Record<string, number[]>;
  epochs: number;
  /** Why training ended. */
  stopReason: 'completed' | 'stopped' | 'aborted';
  /** Set when a callback stopped training (e.g. 'early stopping: val_loss did not improve for 3 epochs'). */
  stopMessage?: string;
  /** Whether the fit ran in the background on the native plan. */
  background?: boolean;
  /** Why it did not (the plan's reason, or 'background: false'). */
  fallback?: string;
}
