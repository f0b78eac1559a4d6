// Native gradients for the activations whose gradient tfjs composes from 2
// to 6 kernels (Relu: step, cast, mul; LeakyRelu: greater, mul, where;
// Prelu: greater, mul, where, zerosLike, mul, where, sum, reshape; Sigmoid:
// sub, mul, mul; Tanh: square, sub, mul): one nodegrad backward kernel each
// (lib/backend/activations.ts), registered as tfjs kernels of the nodegrad
// backend only (NodegradReluGrad, ...).
//
// tfjs's gradient registry is global (one config per kernel name, the last
// registration wins), so each config here replaces tfjs's own and keeps it:
// on another backend, or for a dtype other than float32, or a PReLU alpha
// that does not broadcast over leading axes only, tfjs's own gradient runs.
// Numerics: the ReLU family selects (x > 0 ? dy : α·dy) where tfjs
// multiplies by a mask, so they differ only where tfjs's product makes NaN:
// at x = NaN tfjs's ReLU gradient is NaN (dy·step(NaN)), nodegrad's 0; an
// infinite dy at x ≤ 0 gives tfjs NaN (∞·0), nodegrad 0. Sigmoid and Tanh
// arrange dy·y(1−y) and dy·(1−y)(1+y) in their own order (a few float32
// roundings from tfjs's). The configs save the same tensors tfjs's do. Each backward kernel has its
// own gradient, so higher-order gradients (tf.grad of tf.grad) work. (tfjs's
// tape does not carry a gradient through a saved output, on any backend, so
// for Sigmoid and Tanh, which save y, the second order has only the ∂/∂dy
// term, as on cpu; ELU's first order is already tfjs's single EluGrad
// kernel, native through the elementwise family.)
import type { GradConfig, NamedAttrMap, NamedTensorInfoMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { engine, getGradient, mul, registerGradient, registerKernel, reshape, sub, sum, where, greater, zerosLike, backend_util } from '@tensorflow/tfjs-core';
import { rawBackend } from '../backend/index.js';
import { BACKEND_NAME, type NodegradBackend } from './backend.js';

const f32 = (t: Tensor | TensorInfo): boolean => t.dtype === 'float32';
const onNodegrad = (): boolean => engine().backendName === BACKEND_NAME;

function run(name: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap = {}): Tensor {
  return engine().runKernel(name, inputs as never, attrs) as Tensor;
}

// ---- the backward kernels (float32 only: the gradients call them only then) ----

type Values = (t: TensorInfo) => Float32Array;

function kernel(kernelName: string, f: (inputs: NamedTensorInfoMap, attrs: NamedAttrMap, v: Values, b: NodegradBackend) => TensorInfo): void {
  registerKernel({
    kernelName,
    backendName: BACKEND_NAME,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const b = backend as NodegradBackend;
      const v: Values = (t) => {
        const a = b.f32(t);
        if (!a) throw new TypeError(`${kernelName}: ${t.dtype} input, expected float32`);
        return a;
      };
      return f(inputs, attrs ?? {}, v, b);
    },
  });
}

/** dx = backward(input, dy), input is x or y, shape of dy. */
function unaryBackward(kernelName: string, input: 'x' | 'y', apply: (input: Float32Array, dy: Float32Array, dx: Float32Array, attrs: NamedAttrMap) => void): void {
  kernel(kernelName, (inputs, attrs, v, b) => {
    const dy = inputs.dy!;
    const dx = new Float32Array(dy.shape.reduce((a, c) => a * c, 1));
    apply(v(inputs[input]!), v(dy), dx, attrs);
    return b.output(dy.shape.slice(), 'float32', dx);
  });
}

const native = () => rawBackend('native');

// ---- PReLU: alpha broadcast over the leading axes of x (tfjs-layers' PReLU: alpha = x's shape without the batch axis) ----

/** Whether alpha (after its leading 1s) is the trailing shape of x: nodegrad's PReLU takes alpha per trailing block. */
function preluBroadcastsOverLeadingAxes(x: { shape: number[] }, alpha: { shape: number[] }): boolean {
  let k = 0;
  while (k < alpha.shape.length && alpha.shape[k] === 1) k++;
  const a = alpha.shape.slice(k);
  if (a.length > x.shape.length) return false;
  const tail = x.shape.slice(x.shape.length - a.length);
  return a.every((d, i) => d === tail[i]);
}

function registerKernels(): void {
  unaryBackward('NodegradReluGrad', 'x', (x, dy, dx) => native().reluBackward(x, dy, dx));
  unaryBackward('NodegradLeakyReluGrad', 'x', (x, dy, dx, attrs) => native().leakyReluBackward(x, dy, dx, Math.fround(attrs.alpha as number)));
  unaryBackward('NodegradSigmoidGrad', 'y', (y, dy, dx) => native().sigmoidBackward(y, dy, dx));
  unaryBackward('NodegradTanhGrad', 'y', (y, dy, dx) => native().tanhBackward(y, dy, dx));
  // dx and dalpha of PReLU: one pass computes both; each kernel keeps one.
  kernel('NodegradPreluGradX', (inputs, _attrs, v, b) => {
    const dy = inputs.dy!;
    const dx = new Float32Array(v(dy).length);
    const alpha = v(inputs.alpha!);
    native().preluBackward(v(inputs.x!), alpha, v(dy), dx, new Float32Array(alpha.length));
    return b.output(dy.shape.slice(), 'float32', dx);
  });
  kernel('NodegradPreluGradAlpha', (inputs, _attrs, v, b) => {
    const dy = inputs.dy!;
    const alpha = inputs.alpha!;
    const dalpha = new Float32Array(v(alpha).length);
    native().preluBackward(v(inputs.x!), v(alpha), v(dy), new Float32Array(v(dy).length), dalpha);
    return b.output(alpha.shape.slice(), 'float32', dalpha);
  });
}

// ---- the backward kernels' own gradients (second order) ----

function registerSecondOrder(): void {
  // dx = dy·[x > 0]: linear in dy, piecewise constant in x.
  registerGradient({
    kernelName: 'NodegradReluGrad',
    inputsToSave: ['x'],
    gradFunc: (ddx, saved) => {
      const [x] = saved as Tensor[];
      return { dy: () => run('NodegradReluGrad', { dy: ddx as Tensor, x: x! }), x: () => zerosLike(x!) };
    },
  });
  registerGradient({
    kernelName: 'NodegradLeakyReluGrad',
    inputsToSave: ['x'],
    gradFunc: (ddx, saved, attrs) => {
      const [x] = saved as Tensor[];
      return { dy: () => run('NodegradLeakyReluGrad', { dy: ddx as Tensor, x: x! }, attrs), x: () => zerosLike(x!) };
    },
  });
  // dx = dy·y(1 − y): ∂/∂y = dy·(1 − 2y).
  registerGradient({
    kernelName: 'NodegradSigmoidGrad',
    inputsToSave: ['dy', 'y'],
    gradFunc: (ddx, saved) => {
      const [dy, y] = saved as Tensor[];
      const g = ddx as Tensor;
      return { dy: () => run('NodegradSigmoidGrad', { dy: g, y: y! }), y: () => mul(mul(g, dy!), sub(1, mul(2, y!))) };
    },
  });
  // dx = dy·(1 − y²): ∂/∂y = −2·dy·y.
  registerGradient({
    kernelName: 'NodegradTanhGrad',
    inputsToSave: ['dy', 'y'],
    gradFunc: (ddx, saved) => {
      const [dy, y] = saved as Tensor[];
      const g = ddx as Tensor;
      return { dy: () => run('NodegradTanhGrad', { dy: g, y: y! }), y: () => mul(mul(g, dy!), mul(-2, y!)) };
    },
  });
  // dx = dy·(x > 0 ? 1 : α): ∂/∂dy the same map of ddx; ∂/∂x 0; ∂/∂α = Σ ddx·dy·[x ≤ 0] over the broadcast axes.
  registerGradient({
    kernelName: 'NodegradPreluGradX',
    inputsToSave: ['dy', 'x', 'alpha'],
    gradFunc: (ddx, saved) => {
      const [dy, x, alpha] = saved as Tensor[];
      const g = ddx as Tensor;
      return {
        dy: () => run('NodegradPreluGradX', { dy: g, x: x!, alpha: alpha! }),
        x: () => zerosLike(x!),
        alpha: () => reduceTo(where(greater(x!, 0), zerosLike(g), mul(g, dy!)), alpha!),
      };
    },
  });
  // dα = Σ dy·x·[x ≤ 0]: ∂/∂dy = ddα·x·[x ≤ 0]; ∂/∂x = ddα·dy·[x ≤ 0]; ∂/∂α 0.
  registerGradient({
    kernelName: 'NodegradPreluGradAlpha',
    inputsToSave: ['dy', 'x', 'alpha'],
    gradFunc: (dda, saved) => {
      const [dy, x, alpha] = saved as Tensor[];
      const g = dda as Tensor;
      const mask = () => greater(x!, 0);
      return {
        dy: () => where(mask(), zerosLike(x!), mul(g, x!)),
        x: () => where(mask(), zerosLike(x!), mul(g, dy!)),
        alpha: () => zerosLike(alpha!),
      };
    },
  });
}

function reduceTo(t: Tensor, like: Tensor): Tensor {
  const axes = backend_util.getReductionAxes(like.shape, t.shape);
  return reshape(axes.length > 0 ? sum(t, axes) : t, like.shape);
}

// ---- the first-order gradients, over tfjs's ----

type Mine = (dy: Tensor, saved: Tensor[], attrs: NamedAttrMap) => Record<string, () => Tensor> | null;

const MINE: ReadonlyArray<readonly [string, Mine]> = [
  ['Relu', (dy, [x]) => ({ x: () => run('NodegradReluGrad', { dy, x: x! }) })],
  ['LeakyRelu', (dy, [x], attrs) => ({ x: () => run('NodegradLeakyReluGrad', { dy, x: x! }, { alpha: attrs.alpha as number }) })],
  ['Sigmoid', (dy, [y]) => ({ x: () => run('NodegradSigmoidGrad', { dy, y: y! }) })],
  ['Tanh', (dy, [y]) => ({ x: () => run('NodegradTanhGrad', { dy, y: y! }) })],
  [
    'Prelu',
    (dy, [x, alpha]) => {
      if (!preluBroadcastsOverLeadingAxes(x!, alpha!) || dy.size !== x!.size) return null;
      return {
        x: () => run('NodegradPreluGradX', { dy, x: x!, alpha: alpha! }),
        alpha: () => run('NodegradPreluGradAlpha', { dy, x: x!, alpha: alpha! }),
      };
    },
  ],
];

/** The configs this module registered, by kernel name. */
const ours = new Map<string, GradConfig>();

/** `mine` over tfjs's config `theirs`, which it keeps for every case it does not take. */
function over(theirs: GradConfig, mine: Mine): GradConfig {
  return {
    kernelName: theirs.kernelName,
    inputsToSave: theirs.inputsToSave,
    outputsToSave: theirs.outputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const d = dy as Tensor;
      if (onNodegrad() && f32(d) && saved.every(f32)) {
        const r = mine(d, saved, attrs);
        if (r) return r;
      }
      return theirs.gradFunc(dy, saved, attrs);
    },
  };
}

/**
 * Puts this module's configs on top of whatever is registered now. tfjs's
 * gradients are registered by whoever loads them (tfjs-layers, @tensorflow/tfjs,
 * tfjs-core's register_all_gradients), possibly after nodegrad/tfjs, and a
 * later registration replaces ours; so this runs again before every
 * backward pass (engine.gradients). A kernel without a tfjs gradient gets
 * none from here either (tfjs's error stays tfjs's).
 */
function ensure(): void {
  for (const [name, mine] of MINE) {
    const current = getGradient(name);
    if (!current || current === ours.get(name)) continue;
    const config = over(current, mine);
    ours.set(name, config);
    registerGradient(config);
  }
}

let installed = false;

/** Registers the native gradients (idempotent); they stay on top of tfjs's, whenever those load. */
export function installNativeGradients(): void {
  if (installed) return;
  installed = true;
  registerKernels();
  registerSecondOrder();
  ensure();
  const e = engine() as unknown as { gradients: (...args: unknown[]) => unknown };
  const gradients = e.gradients;
  e.gradients = function (this: unknown, ...args: unknown[]) {
    ensure();
    return gradients.apply(this, args);
  };
}
