// The GELU and SiLU layers: each runs its activation kernels on the input it
// keeps (backwardInput 'x' in the family's list), round-trips through its
// JSON config, and a model built with them learns. The kernels' numerics are
// tested in test/kernels/activations.test.ts.
import { describe, expect, it } from 'vitest';
import { backend } from '../../lib/backend/index.js';
import { Dense, GELU, layerFromJSON, SiLU, Sequential, Tensor } from '../../lib/index.js';
import { Rng } from '../../lib/random.js';
import { backendsUnderTest } from '../helpers/backends.js';

function rand(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.uniform() - 0.5) * 6);
}

for (const b of backendsUnderTest()) {
  describe(`GELU / SiLU layers [${b.label}]`, () => {
    const k = backend(b.name);
    const cases = [
      { layer: () => new GELU(), fwd: (x: Float32Array, y: Float32Array) => k.gelu(x, y), bwd: (x: Float32Array, g: Float32Array, d: Float32Array) => k.geluBackward(x, g, d) },
      {
        layer: () => new GELU({ approximate: 'tanh' }),
        fwd: (x: Float32Array, y: Float32Array) => k.gelu(x, y, 'tanh'),
        bwd: (x: Float32Array, g: Float32Array, d: Float32Array) => k.geluBackward(x, g, d, 'tanh'),
      },
      { layer: () => new SiLU(), fwd: (x: Float32Array, y: Float32Array) => k.silu(x, y), bwd: (x: Float32Array, g: Float32Array, d: Float32Array) => k.siluBackward(x, g, d) },
    ];
    for (const c of cases) {
      const name = c.layer().describe();
      it(`${name}: forward and backward are its kernels on x, bit for bit`, () => {
        const rng = new Rng(5);
        const x = rand(4 * 7, rng);
        const dy = rand(4 * 7, rng);
        const m = new Sequential([new Dense(7, 7), c.layer()], { backend: b.name, seed: 3 });
        const layer = m.layers[1]!;
        const y = layer.forward(new Tensor(x, [4, 7]), true);
        const want = new Float32Array(x.length);
        c.fwd(x, want);
        expect(Array.from(y.data)).toEqual(Array.from(want));
        const dx = layer.backward(new Tensor(dy, [4, 7]));
        const wantDx = new Float32Array(x.length);
        c.bwd(x, dy, wantDx);
        expect(Array.from(dx.data)).toEqual(Array.from(wantDx));
      });
      it(`${name}: JSON round trip`, () => {
        const l = c.layer();
        const back = layerFromJSON(JSON.parse(JSON.stringify(l.toJSON())));
        expect(back.describe()).toBe(l.describe());
        expect(back.config()).toEqual(l.config());
      });
    }

    it('GELU rejects an unknown approximate form', () => {
      expect(() => new GELU({ approximate: 'erf' as 'none' })).toThrow(new RangeError(`GELU: options.approximate must be one of 'none', 'tanh', got "erf"`));
    });

    it('a Dense → GELU → Dense → SiLU → Dense model learns a smooth function', async () => {
      const rng = new Rng(11);
      const n = 64;
      const x = rand(n * 2, rng);
      const t = Float32Array.from({ length: n }, (_, i) => Math.sin(x[2 * i]!) * 0.5 + x[2 * i + 1]! * 0.1);
      const m = new Sequential([new Dense(2, 16), new GELU(), new Dense(16, 16), new SiLU(), new Dense(16, 1)], { backend: b.name, seed: 1 });
      m.compile({ loss: 'mse', optimizer: 'adam' });
      const xs = new Tensor(x, [n, 2]);
      const ts = new Tensor(t, [n, 1]);
      const first = m.evaluate(xs, ts).loss!;
      await m.fit(xs, ts, { epochs: 60, batchSize: 16, seed: 1, verbose: 0 });
      expect(m.evaluate(xs, ts).loss).toBeLessThan(0.3 * first);
    });
  });
}
