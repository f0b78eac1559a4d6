// Weight initialisers, all drawn from the model's seeded PRNG. The names are
// Keras's (camelCase); 'he' and 'glorot' are the original short names of
// heNormal and glorotUniform, and 'torch' is PyTorch's nn.Linear default.
import { checkFiniteF32, rangeError, typeError } from '../errors.js';
import type { Rng } from '../random.js';

export const INIT_NAMES = [
  'he',
  'glorot',
  'heNormal',
  'heUniform',
  'glorotNormal',
  'glorotUniform',
  'lecunNormal',
  'lecunUniform',
  'torch',
  'zeros',
  'ones',
] as const;
export type InitName = (typeof INIT_NAMES)[number];
/** A named scheme, or a constant value. */
export type Init = InitName | { constant: number };

/** Checks an `init` option; returns it unchanged (a constant rounded to float32). */
export function checkInit(fn: string, arg: string, init: unknown): Init {
  if (typeof init === 'string') {
    if ((INIT_NAMES as readonly string[]).includes(init)) return init as InitName;
    throw rangeError(fn, arg, `one of ${INIT_NAMES.map((a) => `'${a}'`).join(', ')} or { constant: number }`, JSON.stringify(init));
  }
  if (init !== null && typeof init === 'object' && Object.keys(init).length === 1 && 'constant' in init) {
    return { constant: checkFiniteF32(fn, `${arg}.constant`, (init as { constant: unknown }).constant) };
  }
  throw typeError(fn, arg, `one of ${INIT_NAMES.map((a) => `'${a}'`).join(', ')} or { constant: number }`, init);
}

/**
 * Fills `w` (fanIn inputs, fanOut outputs):
 * - heNormal ('he'): N(0, 2/fanIn); heUniform: U(±√(6/fanIn)) (He et al. 2015; the ReLU family);
 * - glorotNormal: N(0, 2/(fanIn+fanOut)); glorotUniform ('glorot'): U(±√(6/(fanIn+fanOut)));
 * - lecunNormal: N(0, 1/fanIn); lecunUniform: U(±√(3/fanIn));
 * - torch: U(±1/√fanIn), PyTorch's nn.Linear default (kaiming_uniform_ with a = √5), also its bias default;
 * - zeros, ones, { constant: c }.
 * Normal draws are not truncated (PyTorch's kaiming_normal_ and xavier_normal_ are not either).
 */
export function initWeights(init: Init, w: Float32Array, fanIn: number, fanOut: number, rng: Rng): void {
  const fi = Math.max(fanIn, 1);
  const fio = Math.max(fanIn + fanOut, 1);
  const normal = (std: number) => {
    for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
  };
  const uniform = (limit: number) => {
    for (let i = 0; i < w.length; i++) w[i] = limit * (2 * rng.uniform() - 1);
  };
  if (typeof init === 'object') {
    w.fill(init.constant);
    return;
  }
  switch (init) {
    case 'he':
    case 'heNormal':
      return normal(Math.sqrt(2 / fi));
    case 'heUniform':
      return uniform(Math.sqrt(6 / fi));
    case 'glorot':
    case 'glorotUniform':
      return uniform(Math.sqrt(6 / fio));
    case 'glorotNormal':
      return normal(Math.sqrt(2 / fio));
    case 'lecunNormal':
      return normal(Math.sqrt(1 / fi));
    case 'lecunUniform':
      return uniform(Math.sqrt(3 / fi));
    case 'torch':
      return uniform(1 / Math.sqrt(fi));
    case 'zeros':
      w.fill(0);
      return;
    case 'ones':
      w.fill(1);
      return;
    default:
      throw rangeError('init', 'name', `one of ${INIT_NAMES.join(', ')}`, JSON.stringify(init));
  }
}
