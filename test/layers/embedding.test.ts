// Embedding and Concat (categorical columns beside numeric ones): the lookup
// against indices written here, gradients against central differences of a
// float64 twin, the sparse (touched rows only) gradient, out-of-range
// indices refused by forward, fit, evaluate and predict with every byte of
// state unchanged, model files, and parity with PyTorch 1.13 (nn.Embedding,
// and nodegrad's file loaded strictly into an equivalent torch module) where
// /usr/bin/python3 has torch, a visible line where not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Adam, Concat, Dense, Embedding, Sequential, Tensor } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';
import { backendsUnderTest } from '../helpers/backends.js';

const BACKENDS = backendsUnderTest().map((b) => b.name);
const rnd = (n: number, seed: number, scale = 1) => {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => scale * r.normal());
};

/** A [rows, 3] input: column 0 a category of 5, columns 1 and 2 numeric. */
function mixed(rows: number, seed: number): Tensor {
  const r = new Rng(seed);
  const x = new Float32Array(rows * 3);
  for (let i = 0; i < rows; i++) {
    x[i * 3] = Math.floor(r.uniform() * 5);
    x[i * 3 + 1] = r.normal();
    x[i * 3 + 2] = r.normal();
  }
  return new Tensor(x, [rows, 3]);
}

const mixedModel = (backend: (typeof BACKENDS)[number], seed = 1) =>
  new Sequential([new Concat([{ columns: [0], layer: new Embedding(5, 2) }, { columns: [1, 2] }]), new Dense(4, 3, { activation: 'tanh' }), new Dense(3, 2)], { backend, seed });

describe('Embedding forward', () => {
  it('looks up each index row; several index columns sit side by side (PyTorch layout [num, dim])', () => {
    for (const backend of BACKENDS) {
      const m = new Sequential([new Embedding(4, 3)], { backend, inputFeatures: 2 });
      m.values.set(Float32Array.from({ length: 12 }, (_, i) => i + 0.5)); // row r = [3r+0.5, 3r+1.5, 3r+2.5]
      const y = m.forward(new Tensor(Float32Array.of(2, 0, 3, -0), [2, 2]), false).data;
      expect(Array.from(y)).toEqual([6.5, 7.5, 8.5, 0.5, 1.5, 2.5, 9.5, 10.5, 11.5, 0.5, 1.5, 2.5]);
      expect(m.outputFeatures).toBe(6);
    }
  });
  it('a model chains the next layer to its k·dim output', () => {
    const m = new Sequential([new Embedding(4, 3), new Dense(6, 2)], { inputFeatures: 2 });
    expect(m.outputFeatures).toBe(2);
    expect(m.layers[0]!.outFeatures).toBe(6);
    expect(() => new Sequential([new Embedding(4, 3), new Dense(2, 2)], { inputFeatures: 2 })).toThrow(/layers\[1\] \(Dense\) inFeatures must be 6 to match the output of layers\[0\] \(Embedding\), got 2/);
  });
  it("default init is PyTorch's N(0, 1); a named init and the kernelInitializer alias are the same draw", () => {
    const a = new Sequential([new Embedding(2000, 8)], { inputFeatures: 1, seed: 3 }).values;
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    // 16,000 draws: the mean's standard error is 0.008 and the variance's 0.011; 5σ bounds.
    expect(Math.abs(mean)).toBeLessThan(0.04);
    expect(Math.abs(variance - 1)).toBeLessThan(0.056);
    const u = new Sequential([new Embedding(10, 4, { init: 'glorotUniform' })], { inputFeatures: 1, seed: 3 }).values;
    const v = new Sequential([new Embedding(10, 4, { kernelInitializer: 'glorotUniform' })], { inputFeatures: 1, seed: 3 }).values;
    expect(Array.from(u)).toEqual(Array.from(v));
    // Glorot with PyTorch's fans of a [10, 4] tensor: limit √(6/14).
    expect(Math.max(...Array.from(u, Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 14));
    expect(() => new Embedding(3, 2, { init: 'zeros', kernelInitializer: 'ones' })).toThrow(/Embedding: options.kernelInitializer must be left out when options.init is given/);
  });
});

describe('Concat: categorical and numeric columns', () => {
  it('outputs the branches side by side; passed-through columns unchanged', () => {
    const m = new Sequential([new Concat([{ columns: [2], layer: new Embedding(3, 2) }, { columns: [0, 1] }, { columns: [1] }])]);
    m.values.set([10, 11, 20, 21, 30, 31]);
    const y = m.forward(new Tensor(Float32Array.of(0.25, -4, 1, 7, 8, 2), [2, 3]), false).data;
    expect(Array.from(y)).toEqual([20, 21, 0.25, -4, -4, 30, 31, 7, 8, 8]);
    expect(m.parameters().map((p) => p.name)).toEqual(['0.0.weight']);
    expect(m.layers[0]!.describe()).toBe('Concat(Embedding(3, 2)[2], [0,1], [1])');
  });

  /**
   * J = Σ r⊙model(x) against central differences (h = 1e-5) of a float64
   * twin written here (lookup, then y = tanh(h·W1 + b1)·W2 + b2). Tolerance
   * 1e-4 of the largest difference: the analytic path rounds to float32
   * (6e-8 relative) over sums of ≤ 6 terms; a wrong row or factor is O(1).
   */
  it('gradients of the table, the Dense weights and dx of the numeric columns match finite differences', () => {
    const rows = 6;
    const m = mixedModel('reference', 2);
    const x = mixed(rows, 4);
    x.data[0] = 3;
    x.data[3] = 3; // an index used twice: its gradient is the sum of both rows'
    const r = rnd(rows * 2, 8);
    m.zeroGrad();
    m.forward(x, true);
    const dx = m.backward(new Tensor(r, [rows, 2]))!.data.slice();
    const theta = Float64Array.from(m.values);
    const x64 = Float64Array.from(x.data);
    const J = (): number => {
      let s = 0;
      for (let i = 0; i < rows; i++) {
        const c = x64[i * 3]!;
        const h = [theta[c * 2]!, theta[c * 2 + 1]!, x64[i * 3 + 1]!, x64[i * 3 + 2]!];
        const a = [0, 0, 0];
        for (let o = 0; o < 3; o++) {
          let z = theta[10 + 12 + o]!; // b1 after the table (10) and W1 [4, 3] (12)
          for (let k = 0; k < 4; k++) z += h[k]! * theta[10 + k * 3 + o]!;
          a[o] = Math.tanh(z);
        }
        for (let o = 0; o < 2; o++) {
          let z = theta[25 + 6 + o]!; // b2 after W2 [3, 2]
          for (let k = 0; k < 3; k++) z += a[k]! * theta[25 + k * 2 + o]!;
          s += z * r[i * 2 + o]!;
        }
      }
      return s;
    };
    const fd = (vec: Float64Array, skip: (i: number) => boolean) => {
      const out = new Float64Array(vec.length);
      for (let i = 0; i < vec.length; i++) {
        if (skip(i)) continue;
        const keep = vec[i]!;
        vec[i] = keep + 1e-5;
        const up = J();
        vec[i] = keep - 1e-5;
        const down = J();
        vec[i] = keep;
        out[i] = (up - down) / 2e-5;
      }
      return out;
    };
    const dTheta = fd(theta, () => false);
    const scale = Math.max(1, ...Array.from(dTheta, Math.abs));
    dTheta.forEach((g, i) => expect(Math.abs(m.grads[i]! - g), `dθ[${i}]`).toBeLessThan(1e-4 * scale));
    // Untouched table rows have exactly zero gradient (index 3 is used; pick one that is not).
    const used = new Set(Array.from({ length: rows }, (_, i) => x.data[i * 3]!));
    for (let c = 0; c < 5; c++) if (!used.has(c)) expect([m.grads[c * 2], m.grads[c * 2 + 1]]).toEqual([0, 0]);
    // dx: numeric columns by finite differences, the index column zero.
    const dX = fd(x64, (i) => i % 3 === 0);
    for (let i = 0; i < rows * 3; i++) {
      if (i % 3 === 0) expect(dx[i]).toBe(0);
      else expect(Math.abs(dx[i]! - dX[i]!), `dx[${i}]`).toBeLessThan(1e-4 * Math.max(1, ...Array.from(dX, Math.abs)));
    }
  });

  it('the same bits on every backend (the lookup and scatter-add are TypeScript; Dense native)', () => {
    const x = mixed(9, 5);
    const dy = new Tensor(rnd(18, 6), [9, 2]);
    const runs = BACKENDS.map((b) => {
      const m = mixedModel(b, 7);
      m.zeroGrad();
      m.forward(x, true);
      m.backward(dy);
      return Array.from(m.grads.subarray(0, 10));
    });
    // The table's gradient is dy·W1ᵀ rows scattered: W1ᵀ products are GEMM results, equal only within a sum bound;
    // over 3 terms of |·| < 10 the float32 summation order changes at most 3·2⁻²⁴·10 per term, 1e-5 absolute.
    for (const g of runs) g.forEach((v, i) => expect(Math.abs(v - runs[0]![i]!)).toBeLessThan(1e-5));
  });
});

describe('out-of-range indices are refused, state unchanged', () => {
  const bad: [string, number][] = [
    ['too large', 5],
    ['negative', -1],
    ['fractional', 1.5],
    ['NaN', NaN],
  ];
  it.each(bad)('%s: forward, fit, evaluate and predict name the element and the range', async (_label, v) => {
    const m = mixedModel('reference');
    m.compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const x = mixed(8, 3);
    const y = new Tensor(Float32Array.from({ length: 8 }, (_, i) => i % 2), [8]);
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, seed: 1 }); // optimizer state exists
    const before = [m.values.slice(), m.grads.slice(), m.optimizer!.stateDict()];
    x.data[5 * 3] = v;
    const got = Number.isNaN(v) ? 'NaN' : String(v);
    const msg = (fn: string) => new RegExp(`^${fn}: x\\[5, 0\\] must be an integer index in \\[0, 5\\) for branch 0 \\(Embedding\\(5, 2\\)\\), got ${got.replace('.', '\\.')}$`);
    const expectRange = (f: () => unknown, fn: string) => {
      let e: unknown;
      try {
        f();
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(RangeError);
      expect((e as Error).message).toMatch(msg(fn));
    };
    expectRange(() => m.forward(x, true), 'Concat.forward');
    expectRange(() => m.predict(x), 'predict');
    expectRange(() => m.evaluate(x, y), 'evaluate');
    await expect(m.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(msg('fit'));
    await expect(m.fit(mixed(8, 9), y, { epochs: 1, verbose: 0, validationData: [x, y] })).rejects.toThrow(/^fit: validationData\[0\]\[5, 0\] must be an integer index/);
    expect([m.values.slice(), m.grads.slice(), m.optimizer!.stateDict()]).toEqual(before);
  });
  it('a standalone Embedding names its own argument', () => {
    const m = new Sequential([new Embedding(3, 2)], { inputFeatures: 1 });
    const before = m.values.slice();
    expect(() => m.forward(new Tensor(Float32Array.of(0, 3), [2, 1]))).toThrow(/^Embedding.forward: x\[1, 0\] must be an integer index in \[0, 3\) \(Embedding\(3, 2\)\), got 3$/);
    expect(() => m.predict(new Tensor(Float32Array.of(7), [1, 1]))).toThrow(/^predict: x\[0, 0\] must be an integer index in \[0, 3\)/);
    expect(m.values).toEqual(before);
  });
  it.each([
    [() => new Embedding(0, 2), /Embedding: numEmbeddings must be an integer >= 1, got 0/],
    [() => new Embedding(3, 1.5), /Embedding: dim must be an integer >= 1, got 1.5/],
    [() => new Concat([]), /Concat: branches must be a non-empty array, got an empty array/],
    [() => new Concat([{ columns: [] }]), /Concat: branches\[0\].columns must be a non-empty array/],
    [() => new Concat([{ columns: [-1] }]), /Concat: branches\[0\].columns\[0\] must be an integer >= 0, got -1/],
    [() => new Concat([{ columns: [0], layer: new Dense(1, 2) as never }]), /Concat: branches\[0\].layer must be an Embedding or null, got Dense/],
    [() => new Concat([{ columns: [3] }], { inFeatures: 2 }), /Concat: options.inFeatures must be more than the largest column \(3\), got 2/],
  ])('bad construction %#', (make, re) => expect(make).toThrow(re));
  it('the same Embedding in two branches is refused', () => {
    const e = new Embedding(2, 2);
    expect(() => new Concat([{ columns: [0], layer: e }, { columns: [1], layer: e }])).toThrow(/Concat: branches\[1\].layer must be a layer not already in this Concat/);
  });
});

describe('training and model files', () => {
  it('a mixed model learns a rule that depends on the category; saved and loaded it predicts the same bits', async () => {
    // Class = 1 when the category is 1 or 3, else by the sign of column 1: the category's embedding must carry it.
    const rows = 400;
    const x = mixed(rows, 11);
    const y = new Tensor(Float32Array.from({ length: rows }, (_, i) => (x.data[i * 3] === 1 || x.data[i * 3] === 3 ? 1 : x.data[i * 3 + 1]! > 0 ? 1 : 0)), [rows]);
    const m = new Sequential([new Concat([{ columns: [0], layer: new Embedding(5, 3) }, { columns: [1, 2] }]), new Dense(5, 16, { activation: 'relu' }), new Dense(16, 2)], { seed: 2 });
    m.compile({ optimizer: new Adam(m.parameters(), { lr: 0.02 }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const h = await m.fit(x, y, { epochs: 40, batchSize: 32, verbose: 0, seed: 3 });
    expect(h.background, h.fallback).toBe(true);
    // A linear rule in column 1 alone reaches ~70%; the categories add the rest.
    expect(m.evaluate(x, y).accuracy).toBeGreaterThan(0.95);
    const dir = mkdtempSync(join(tmpdir(), 'nodegrad-emb-'));
    try {
      await m.save(dir);
      const back = await Sequential.load(dir);
      expect(back.layers[0]!.toJSON()).toEqual({
        className: 'Concat',
        config: { inFeatures: 3, branches: [{ columns: [0], layer: { className: 'Embedding', config: { numEmbeddings: 5, dim: 3, init: 'torch' } } }, { columns: [1, 2], layer: null }] },
      });
      expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- PyTorch parity -------------------------------------------------------
const torchOk = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
if (!torchOk) console.log('skipped: PyTorch parity of Embedding/Concat (no /usr/bin/python3 with torch and numpy; apt-get install python3-torch)');

const TORCH_SCRIPT = String.raw`
import json, sys, torch
sys.path.insert(0, sys.argv[1])
from torch_fixture import load_safetensors
d = json.loads(sys.stdin.read())
out = {}
emb = torch.nn.Embedding(d['num'], d['dim'])
with torch.no_grad():
    emb.weight.copy_(torch.tensor(d['w']).reshape(d['num'], d['dim']))
idx = torch.tensor(d['idx'], dtype=torch.long).reshape(-1, d['k'])
y = emb(idx).reshape(idx.shape[0], -1)
y.backward(torch.tensor(d['dy']).reshape(y.shape))
out['y'] = y.detach().flatten().tolist()
out['dw'] = emb.weight.grad.flatten().tolist()

class Concat(torch.nn.ModuleList):
    def __init__(self, branches):
        super().__init__([m for _, m in branches])
        self.columns = [c for c, _ in branches]
    def forward(self, x):
        parts = []
        for cols, m in zip(self.columns, self):
            sub = x[:, cols]
            parts.append(m(sub.long()).reshape(x.shape[0], -1) if isinstance(m, torch.nn.Embedding) else sub)
        return torch.cat(parts, 1)

model = torch.nn.Sequential(Concat([([0], torch.nn.Embedding(5, 3)), ([1, 2], torch.nn.Identity())]), torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
model.load_state_dict(load_safetensors(d['file']), strict=True)
out['pred'] = model(torch.tensor(d['x']).reshape(-1, 3)).detach().flatten().tolist()
print(json.dumps(out))
`;

describe.skipIf(!torchOk)('parity with PyTorch 1.13 (computed here by torch)', () => {
  it("nn.Embedding's forward and weight gradient, bit for bit on dyadic values; nodegrad's file loads strictly into the torch module", async () => {
    const num = 6;
    const dim = 3;
    const k = 2;
    // Dyadic values (k/8): every sum of the scatter-add is exact in float32, whatever the order.
    const w = Array.from({ length: num * dim }, (_, i) => ((i * 7) % 17) / 8 - 1);
    const idx = [0, 5, 2, 2, 5, 5, 1, 0];
    const dy = Array.from({ length: idx.length * dim }, (_, i) => ((i * 5) % 13) / 8 - 0.75);
    const dir = mkdtempSync(join(tmpdir(), 'nodegrad-emb-torch-'));
    try {
      const m = new Sequential([new Concat([{ columns: [0], layer: new Embedding(5, 3) }, { columns: [1, 2] }]), new Dense(5, 4, { activation: 'tanh' }), new Dense(4, 2)], { seed: 4 });
      await m.save(dir);
      const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.safetensors'))!);
      const x = mixed(7, 12);
      const r = spawnSync('/usr/bin/python3', ['-c', TORCH_SCRIPT, join(import.meta.dirname, '../export')], {
        input: JSON.stringify({ num, dim, k, w, idx, dy, file, x: Array.from(x.data) }),
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const t = JSON.parse(r.stdout) as { y: number[]; dw: number[]; pred: number[] };
      for (const backend of BACKENDS) {
        const e = new Sequential([new Embedding(num, dim)], { backend, inputFeatures: k });
        e.values.set(w);
        e.zeroGrad();
        const y = e.forward(new Tensor(Float32Array.from(idx), [idx.length / k, k]), true);
        expect(Array.from(y.data)).toEqual(t.y);
        e.backward(new Tensor(Float32Array.from(dy), [idx.length / k, k * dim]));
        expect(Array.from(e.grads)).toEqual(t.dw);
      }
      // Forward through Linear/tanh in both: float32 GEMMs of ≤ 5 terms and tanh, a few ulp of values < 4; 1e-5 absolute.
      const ours = m.predict(x).data;
      t.pred.forEach((v, i) => expect(Math.abs(ours[i]! - v), `pred[${i}]`).toBeLessThan(1e-5));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
