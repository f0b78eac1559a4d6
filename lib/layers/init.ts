// Weight initialisers, all drawn from the model's seeded PRNG.
import { rangeError } from '../errors.js';
import type { Rng } from '../random.js';

export type InitName = 'he' | 'glorot' | 'zeros';
export const INIT_NAMES: readonly InitName[] = ['he', 'glorot', 'zeros'];

/**
 * 'he': normal with std √(2/fanIn) (He et al. 2015; for the ReLU family);
 * 'glorot': uniform in ±√(6/(fanIn+fanOut)) (Glorot & Bengio 2010; for
 * sigmoid, tanh and no activation); 'zeros'.
 */
export function initWeights(name: InitName, w: Float32Array, fanIn: number, fanOut: number, rng: Rng): void {
  switch (name) {
    case 'he': {
      const std = Math.sqrt(2 / Math.max(fanIn, 1));
      for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
      return;
    }
    case 'glorot': {
      const limit = Math.sqrt(6 / Math.max(fanIn + fanOut, 1));
      for (let i = 0; i < w.length; i++) w[i] = limit * (2 * rng.uniform() - 1);
      return;
    }
    case 'zeros':
      w.fill(0);
      return;
    default:
      throw rangeError('init', 'name', `one of ${INIT_NAMES.join(', ')}`, JSON.stringify(name));
  }
}
