// The model as a class of its own: compile/fit/evaluate/predict/save/load
// are methods of Model/Sequential (not patched on from lib/train), and each
// layer gets its own seeded random stream when the model is built.
import { describe, expect, it } from 'vitest';
import { Dense, Layer, Model, Sequential, Tensor } from '../../lib/index.js';

/** A parameterless layer that records what it draws from its stream on each forward. */
class Drawing extends Layer {
  readonly className = 'Drawing';
  readonly draws: number[] = [];
  expectedInFeatures(): undefined {
    return undefined;
  }
  protected outFeaturesFor(inFeatures: number): number {
    return inFeatures;
  }
  describe(): string {
    return 'Drawing()';
  }
  config(): Record<string, unknown> {
    return {};
  }
  /** Called while the model initialises its parameters: a draw here would shift later layers' weights if the streams were shared. */
  protected override bindParams(): void {
    this.draws.push(this.rng.uniform());
  }
  forward(x: Tensor): Tensor {
    this.draws.push(this.rng.uniform(), this.rng.uniform());
    return x;
  }
  backward(dy: Tensor): Tensor {
    return dy;
  }
}

const x = Tensor.randn([2, 3], { seed: 5 });

function drawsOf(seed: number): number[][] {
  const layers = [new Drawing(), new Dense(3, 3), new Drawing()];
  const m = new Sequential(layers, { backend: 'reference', seed, inputFeatures: 3 });
  m.forward(x, true);
  m.forward(x, true);
  return [(layers[0] as Drawing).draws, (layers[2] as Drawing).draws];
}

describe('Model', () => {
  it('has compile, fit, evaluate and predict as its own methods, Sequential has save and a static load', () => {
    for (const name of ['compile', 'fit', 'evaluate', 'predict']) {
      expect(Object.hasOwn(Model.prototype, name), name).toBe(true);
      expect(Object.hasOwn(Sequential.prototype, name), `${name} not re-declared on Sequential`).toBe(false);
    }
    expect(Object.getOwnPropertyDescriptor(Model.prototype, 'optimizer')?.get).toBeTypeOf('function');
    expect(Object.hasOwn(Sequential.prototype, 'save')).toBe(true);
    expect(Object.hasOwn(Sequential, 'load')).toBe(true);
    expect(new Sequential([new Dense(2, 1)])).toBeInstanceOf(Model);
  });

  it('gives each layer a random stream fixed by the model seed', () => {
    const [a0, a2] = drawsOf(7);
    const [b0, b2] = drawsOf(7);
    expect(a0).toHaveLength(5);
    // Same seed: the same draws, bit for bit.
    expect(b0).toEqual(a0);
    expect(b2).toEqual(a2);
    // Two layers of one model do not share a stream, and another seed gives other draws.
    expect(a2).not.toEqual(a0);
    const [c0, c2] = drawsOf(8);
    expect(c0).not.toEqual(a0);
    expect(c2).not.toEqual(a2);
  });

  it('keeps the layers\' streams apart from the initialisers\' one', () => {
    // A random layer inserted between two Dense layers leaves every initial weight as it was.
    const plain = new Sequential([new Dense(3, 4), new Dense(4, 2)], { backend: 'reference', seed: 11 });
    const withDraws = new Sequential([new Dense(3, 4), new Drawing(), new Dense(4, 2)], { backend: 'reference', seed: 11 });
    expect(Array.from(withDraws.values)).toEqual(Array.from(plain.values));
  });
});
