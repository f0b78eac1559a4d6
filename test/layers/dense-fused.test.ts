// Dense fuses every activation of the family's list into denseForward's
// epilogue; where the backward needs the pre-activation (elu, gelu, silu,
// leakyRelu with α < 0) the epilogue also stores z. Either way the layer must
// give the bits of the unfused form: Dense without activation followed by
// the activation's own layer, forward and backward (dx and every gradient),
// on both backends.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../lib/backend/families/activations.js';
import { ACTIVATION_LAYERS } from '../../lib/layers/activations.js';
import { Dense, Sequential, Tensor } from '../../lib/index.js';
import type { Layer } from '../../lib/layers/layer.js';
import { Rng } from '../../lib/random.js';
import { rawBackend } from '../../lib/backend/index.js';
import { backendsUnderTest } from '../helpers/backends.js';

const bitsOf = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

// Every entry, each GELU form, leakyRelu with a negative α (which keeps z) too.
const forms: Array<{ label: string; dense: ConstructorParameters<typeof Dense>[2]; layer: () => Layer }> = [];
for (const e of ACTIVATIONS) {
  const L = ACTIVATION_LAYERS[e.layer] as unknown as new (arg?: unknown) => Layer;
  if (e.param === 'approximate') {
    for (const form of Object.keys(e.approximate)) forms.push({ label: `${e.name} ${form}`, dense: { activation: e.name, approximate: form as 'none' }, layer: () => new L({ approximate: form }) });
  } else if (e.param === 'alpha') {
    for (const alpha of [0.3, -0.2]) forms.push({ label: `${e.name} α=${alpha}`, dense: { activation: e.name, alpha }, layer: () => new L(alpha) });
  } else {
    forms.push({ label: e.name, dense: { activation: e.name }, layer: () => new L() });
  }
}

for (const b of backendsUnderTest()) {
  describe(`Dense fused activation = Dense + activation layer, bitwise [${b.label}]`, () => {
    it.each(forms.map((f) => [f.label, f] as const))('%s', (_label, f) => {
      const [batch, inF, outF] = [13, 11, 37];
      const fused = new Sequential([new Dense(inF, outF, f.dense)], { backend: b.name, seed: 4 });
      const plain = new Sequential([new Dense(inF, outF, { init: fused.layers[0]!.config().init as 'he' }), f.layer()], { backend: b.name, seed: 4 });
      plain.values.set(fused.values);
      const rng = new Rng(7);
      // Inputs spread so that both sides of 0 and GELU's/SiLU's curved region are hit.
      const x = new Tensor(Float32Array.from({ length: batch * inF }, () => rng.normal() * 2), [batch, inF]);
      const dy = new Tensor(Float32Array.from({ length: batch * outF }, () => rng.normal()), [batch, outF]);
      const yF = fused.layers[0]!.forward(x, true);
      const h = plain.layers[0]!.forward(x, true);
      const yP = plain.layers[1]!.forward(h, true);
      expect(bitsOf(yF.data)).toEqual(bitsOf(yP.data));
      fused.zeroGrad();
      plain.zeroGrad();
      const dxF = fused.layers[0]!.backward(dy);
      const dxP = plain.layers[0]!.backward(plain.layers[1]!.backward(dy));
      expect(bitsOf(dxF.data)).toEqual(bitsOf(dxP.data));
      expect(bitsOf(fused.grads)).toEqual(bitsOf(plain.grads));
      // Not all zeros: the comparison is of a real gradient.
      expect(fused.grads.some((g) => g !== 0)).toBe(true);
    });
  });

  describe(`denseForward's z output [${b.label}]`, () => {
    const raw = rawBackend(b.name);
    // Shapes of the few-row (GEMV) path, the tiled path with partial tiles, and k = 0.
    const shapes = [
      [2, 70, 17],
      [9, 70, 17],
      [45, 300, 64],
      [5, 9, 0],
    ] as const;
    it.each(forms.flatMap((f) => shapes.map((s) => [`${f.label} ${s.join('×')}`, f, s] as const)))('%s: z is the product + bias, y the activation of it', (_label, f, [m, n, k]) => {
      const rng = new Rng(3);
      const x = Float32Array.from({ length: m * k }, () => rng.normal());
      const w = Float32Array.from({ length: k * n }, () => rng.normal() * 0.4);
      const bias = Float32Array.from({ length: n }, () => rng.normal());
      const d = new Dense(Math.max(k, 1), n, f.dense);
      const id = (d as unknown as { act(): number }).act();
      const alpha = d.alpha;
      const y = new Float32Array(m * n);
      const z = new Float32Array(m * n).fill(NaN);
      raw.denseForward(x, w, bias, y, m, n, k, id as never, alpha, z);
      const want = new Float32Array(m * n);
      raw.denseForward(x, w, bias, want, m, n, k, 0, 0);
      expect(bitsOf(z)).toEqual(bitsOf(want));
      const wantY = new Float32Array(m * n);
      raw.denseForward(x, w, bias, wantY, m, n, k, id as never, alpha);
      expect(bitsOf(y)).toEqual(bitsOf(wantY));
    });
  });
}
