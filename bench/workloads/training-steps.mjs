// Whole training steps, each sample one step (median over >= 200 steps after
// warm-up for nodegrad's native backend; slow backends stop at the time cap
// and the report gives their sample count). Inputs and targets are fixed:
// this times a step, not learning.
//   W4: MLP 784-256-128-10, ReLU, softmax cross-entropy, Adam lr 1e-3, batch 32/128/1024
//   W5: MLP 2-16-16-1, tanh, MSE, SGD lr 0.01, batch 32 (per-step overhead)
//   W6: Dense 1024→1024 forward + backward (dX, dW, db) at batch 256, no update
// Ours runs through the model API where this build has it: Sequential of
// Dense layers (activation fused), loss(name), an optimizer over
// model.parameters(); a step is zeroGrad, forward, loss, backward (without
// the input's gradient, which training does not need; W6 computes it), step().
// Before that API existed the same computation was built from the raw
// kernels (denseForward, gemm for dX and dW, columnSums for db, activation
// backward kernels, one optimizer kernel over a flat arena, loss gradient in
// JavaScript; a missing kernel replaced by a JavaScript loop); that path
// remains as the fallback and its figures say so.
// tfjs: core ops and tf.train's optimizer.minimize (its fastest synchronous path).
import { uniform } from '../lib/fill.mjs';
import { NOT_IMPLEMENTED } from '../lib/targets.mjs';

export const family = 'training';
export const title = 'Training steps';
export const unit = 'ms/step';
export const fractionNote =
  'median ms per step (lower is better); % = the step\'s GEMM GFLOP/s as a fraction of the multi-thread FMA peak';
export const perIsa = false;

const ACT = { relu: 1, tanh: 5, none: 0 }; // FusedActivation values (lib/backend/gemm.ts)

// What each workload is, for tables and charts (the W-names are the bench's shorthand).
const DESCRIBE = { W4: 'MLP 784-256-128-10, ReLU, Adam', W5: 'MLP 2-16-16-1, tanh, SGD', W6: 'Dense 1024→1024 fwd+bwd, no update' };

const WORKLOADS = [
  { name: 'W4', batch: 32, sizes: [784, 256, 128, 10], act: 'relu', loss: 'softmaxCE', opt: 'adam', quick: false },
  { name: 'W4', batch: 128, sizes: [784, 256, 128, 10], act: 'relu', loss: 'softmaxCE', opt: 'adam', quick: true },
  { name: 'W4', batch: 1024, sizes: [784, 256, 128, 10], act: 'relu', loss: 'softmaxCE', opt: 'adam', quick: false },
  { name: 'W5', batch: 32, sizes: [2, 16, 16, 1], act: 'tanh', loss: 'mse', opt: 'sgd', quick: true },
  { name: 'W6', batch: 256, sizes: [1024, 1024], act: 'none', loss: null, opt: null, quick: false },
];

/**
 * GEMM flops of one step by form: forward (nn), dW = Xᵀ·dY (tn) for every
 * layer, dX = dY·Wᵀ (nt) for all but the first (W6: also the first).
 */
function stepFlops(w) {
  const f = { nn: 0, tn: 0, nt: 0 };
  for (let l = 0; l + 1 < w.sizes.length; l++) {
    const mn = 2 * w.batch * w.sizes[l] * w.sizes[l + 1];
    f.nn += mn;
    f.tn += mn;
    if (l > 0 || !w.loss) f.nt += mn;
  }
  return f;
}

function jsAdam(p, g, m, v, lr, t) {
  const b1 = 0.9;
  const b2 = 0.999;
  const c1 = 1 - b1 ** t;
  const c2 = 1 - b2 ** t;
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8);
  }
}

function jsActBackward(act, y, dy, dx) {
  for (let i = 0; i < y.length; i++) dx[i] = act === 'relu' ? (y[i] > 0 ? dy[i] : 0) : (1 - y[i]) * (1 + y[i]) * dy[i];
}

/** dlogits = (softmax(logits) − onehot(label)) / batch. */
function softmaxCEGrad(logits, labels, d, batch, classes) {
  for (let i = 0; i < batch; i++) {
    const o = i * classes;
    let mx = -Infinity;
    for (let j = 0; j < classes; j++) mx = Math.max(mx, logits[o + j]);
    let s = 0;
    for (let j = 0; j < classes; j++) s += Math.exp(logits[o + j] - mx);
    for (let j = 0; j < classes; j++) d[o + j] = (Math.exp(logits[o + j] - mx) / s - (labels[i] === j ? 1 : 0)) / batch;
  }
}

function mseGrad(pred, target, d) {
  const n = pred.length;
  for (let i = 0; i < n; i++) d[i] = (2 * (pred[i] - target[i])) / n;
}

function hasModelApi(lib) {
  return ['Sequential', 'Dense', 'loss', 'Adam', 'SGD', 'Tensor'].every((k) => typeof lib[k] === 'function');
}

function modelStep(ctx, w) {
  const { Sequential, Dense, loss, Adam, SGD, Tensor } = ctx.lib;
  const backend = ctx.backendName;
  const B = w.batch;
  const L = w.sizes.length - 1;
  const layers = [];
  for (let l = 0; l < L; l++) {
    const act = l < L - 1 && w.act !== 'none' ? { activation: w.act } : {};
    layers.push(new Dense(w.sizes[l], w.sizes[l + 1], act));
  }
  const model = new Sequential(layers, { backend, seed: 1 });
  const x = new Tensor(uniform(B * w.sizes[0], 32), [B, w.sizes[0]]);
  const classes = w.sizes[L];
  if (!w.loss) {
    const dy = new Tensor(uniform(B * classes, 34), [B, classes]);
    const run = () => {
      model.zeroGrad();
      model.forward(x);
      model.backward(dy);
    };
    return { run, note: 'Sequential([Dense]): forward + backward (dX, dW, db)' };
  }
  const lossFn = loss(w.loss === 'softmaxCE' ? 'softmaxCrossEntropy' : 'mse', { backend });
  const target = w.loss === 'softmaxCE' ? Int32Array.from({ length: B }, (_, i) => (i * 7) % classes) : new Tensor(uniform(B * classes, 33), [B, classes]);
  const opt = w.opt === 'adam' ? new Adam(model.parameters(), { lr: 1e-3, backend }) : new SGD(model.parameters(), { lr: 0.01, backend });
  const run = () => {
    model.zeroGrad();
    const out = model.forward(x);
    lossFn.compute(out, target);
    // No dL/dx for the input batch, as in tfjs's minimize and the raw path.
    model.backward(lossFn.grad, { inputGradient: false });
    opt.step();
  };
  return { run, note: `Sequential + loss('${w.loss === 'softmaxCE' ? 'softmaxCrossEntropy' : 'mse'}') + ${w.opt === 'adam' ? 'Adam' : 'SGD'}` };
}

function oursStep(ctx, w) {
  if (hasModelApi(ctx.lib)) return modelStep(ctx, w);
  const { raw, kernels } = ctx;
  for (const k of ['gemm', 'denseForward', 'columnSums']) {
    if (!ctx.has(k)) return { unavailable: `needs ${k}, ${NOT_IMPLEMENTED}` };
  }
  const notes = [];
  const B = w.batch;
  const L = w.sizes.length - 1;
  // One arena for the parameters, one for the gradients (W then b per layer).
  let total = 0;
  const offs = [];
  for (let l = 0; l < L; l++) {
    offs.push(total);
    total += w.sizes[l] * w.sizes[l + 1] + w.sizes[l + 1];
  }
  const params = uniform(total, 31, -0.05, 0.05);
  const grads = new Float32Array(total);
  const W = (arena, l) => arena.subarray(offs[l], offs[l] + w.sizes[l] * w.sizes[l + 1]);
  const bias = (arena, l) => arena.subarray(offs[l] + w.sizes[l] * w.sizes[l + 1], offs[l] + w.sizes[l] * w.sizes[l + 1] + w.sizes[l + 1]);
  const x = uniform(B * w.sizes[0], 32);
  const h = w.sizes.slice(1).map((n) => new Float32Array(B * n)); // layer outputs
  const dh = w.sizes.map((n) => new Float32Array(B * n)); // gradients w.r.t. layer outputs (and input)
  const dz = w.sizes.slice(1).map((n) => new Float32Array(B * n)); // w.r.t. pre-activations
  const classes = w.sizes[L];
  const labels = Int32Array.from({ length: B }, (_, i) => (i * 7) % classes);
  const target = uniform(B * classes, 33);
  const dyW6 = uniform(B * classes, 34);

  const actName = w.act;
  const bwdName = `${actName}Backward`;
  let actBackward;
  if (actName === 'none') actBackward = null;
  else if (ctx.has(bwdName)) actBackward = (y, d, out) => raw[bwdName](y, d, out);
  else {
    notes.push(`${bwdName} in JS (kernel missing)`);
    actBackward = (y, d, out) => jsActBackward(actName, y, d, out);
  }

  let update = () => {};
  if (w.opt === 'adam') {
    const m = new Float32Array(total);
    const v = new Float32Array(total);
    let t = 0;
    if (ctx.has('adamStep')) update = () => kernels.adamStep(params, grads, m, v, { lr: 1e-3, step: ++t });
    else {
      notes.push('Adam update in JS (adamStep missing)');
      update = () => jsAdam(params, grads, m, v, 1e-3, ++t);
    }
  } else if (w.opt === 'sgd') {
    if (ctx.has('sgdStep')) update = () => kernels.sgdStep(params, grads, { lr: 0.01 });
    else {
      notes.push('SGD update in JS (sgdStep missing)');
      update = () => {
        for (let i = 0; i < total; i++) params[i] -= 0.01 * grads[i];
      };
    }
  }

  const run = () => {
    let input = x;
    for (let l = 0; l < L; l++) {
      const act = l === L - 1 ? ACT.none : ACT[actName];
      raw.denseForward(input, W(params, l), bias(params, l), h[l], B, w.sizes[l + 1], w.sizes[l], act, 0);
      input = h[l];
    }
    if (w.loss === 'softmaxCE') softmaxCEGrad(h[L - 1], labels, dz[L - 1], B, classes);
    else if (w.loss === 'mse') mseGrad(h[L - 1], target, dz[L - 1]);
    else dz[L - 1].set(dyW6);
    for (let l = L - 1; l >= 0; l--) {
      const inN = w.sizes[l];
      const outN = w.sizes[l + 1];
      const xin = l === 0 ? x : h[l - 1];
      raw.gemm(xin, dz[l], W(grads, l), inN, outN, B, true, false, 1, 0);
      raw.columnSums(dz[l], bias(grads, l), B, outN, 0);
      if (l > 0 || !w.loss) raw.gemm(dz[l], W(params, l), dh[l], B, inN, outN, false, true, 1, 0);
      if (l > 0) actBackward(h[l - 1], dh[l], dz[l - 1]);
    }
    update();
  };
  return { run, note: ['raw kernels, loss gradient in JS', ...notes].join('; ') };
}

function tfjsStep(ctx, w) {
  const { tf } = ctx;
  const B = w.batch;
  const L = w.sizes.length - 1;
  const vars = [];
  for (let l = 0; l < L; l++) {
    vars.push(tf.variable(tf.tensor2d(uniform(w.sizes[l] * w.sizes[l + 1], 41 + l, -0.05, 0.05), [w.sizes[l], w.sizes[l + 1]])));
    vars.push(tf.variable(tf.zeros([w.sizes[l + 1]])));
  }
  const x = tf.tensor2d(uniform(B * w.sizes[0], 32), [B, w.sizes[0]]);
  const classes = w.sizes[L];
  const y =
    w.loss === 'softmaxCE'
      ? tf.oneHot(tf.tensor1d(Int32Array.from({ length: B }, (_, i) => (i * 7) % classes), 'int32'), classes).toFloat()
      : tf.tensor2d(uniform(B * classes, 33), [B, classes]);
  const forward = () => {
    let a = x;
    for (let l = 0; l < L; l++) {
      a = tf.add(tf.matMul(a, vars[2 * l]), vars[2 * l + 1]);
      if (l < L - 1) a = w.act === 'relu' ? tf.relu(a) : tf.tanh(a);
    }
    return a;
  };
  if (!w.loss) {
    const dy = tf.tensor2d(uniform(B * classes, 34), [B, classes]);
    const g = tf.grads((xx, ww, bb) => tf.add(tf.matMul(xx, ww), bb));
    return { run: () => tf.dispose(g([x, vars[0], vars[1]], dy)), note: 'tf.grads of x·W + b (forward included)' };
  }
  const opt = w.opt === 'adam' ? tf.train.adam(1e-3) : tf.train.sgd(0.01);
  const loss = () => {
    const out = forward();
    return w.loss === 'softmaxCE' ? tf.losses.softmaxCrossEntropy(y, out) : tf.losses.meanSquaredError(y, out);
  };
  return { run: () => tf.tidy(() => void opt.minimize(loss, false, vars)), note: 'tf ops + tf.train optimizer.minimize' };
}

export function cases() {
  return WORKLOADS.map((w) => ({
    id: `training/${w.name}/b${w.batch}`,
    label: `${DESCRIBE[w.name]} · batch ${w.batch}`,
    quick: w.quick,
    steps: true,
    work: stepFlops(w).nn + stepFlops(w).tn + stepFlops(w).nt,
    // A lower bound of the step time from this backend's measured GEMM rates.
    gemmFlops: stepFlops(w),
    limit: 'fma-N',
    costKey: `training/${w.name}`,
    cost: w.batch,
    ours: (ctx) => oursStep(ctx, w),
    tfjs: (ctx) => tfjsStep(ctx, w),
  }));
}
