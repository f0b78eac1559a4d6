// The training workload of the reliability checks (soak, worker threads,
// process exit): a small MLP (8 → 16 ReLU → 1, MSE, batch 32) on a fixed
// synthetic regression set. Where the package has them (kind 'model'): a
// Sequential of two Dense layers, lib.loss('mse') and Adam, one
// zeroGrad/forward/loss/backward/step per batch. Otherwise (kind 'kernels'):
// the same network by hand on the public kernels (gemm, relu, sgdStep)
// through preallocated buffers. Deterministic: the same seed and step count
// give the same bits on any thread.
// Works on the compiled package (dist/): import it after ensureDist().
const F = 8;
const H = 16;
const B = 32;
const N = 256; // samples: 8 batches per epoch
const LR = 0.05;

/** xorshift32, so data and initial weights need nothing from the library. */
function rng(seed) {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296 - 0.5;
  };
}

/**
 * @param lib the imported dist/index.js
 * @param opts { seed = 1, backend = 'native' }
 * @returns { step(): number (the batch loss), params(): Float32Array (a copy), steps: number }
 */
/** The regression set: y = tanh(a fixed linear map of x). */
function dataset(r) {
  const x = Float32Array.from({ length: N * F }, r);
  const y = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    let t = 0;
    for (let j = 0; j < F; j++) t += (j % 3 === 0 ? 1 : -0.5) * x[i * F + j];
    y[i] = Math.tanh(t);
  }
  return { x, y };
}

export function makeTrainer(lib, { seed = 1, backend = 'native', kind } = {}) {
  const r = rng(seed);
  const { x, y } = dataset(r);
  const hasModel = typeof lib.Sequential === 'function' && typeof lib.Dense === 'function' && typeof lib.Adam === 'function' && typeof lib.loss === 'function';
  if ((kind ?? (hasModel ? 'model' : 'kernels')) === 'model') return modelTrainer(lib, x, y, seed, backend);
  return kernelTrainer(lib, x, y, r, backend);
}

function modelTrainer(lib, x, y, seed, backend) {
  const model = new lib.Sequential([new lib.Dense(F, H, { activation: 'relu' }), new lib.Dense(H, 1)], { backend, seed });
  const opt = new lib.Adam(model.parameters(), { lr: 0.01 });
  const mse = lib.loss('mse', { backend });
  // Batches as Tensor views made once: a step allocates nothing of its own.
  const xs = [];
  const ys = [];
  for (let b = 0; b < N / B; b++) {
    xs.push(new lib.Tensor(x.subarray(b * B * F, (b + 1) * B * F), [B, F]));
    ys.push(new lib.Tensor(y.subarray(b * B, (b + 1) * B), [B, 1]));
  }
  let batch = 0;
  let steps = 0;
  return {
    step() {
      model.zeroGrad();
      const l = mse.compute(model.forward(xs[batch]), ys[batch]);
      model.backward(mse.grad);
      opt.step();
      batch = (batch + 1) % xs.length;
      steps++;
      return l;
    },
    params: () => model.values.slice(),
    get steps() {
      return steps;
    },
    kind: 'model',
  };
}

function kernelTrainer(lib, x, y, r, backend) {
  const k = lib.backend(backend);
  // One arena for the parameters so params() is one copy.
  const arena = Float32Array.from({ length: F * H + H + H + 1 }, () => r() * 0.5);
  const w1 = arena.subarray(0, F * H);
  const b1 = arena.subarray(F * H, F * H + H);
  const w2 = arena.subarray(F * H + H, F * H + 2 * H);
  const b2 = arena.subarray(F * H + 2 * H);
  const grads = new Float32Array(arena.length);
  const dw1 = grads.subarray(0, F * H);
  const db1 = grads.subarray(F * H, F * H + H);
  const dw2 = grads.subarray(F * H + H, F * H + 2 * H);
  const db2 = grads.subarray(F * H + 2 * H);
  const z = new Float32Array(B * H);
  const a = new Float32Array(B * H);
  const out = new Float32Array(B);
  const dout = new Float32Array(B);
  const da = new Float32Array(B * H);
  const dz = new Float32Array(B * H);
  const ones = new Float32Array(B).fill(1);
  const sgd = typeof k.sgdStep === 'function';
  const sgdOptions = { lr: LR };
  const transA = { transA: true };
  const transB = { transB: true };
  const accumulate = { beta: 1 };
  let batch = 0;
  const state = { steps: 0 };

  function step() {
    const xb = x.subarray(batch * B * F, (batch + 1) * B * F);
    const yb = y.subarray(batch * B, (batch + 1) * B);
    batch = (batch + 1) % (N / B);
    // forward: z = x·w1 + b1 (bias rows first, then accumulate the product)
    for (let i = 0; i < B; i++) z.set(b1, i * H);
    k.gemm(xb, w1, z, B, H, F, accumulate);
    k.relu(z, a);
    out.fill(b2[0]);
    k.gemm(a, w2, out, B, 1, H, accumulate);
    let loss = 0;
    for (let i = 0; i < B; i++) {
      const d = out[i] - yb[i];
      loss += d * d;
      dout[i] = (2 * d) / B;
    }
    // backward
    k.gemm(a, dout, dw2, H, 1, B, transA);
    k.gemm(ones, dout, db2, 1, 1, B);
    k.gemm(dout, w2, da, B, H, 1, transB);
    k.reluBackward(z, da, dz);
    k.gemm(xb, dz, dw1, F, H, B, transA);
    k.gemm(ones, dz, db1, 1, H, B);
    if (sgd) k.sgdStep(arena, grads, sgdOptions);
    else for (let i = 0; i < arena.length; i++) arena[i] -= LR * grads[i];
    state.steps++;
    return loss / B;
  }

  return {
    step,
    params: () => arena.slice(),
    get steps() {
      return state.steps;
    },
    kind: 'kernels',
  };
}

/**
 * The same network trained by model.fit (Adam, mse, batch 32, shuffled with a
 * fixed seed) where the package has compile/fit; undefined otherwise.
 * @returns { fit(epochs, callbacks?): Promise, params(): Float32Array } | undefined
 */
export function makeFitter(lib, { seed = 1, backend = 'native' } = {}) {
  if (typeof lib.Sequential !== 'function' || typeof lib.Sequential.prototype.fit !== 'function') return undefined;
  const { x, y } = dataset(rng(seed));
  const model = new lib.Sequential([new lib.Dense(F, H, { activation: 'relu' }), new lib.Dense(H, 1)], { backend, seed });
  model.compile({ optimizer: new lib.Adam(model.parameters(), { lr: 0.01 }), loss: 'mse' });
  const xt = new lib.Tensor(x, [N, F]);
  const yt = new lib.Tensor(y, [N, 1]);
  return {
    fit: (epochs, callbacks = [], extra = {}) => model.fit(xt, yt, { epochs, batchSize: B, shuffle: true, seed, verbose: 0, callbacks, ...extra }),
    params: () => model.values.slice(),
  };
}
