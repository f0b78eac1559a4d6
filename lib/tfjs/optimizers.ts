// tf.train.sgd, momentum, adagrad, rmsprop and adam on the nodegrad backend:
// one native fused step per variable (nodegrad's optimizer kernels,
// lib/backend/optim.ts) instead of tfjs's 5 to 15 elementwise ops, with
// tfjs's own numerics, so the trajectory is the one tfjs's cpu backend gives
// (bit for bit: both round every operation to float32 in the same order):
//   sgd       θ ← θ + (−lr)·g                              sgdStep
//   momentum  m ← β·m + g; θ ← θ + (−lr)·m                  momentum 'classic'
//             Nesterov: θ ← θ + (−lr)·(g + m·β)            momentum 'tfjs-nesterov'
//   adagrad   v ← v + g²; θ ← θ + (g/√(v + ε))·(−lr)       adagrad, ε inside
//   rmsprop   v ← ρv + (1−ρ)g²; mom ← μ·mom + (g·lr)/√(v + ε); θ ← θ − mom
//             (centered: mg ← ρmg + (1−ρ)g, √(v − (mg² + ε)))  rmsprop with momentumBuffer
//   adam      bias corrections 1 − β^t from tfjs's float32 accBeta1/2    adam with biasCorrection1/2
// β, ε, lr and 1−β are float32 scalars in tfjs, as in the kernels' block.
//
// Each class's applyGradients is wrapped: the native path runs when the
// active backend is nodegrad and every variable, its state and its gradient
// are float32 arrays on it; anything else (another backend, a dtype, data
// still on another backend) runs tfjs's original code unchanged. State lives
// in the same tfjs variables with the same names, so getWeights/setWeights,
// dispose and serialization are tfjs's own.
import type { NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';
/** tfjs's NamedTensor (not exported from its index). */
interface NamedTensor {
  name: string;
  tensor: Tensor;
}
import {
  AdagradOptimizer,
  AdamOptimizer,
  engine,
  fill,
  getKernel,
  MomentumOptimizer,
  registerKernel,
  RMSPropOptimizer,
  SGDOptimizer,
  tidy,
  unregisterKernel,
  zerosLike,
} from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { rawBackend } from '../backend/index.js';
import { adagradScalars, adamScalars, momentumScalars, rmspropMomentumScalars, sgdScalars } from '../backend/optim.js';
import { BACKEND_NAME, NodegradBackend } from './backend.js';
import { viewKernels } from './kernels/view-guards.js';
import { f32Values, trackReads, writable } from './owned.js';

interface OptVar {
  originalName: string;
  variable: Variable;
}

/** One variable to update: tfjs's variable and its gradient's values. */
interface Item {
  index: number;
  name: string;
  value: Variable;
  grad: Float32Array | null;
}

/** The active backend when it is nodegrad, else undefined. */
function activeNodegrad(): NodegradBackend | undefined {
  const e = engine();
  if (e.backendName !== BACKEND_NAME) return undefined;
  const b = e.backend;
  return b instanceof NodegradBackend ? b : undefined;
}

/**
 * The variables and gradients in tfjs's order, or null when any of them is
 * not a float32 array on `b` (then tfjs's own code runs).
 */
function collect(b: NodegradBackend, grads: NamedTensorMap | NamedTensor[]): Item[] | null {
  const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
  const items: Item[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = engine().registeredVariables[name];
    if (!value || value.dtype !== 'float32') return null;
    const p = f32Values(b, value.dataId);
    if (!p) return null;
    const g: Tensor | undefined = Array.isArray(grads) ? grads[i]!.tensor : grads[name];
    let gv: Float32Array | null = null;
    if (g != null) {
      if (g.dtype !== 'float32' || g.size !== value.size) return null;
      const v = f32Values(b, g.dataId);
      if (!v) return null;
      // The kernels need the gradient memory separate from the state and θ.
      gv = v.buffer === p.buffer ? v.slice() : v;
    }
    items.push({ index: i, name, value, grad: gv });
  }
  return items;
}

/** A state variable of one optimizer, created as tfjs creates it (non-trainable, named name/suffix). */
function state(list: OptVar[], i: number, name: string, suffix: string, init: () => Tensor): Variable {
  let s = list[i];
  if (s == null) {
    s = { originalName: `${name}/${suffix}`, variable: tidy(() => init().variable(false)) };
    list[i] = s;
  }
  return s.variable;
}

/** A float32 scalar tensor's value (tfjs keeps lr, β and β^t in them). */
function scalarValue(b: NodegradBackend, t: Tensor): number | undefined {
  const v = f32Values(b, t.dataId);
  return v && v.length === 1 ? v[0] : undefined;
}

type Apply = (this: unknown, grads: NamedTensorMap | NamedTensor[]) => void;
/** The native update of one class: true when it ran, false to run tfjs's code. */
type Native = (opt: never, b: NodegradBackend, items: Item[]) => boolean;

function incrementIterations(opt: unknown): void {
  (opt as { incrementIterations(): void }).incrementIterations();
}

// Each native update checks everything it needs first and writes only after,
// so a false return (tfjs's code then runs) has changed nothing but the
// lazily created state variables, which tfjs's code would create the same way.

interface SgdFields {
  learningRate: number;
  c: Tensor;
}
const sgdNative: Native = (opt: SgdFields, b, items) => {
  const c = scalarValue(b, opt.c);
  if (c === undefined) return false;
  const block = sgdScalars({ lr: -c });
  const arrays = items.map((it) => (it.grad ? writable(b, it.value) : null));
  const raw = rawBackend('native');
  items.forEach((it, k) => it.grad && raw.sgdStep(arrays[k]!, it.grad, block));
  incrementIterations(opt);
  return true;
};

interface MomentumFields extends SgdFields {
  m: Tensor;
  useNesterov: boolean;
  accumulations: OptVar[];
}
const momentumNative: Native = (opt: MomentumFields, b, items) => {
  const c = scalarValue(b, opt.c);
  // tfjs multiplies by the tensor this.m made at construction (setMomentum does not change it).
  const beta = scalarValue(b, opt.m);
  if (c === undefined || beta === undefined) return false;
  const accs = items.map((it) => state(opt.accumulations, it.index, it.name, 'momentum', () => zerosLike(it.value)));
  if (!items.every((it, k) => accs[k]!.dtype === 'float32' && f32Values(b, accs[k]!.dataId) && accs[k]!.size === it.value.size)) return false;
  const block = momentumScalars({ lr: -c, beta, variant: opt.useNesterov ? 'tfjs-nesterov' : 'classic' });
  const raw = rawBackend('native');
  items.forEach((it, k) => {
    if (!it.grad) return;
    raw.momentumStep(writable(b, it.value), it.grad, writable(b, accs[k]!), block);
  });
  incrementIterations(opt);
  return true;
};

interface AdagradFields {
  learningRate: number;
  initialAccumulatorValue: number;
  accumulatedGrads: OptVar[];
}
const adagradNative: Native = (opt: AdagradFields, b, items) => {
  const accs = items.map((it) => state(opt.accumulatedGrads, it.index, it.name, 'accumulator', () => fill(it.value.shape, opt.initialAccumulatorValue)));
  if (!items.every((it, k) => accs[k]!.dtype === 'float32' && f32Values(b, accs[k]!.dataId) && accs[k]!.size === it.value.size)) return false;
  const block = adagradScalars({ lr: opt.learningRate, eps: b.epsilon(), epsPlacement: 'inside' });
  const raw = rawBackend('native');
  items.forEach((it, k) => {
    if (!it.grad) return;
    raw.rmsStep(writable(b, it.value), it.grad, writable(b, accs[k]!), block);
  });
  incrementIterations(opt);
  return true;
};

interface RmspropFields {
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
  accumulatedMeanSquares: OptVar[];
  accumulatedMoments: OptVar[];
  accumulatedMeanGrads: OptVar[];
}
const rmspropNative: Native = (opt: RmspropFields, b, items) => {
  const zeros = (it: Item) => () => zerosLike(it.value);
  const ms = items.map((it) => state(opt.accumulatedMeanSquares, it.index, it.name, 'rms', zeros(it)));
  const mom = items.map((it) => state(opt.accumulatedMoments, it.index, it.name, 'momentum', zeros(it)));
  const mg = opt.centered ? items.map((it) => state(opt.accumulatedMeanGrads, it.index, it.name, 'mg', zeros(it))) : null;
  const all = [ms, mom, ...(mg ? [mg] : [])];
  if (!items.every((it, k) => all.every((l) => l[k]!.dtype === 'float32' && f32Values(b, l[k]!.dataId) && l[k]!.size === it.value.size))) return false;
  const block = rmspropMomentumScalars({ lr: opt.learningRate, beta: opt.decay, momentum: opt.momentum, eps: opt.epsilon });
  const raw = rawBackend('native');
  items.forEach((it, k) => {
    if (!it.grad) return;
    raw.rmsMomentumStep(writable(b, it.value), it.grad, writable(b, ms[k]!), writable(b, mom[k]!), mg ? writable(b, mg[k]!) : null, block);
  });
  incrementIterations(opt);
  return true;
};

interface AdamFields {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: OptVar[];
  accumulatedSecondMoment: OptVar[];
}
const adamNative: Native = (opt: AdamFields, b, items) => {
  const acc1 = scalarValue(b, opt.accBeta1);
  const acc2 = scalarValue(b, opt.accBeta2);
  if (acc1 === undefined || acc2 === undefined) return false;
  const zeros = (it: Item) => () => zerosLike(it.value);
  const m = items.map((it) => state(opt.accumulatedFirstMoment, it.index, it.name, 'm', zeros(it)));
  const v = items.map((it) => state(opt.accumulatedSecondMoment, it.index, it.name, 'v', zeros(it)));
  if (!items.every((it, k) => [m[k]!, v[k]!].every((s) => s.dtype === 'float32' && f32Values(b, s.dataId) && s.size === it.value.size))) return false;
  // tfjs: sub(1, accBeta) in float32, then m/bc1 and v/bc2 (adamStep's given bias corrections).
  const block = adamScalars({
    lr: opt.learningRate,
    beta1: opt.beta1,
    beta2: opt.beta2,
    eps: opt.epsilon,
    biasCorrection1: Math.fround(1 - acc1),
    biasCorrection2: Math.fround(1 - acc2),
  });
  const raw = rawBackend('native');
  items.forEach((it, k) => {
    if (!it.grad) return;
    raw.adamStep(writable(b, it.value), it.grad, writable(b, m[k]!), writable(b, v[k]!), block);
  });
  // tfjs: accBeta ← accBeta·β, a float32 multiply.
  writable(b, opt.accBeta1)[0] = Math.fround(acc1) * Math.fround(opt.beta1);
  writable(b, opt.accBeta2)[0] = Math.fround(acc2) * Math.fround(opt.beta2);
  incrementIterations(opt);
  return true;
};

const CLASSES: ReadonlyArray<readonly [{ prototype: object }, Native]> = [
  [SGDOptimizer, sgdNative],
  [MomentumOptimizer, momentumNative],
  [AdagradOptimizer, adagradNative],
  [RMSPropOptimizer, rmspropNative],
  [AdamOptimizer, adamNative],
];

/** The class each wrapped prototype belongs to, so a subclass's own applyGradients is never bypassed. */
const ORIGINALS = new Map<object, Apply>();

let installed = false;

/**
 * Makes tf.train.sgd/momentum/adagrad/rmsprop/adam step natively on the
 * nodegrad backend (idempotent). Registers the view guards (kernels/view-guards.ts)
 * that keep the in-place steps from writing into an array a view shares.
 */
export function installNativeOptimizers(): void {
  if (installed) return;
  installed = true;
  trackReads(NodegradBackend);
  for (const k of viewKernels) {
    const cpu = getKernel(k.kernelName, BACKEND_NAME)?.kernelFunc;
    if (!cpu) continue;
    unregisterKernel(k.kernelName, BACKEND_NAME);
    const kernelFunc: KernelFunc = (args) => k.run({ inputs: args.inputs, attrs: args.attrs ?? {}, backend: args.backend as NodegradBackend }, cpu) as TensorInfo | TensorInfo[];
    registerKernel({ kernelName: k.kernelName, backendName: BACKEND_NAME, kernelFunc });
  }
  for (const [cls, native] of CLASSES) {
    const proto = cls.prototype as { applyGradients: Apply };
    // MomentumOptimizer extends SGDOptimizer but has its own applyGradients: each is wrapped once.
    if (!Object.prototype.hasOwnProperty.call(proto, 'applyGradients')) continue;
    const original = proto.applyGradients;
    ORIGINALS.set(proto, original);
    proto.applyGradients = function (this: unknown, grads: NamedTensorMap | NamedTensor[]) {
      const b = activeNodegrad();
      const items = b && collect(b, grads);
      if (b && items && native(this as never, b, items)) return;
      original.call(this, grads);
    };
  }
}

/** tfjs's own applyGradients of a wrapped class (tests compare against it). */
export function originalApplyGradients(cls: { prototype: object }): Apply | undefined {
  return ORIGINALS.get(cls.prototype);
}
