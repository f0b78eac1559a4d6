// The activation layers are derived from the activation family's list: one
// class per implemented entry, under the entry's class name, running the
// entry's kernels, saved and rebuilt through the layer registry, and every
// implemented name accepted by Dense's `activation`.
import { describe, expect, it } from 'vitest';
import { ACTIVATION_LAYERS, ACTIVATION_NAMES, Dense, ELU, LeakyReLU, ReLU, Sequential, Sigmoid, Tanh, Tensor, layerFromJSON, backend } from '../../lib/index.js';
import { IMPLEMENTED_ACTIVATIONS } from '../../lib/layers/activation-kernels.js';

type Kernel = (...a: unknown[]) => void;

describe('activation layers from the list', () => {
  it('keep the public classes of the five original activations', () => {
    expect([ReLU, LeakyReLU, ELU, Sigmoid, Tanh].map((c) => c.name)).toEqual(['ReLU', 'LeakyReLU', 'ELU', 'Sigmoid', 'Tanh']);
    expect(ACTIVATION_NAMES.slice(0, 5)).toEqual(['relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh']);
    expect(new LeakyReLU().describe()).toBe(`LeakyReLU(${Math.fround(0.01)})`);
    expect(new ELU(0.5).toJSON()).toEqual({ className: 'ELU', config: { alpha: 0.5 } });
    expect(new ReLU().toJSON()).toEqual({ className: 'ReLU', config: {} });
  });

  for (const e of IMPLEMENTED_ACTIVATIONS) {
    it(`${e.layer}: runs ${e.name} and ${e.name}Backward, round-trips its config, and is a Dense activation`, () => {
      const Cls = (ACTIVATION_LAYERS as unknown as Record<string, new (v?: unknown) => InstanceType<typeof ReLU>>)[e.layer]!;
      const layer = e.param === 'alpha' ? new Cls(0.25) : new Cls();
      expect(layer.className).toBe(e.layer);
      expect(layer.activation).toBe(e.name);
      const m = new Sequential([layer], { backend: 'reference', inputFeatures: 4 });
      const x = Tensor.randn([3, 4], { seed: 2 });
      const y = m.forward(x, true);
      const k = backend('reference') as unknown as Record<string, Kernel>;
      const want = new Float32Array(12);
      const p = e.param === 'alpha' ? [0.25] : e.param === 'approximate' ? ['none'] : [];
      k[e.name]!(x.data, want, ...p);
      expect(Array.from(y.data)).toEqual(Array.from(want));
      const dy = Tensor.randn([3, 4], { seed: 3 });
      const dx = m.backward(dy);
      const wantDx = new Float32Array(12);
      k[`${e.name}Backward`]!(e.backwardInput === 'y' ? want : x.data, dy.data, wantDx, ...p);
      expect(Array.from(dx.data)).toEqual(Array.from(wantDx));
      const back = layerFromJSON(JSON.parse(JSON.stringify(layer.toJSON())));
      expect(back.toJSON()).toEqual(layer.toJSON());
      expect(back).toBeInstanceOf(Cls);
      expect(new Dense(4, 2, { activation: e.name }).activation).toBe(e.name);
    });
  }
});
