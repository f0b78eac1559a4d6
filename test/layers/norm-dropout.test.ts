// Dropout, LayerNorm and BatchNorm1d: gradients against central differences
// of float64 twins written here from the formulas (PyTorch's semantics),
// running statistics against hand-computed values, Dropout's masks, buffers
// in model files, bad input, and parity with PyTorch 1.13 where it is
// installed (a visible line where not).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Dense, Dropout, LayerNorm, Sequential, Tensor, type Layer } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';
import { backendsUnderTest } from '../helpers/backends.js';

const BACKENDS = backendsUnderTest().map((b) => b.name);

const rnd = (n: number, seed: number, scale = 1) => {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => scale * r.normal());
};

// ---- float64 twins -------------------------------------------------------
function layerNorm64(x: Float64Array, rows: number, f: number, w: Float64Array | null, b: Float64Array | null, eps: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let j = 0; j < f; j++) mean += x[r * f + j]! / f;
    let v = 0;
    for (let j = 0; j < f; j++) v += (x[r * f + j]! - mean) ** 2 / f;
    for (let j = 0; j < f; j++) {
      const h = (x[r * f + j]! - mean) / Math.sqrt(v + eps);
      y[r * f + j] = w ? h * w[j]! + b![j]! : h;
    }
  }
  return y;
}
function batchNorm64(x: Float64Array, rows: number, f: number, w: Float64Array | null, b: Float64Array | null, eps: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let j = 0; j < f; j++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += x[r * f + j]! / rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (x[r * f + j]! - mean) ** 2 / rows;
    for (let r = 0; r < rows; r++) {
      const h = (x[r * f + j]! - mean) / Math.sqrt(v + eps);
      y[r * f + j] = w ? h * w[j]! + b![j]! : h;
    }
  }
  return y;
}

/**
 * Checks dx, dw, db of J = Σ r⊙layer(x) by central differences (h = 1e-5) of
 * the float64 twin. Tolerance 1e-4 of the largest finite difference: the
 * analytic path keeps x̂ in float32 (6e-8 relative per rounding) and sums ≤ 8
 * terms; a wrong factor or index is O(1).
 */
function gradCheck(makeLayer: () => Layer, twin: typeof layerNorm64, f: number, rows: number, affine: boolean): void {
  const model = new Sequential([makeLayer()], { backend: 'reference', seed: 3, inputFeatures: f });
  const rng = new Rng(11);
  for (let i = 0; i < model.values.length; i++) model.values[i]! += 0.5 * rng.normal();
  const x = new Tensor(rnd(rows * f, 5), [rows, f]);
  const r = rnd(rows * f, 6);
  model.zeroGrad();
  model.forward(x, true);
  const dx = model.backward(new Tensor(r, [rows, f]))!.data.slice();
  const w = affine ? Float64Array.from(model.values.subarray(0, f)) : null;
  const b = affine ? Float64Array.from(model.values.subarray(f, 2 * f)) : null;
  const J = (xx: Float64Array, ww: Float64Array | null, bb: Float64Array | null) => twin(xx, rows, f, ww, bb, 1e-5).reduce((s, v, i) => s + v * r[i]!, 0);
  const h = 1e-5;
  const check = (name: string, analytic: ArrayLike<number>, vec: Float64Array, run: () => number) => {
    const fd = new Float64Array(vec.length);
    for (let i = 0; i < vec.length; i++) {
      const keep = vec[i]!;
      vec[i] = keep + h;
      const up = run();
      vec[i] = keep - h;
      const down = run();
      vec[i] = keep;
      fd[i] = (up - down) / (2 * h);
    }
    const scale = Math.max(1, ...Array.from(fd, Math.abs));
    for (let i = 0; i < fd.length; i++) expect(Math.abs(analytic[i]! - fd[i]!), `${name}[${i}]`).toBeLessThan(1e-4 * scale);
  };
  const x64 = Float64Array.from(x.data);
  check('dx', dx, x64, () => J(x64, w, b));
  if (affine) {
    check('dweight', model.grads.subarray(0, f), w!, () => J(x64, w, b));
    check('dbias', model.grads.subarray(f, 2 * f), b!, () => J(x64, w, b));
  }
}

describe('gradients against float64 finite differences', () => {
  it('LayerNorm, affine and not', () => {
    gradCheck(() => new LayerNorm(6), layerNorm64, 6, 4, true);
    gradCheck(() => new LayerNorm(5, { elementwiseAffine: false }), layerNorm64, 5, 3, false);
  });
  it('BatchNorm1d (training: batch statistics), affine and not', () => {
    gradCheck(() => new BatchNorm1d(4), batchNorm64, 4, 7, true);
    gradCheck(() => new BatchNorm1d(3, { affine: false }), batchNorm64, 3, 5, false);
  });
});

describe('BatchNorm1d running statistics', () => {
  it('follow PyTorch: biased variance to normalise, unbiased for running_var, momentum 0.1, num_batches_tracked', () => {
    const bn = new BatchNorm1d(2);
    const m = new Sequential([bn], { backend: 'reference', inputFeatures: 2 });
    const batches = [
      [1, 10, 2, 20, 4, 40],
      [0, -1, 3, 5],
    ];
    let rm = [0, 0];
    let rv = [1, 1];
    for (const b of batches) {
      const rows = b.length / 2;
      m.forward(new Tensor(Float32Array.from(b), [rows, 2]), true);
      for (let j = 0; j < 2; j++) {
        const col = b.filter((_, i) => i % 2 === j);
        const mean = col.reduce((s, v) => s + v, 0) / rows;
        const unbiased = col.reduce((s, v) => s + (v - mean) ** 2, 0) / (rows - 1);
        rm[j] = 0.9 * rm[j]! + 0.1 * mean;
        rv[j] = 0.9 * rv[j]! + 0.1 * unbiased;
      }
      rm = rm.map(Math.fround);
      rv = rv.map(Math.fround);
    }
    const s = bn.runningStats!;
    // One float32 rounding per update of a value near 1..30: 2 ulp covers it.
    s.mean.forEach((v, j) => expect(Math.abs(v - rm[j]!)).toBeLessThanOrEqual(4e-6 * Math.max(1, Math.abs(rm[j]!))));
    s.variance.forEach((v, j) => expect(Math.abs(v - rv[j]!)).toBeLessThanOrEqual(4e-6 * Math.max(1, Math.abs(rv[j]!))));
    expect(s.batches).toBe(2);
    // Evaluation uses them: (x − running_mean)/√(running_var + eps), and changes nothing.
    const before = Float32Array.from(m.bufferValues);
    const y = m.forward(new Tensor(Float32Array.of(1, 1), [1, 2]), false).data;
    expect(y[0]).toBeCloseTo((1 - rm[0]!) / Math.sqrt(rv[0]! + 1e-5), 5);
    expect(Array.from(m.bufferValues)).toEqual(Array.from(before));
  });
  it('a training batch of one row is refused, state unchanged', () => {
    const m = new Sequential([new BatchNorm1d(3)], { backend: 'reference', inputFeatures: 3 });
    const before = Float32Array.from(m.bufferValues);
    expect(() => m.forward(new Tensor(new Float32Array(3), [1, 3]), true)).toThrow(/BatchNorm1d.forward: x must be a batch of at least 2 rows while training, got 1 row/);
    expect(Array.from(m.bufferValues)).toEqual(Array.from(before));
  });
});

describe('Dropout', () => {
  it('drops a fraction p, scales the rest by 1/(1−p), masks dx the same way; identity in evaluation', () => {
    const n = 100_000;
    const m = new Sequential([new Dropout(0.3)], { backend: 'reference', inputFeatures: 1000, seed: 9 });
    const x = new Tensor(Float32Array.from({ length: n }, (_, i) => 1 + (i % 7)), [100, 1000]);
    const y = m.forward(x, true).data;
    let dropped = 0;
    let wrong = 0;
    const scale = Math.fround(1 / 0.7);
    for (let i = 0; i < n; i++) {
      if (y[i] === 0) dropped++;
      else if (y[i] !== Math.fround(x.data[i]! * scale)) wrong++;
    }
    expect(wrong).toBe(0);
    // Binomial(n, 0.3): standard deviation √(0.21/n) ≈ 0.00145; 6σ bound.
    expect(Math.abs(dropped / n - 0.3)).toBeLessThan(0.0087);
    const dy = new Tensor(new Float32Array(n).fill(2), [100, 1000]);
    const dx = m.backward(dy)!.data;
    let mismatched = 0;
    for (let i = 0; i < n; i++) if (dx[i] !== (y[i] === 0 ? 0 : Math.fround(2 * scale))) mismatched++;
    expect(mismatched).toBe(0);
    expect(m.forward(x, false).data).toEqual(x.data);
  });
  it('draws the same masks for the same seed, on every backend', () => {
    const masks = BACKENDS.map((backend) => {
      const m = new Sequential([new Dense(8, 8), new Dropout(0.5)], { backend, seed: 4 });
      const x = new Tensor(new Float32Array(64).fill(1), [8, 8]);
      m.forward(x, true);
      return Array.from(m.forward(x, true).data, (v) => v === 0);
    });
    for (const mk of masks) expect(mk).toEqual(masks[0]);
    const other = new Sequential([new Dense(8, 8), new Dropout(0.5)], { backend: 'reference', seed: 5 });
    const x = new Tensor(new Float32Array(64).fill(1), [8, 8]);
    other.forward(x, true);
    expect(Array.from(other.forward(x, true).data, (v) => v === 0)).not.toEqual(masks[0]);
  });
  it.each([[-0.1], [1], [1.5], [NaN]])('refuses p = %s', (p) => {
    expect(() => new Dropout(p)).toThrow(RangeError);
    expect(() => new Dropout(p)).toThrow(/Dropout: p must be (a number in \[0, 1\)|a finite number)/);
  });
  it('refuses a p that is not a number', () => expect(() => new Dropout('0.5' as unknown as number)).toThrow(/Dropout: p must be a number in \[0, 1\), got string "0.5"/));
});

describe('bad input', () => {
  it('wrong feature counts are refused when the model is built', () => {
    expect(() => new Sequential([new Dense(4, 3), new LayerNorm(4)])).toThrow(/layers\[1\] \(LayerNorm\) inFeatures must be 3/);
    expect(() => new Sequential([new Dense(4, 3), new BatchNorm1d(5)])).toThrow(/layers\[1\] \(BatchNorm1d\) inFeatures must be 3/);
  });
  it.each([
    [() => new LayerNorm(0), /LayerNorm: features must be an integer >= 1, got 0/],
    [() => new LayerNorm(3, { eps: 0 }), /LayerNorm: options.eps must be a number > 0, got 0/],
    [() => new BatchNorm1d(3, { momentum: 2 }), /BatchNorm1d: options.momentum must be a number in \[0, 1\], got 2/],
    [() => new BatchNorm1d(3, { affine: 1 as unknown as boolean }), /BatchNorm1d: options.affine must be a boolean, got 1/],
  ])('%s', (make, msg) => expect(make).toThrow(msg));
});

describe('model files', () => {
  it('save and load keep the buffers, under PyTorch names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodegrad-bn-'));
    try {
      const m = new Sequential([new Dense(3, 4), new BatchNorm1d(4), new Dropout(0.2), new LayerNorm(4), new Dense(4, 2)], { seed: 2 });
      for (let k = 0; k < 3; k++) m.forward(new Tensor(rnd(15, k), [5, 3]), true);
      await m.save(dir);
      const back = await Sequential.load(dir);
      expect(Array.from(back.bufferValues)).toEqual(Array.from(m.bufferValues));
      expect(back.buffers().map((b) => b.name)).toEqual(['1.running_mean', '1.running_var', '1.num_batches_tracked']);
      const x = new Tensor(rnd(6, 9), [2, 3]);
      expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- PyTorch parity -------------------------------------------------------
const torchOk = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!torchOk) console.log('skipped: PyTorch parity of BatchNorm1d/LayerNorm (no /usr/bin/python3 with torch; apt-get install python3-torch)');

const TORCH_SCRIPT = String.raw`
import json, sys, torch
d = json.loads(sys.stdin.read())
torch.set_default_dtype(torch.float32)
out = {}
bn = torch.nn.BatchNorm1d(d['f'], eps=1e-5, momentum=0.1)
ln = torch.nn.LayerNorm(d['f'], eps=1e-5)
with torch.no_grad():
    bn.weight.copy_(torch.tensor(d['w'])); bn.bias.copy_(torch.tensor(d['b']))
    ln.weight.copy_(torch.tensor(d['w'])); ln.bias.copy_(torch.tensor(d['b']))
steps = []
for xs in d['xs']:
    x = torch.tensor(xs).reshape(-1, d['f']).requires_grad_()
    bn.train(); bn.zero_grad()
    y = bn(x); y.backward(torch.tensor(d['dy'][:x.numel()]).reshape(x.shape))
    steps.append({'y': y.detach().flatten().tolist(), 'dx': x.grad.flatten().tolist(), 'dw': bn.weight.grad.tolist(), 'db': bn.bias.grad.tolist(),
                  'rm': bn.running_mean.tolist(), 'rv': bn.running_var.tolist(), 'n': int(bn.num_batches_tracked)})
bn.eval()
out['bn'] = steps
out['bnEval'] = bn(torch.tensor(d['xs'][0]).reshape(-1, d['f'])).detach().flatten().tolist()
x = torch.tensor(d['xs'][0]).reshape(-1, d['f']).requires_grad_()
y = ln(x); y.backward(torch.tensor(d['dy'][:x.numel()]).reshape(x.shape))
out['ln'] = {'y': y.detach().flatten().tolist(), 'dx': x.grad.flatten().tolist(), 'dw': ln.weight.grad.tolist(), 'db': ln.bias.grad.tolist()}
print(json.dumps(out))
`;

describe.skipIf(!torchOk)('parity with PyTorch (float32, computed here by torch)', () => {
  // Both sides compute in float32 in different orders: 1e-5 of the tensor's
  // scale covers a few roundings per element of sums over ≤ 8 terms.
  const close = (name: string, ours: ArrayLike<number>, theirs: number[]) => {
    const scale = Math.max(1, ...theirs.map(Math.abs));
    theirs.forEach((t, i) => expect(Math.abs(ours[i]! - t), `${name}[${i}]`).toBeLessThan(1e-5 * scale));
  };
  it('BatchNorm1d over 3 training steps (forward, backward, running statistics), then evaluation; LayerNorm', () => {
    const f = 3;
    const w = [0.5, -1.5, 2];
    const b = [0.1, 0.2, -0.3];
    const xs = [Array.from(rnd(12, 1, 2)), Array.from(rnd(9, 2, 3)), Array.from(rnd(15, 3))];
    const dy = Array.from(rnd(15, 4));
    const r = spawnSync('/usr/bin/python3', ['-c', TORCH_SCRIPT], { input: JSON.stringify({ f, w, b, xs, dy }), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as {
      bn: { y: number[]; dx: number[]; dw: number[]; db: number[]; rm: number[]; rv: number[]; n: number }[];
      bnEval: number[];
      ln: { y: number[]; dx: number[]; dw: number[]; db: number[] };
    };
    for (const backend of BACKENDS) {
      const bn = new BatchNorm1d(f);
      const m = new Sequential([bn], { backend, inputFeatures: f });
      m.values.set([...w, ...b]);
      xs.forEach((x, k) => {
        m.zeroGrad();
        const rows = x.length / f;
        const y = m.forward(new Tensor(Float32Array.from(x), [rows, f]), true);
        close(`bn y ${k}`, y.data, t.bn[k]!.y);
        const dx = m.backward(new Tensor(Float32Array.from(dy.slice(0, x.length)), [rows, f]))!;
        close(`bn dx ${k}`, dx.data, t.bn[k]!.dx);
        close(`bn dw ${k}`, m.grads.subarray(0, f), t.bn[k]!.dw);
        close(`bn db ${k}`, m.grads.subarray(f), t.bn[k]!.db);
        close(`bn running_mean ${k}`, bn.runningStats!.mean, t.bn[k]!.rm);
        close(`bn running_var ${k}`, bn.runningStats!.variance, t.bn[k]!.rv);
        expect(bn.runningStats!.batches).toBe(t.bn[k]!.n);
      });
      close('bn eval', m.forward(new Tensor(Float32Array.from(xs[0]!), [4, f]), false).data, t.bnEval);

      const ln = new Sequential([new LayerNorm(f)], { backend, inputFeatures: f });
      ln.values.set([...w, ...b]);
      ln.zeroGrad();
      close('ln y', ln.forward(new Tensor(Float32Array.from(xs[0]!), [4, f]), true).data, t.ln.y);
      close('ln dx', ln.backward(new Tensor(Float32Array.from(dy.slice(0, 12)), [4, f]))!.data, t.ln.dx);
      close('ln dw', ln.grads.subarray(0, f), t.ln.dw);
      close('ln db', ln.grads.subarray(f), t.ln.db);
    }
  });
});
