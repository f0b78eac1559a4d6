// adamStep with given bias corrections reproduces TF.js's Adam (issue 12.4):
// tf.train.adam on tfjs's cpu backend, 25 steps on one variable with a fixed
// float32 gradient sequence, against adamStep fed the bias corrections tfjs
// uses (1 − βᵗ from βᵗ accumulated in float32, as adam_optimizer.ts does).
// Native rounds after every operation in tfjs's own order (m̂ = m/bc1,
// v̂ = v/bc2, θ + (−lr)·(m̂/(√v̂ + ε))), as tfjs's cpu kernels do, so it must
// give tfjs's bits exactly; the reference rounds once per stored value.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random.js';
import { backendsUnderTest } from '../helpers/backends.js';

const N = 37; // not a multiple of any vector width: the padded tail runs too
const STEPS = 25;
const [LR, B1, B2, EPS] = [0.01, 0.9, 0.999, 1e-7];

const rng = new Rng(12);
const init = Float32Array.from({ length: N }, () => rng.normal());
const grads = Array.from({ length: STEPS }, (_, t) => Float32Array.from({ length: N }, () => rng.normal() * 10 ** ((t % 5) - 2)));

interface Trajectory {
  value: Float32Array[];
  m: Float32Array[];
  v: Float32Array[];
}

async function tfjsTrajectory(): Promise<Trajectory> {
  await tf.setBackend('cpu');
  const out: Trajectory = { value: [], m: [], v: [] };
  const x = tf.variable(tf.tensor1d(init), true, 'x');
  const opt = tf.train.adam(LR, B1, B2, EPS);
  for (let t = 0; t < STEPS; t++) {
    const g = tf.tensor1d(grads[t]!);
    opt.applyGradients([{ name: 'x', tensor: g }]);
    g.dispose();
    const w = await opt.getWeights(); // [iterations, x/m, x/v]
    out.value.push(x.dataSync().slice() as Float32Array);
    out.m.push(w[1]!.tensor.dataSync().slice() as Float32Array);
    out.v.push(w[2]!.tensor.dataSync().slice() as Float32Array);
  }
  opt.dispose();
  x.dispose();
  return out;
}

let want: Trajectory;
beforeAll(async () => {
  want = await tfjsTrajectory();
});

// Ulps of the element's running max |x| (see test/optim/torch-parity.test.ts
// for why); the reference's single rounding against tfjs's per-operation
// roundings: a few roundings per step, carried along.
const REF_ULPS = 8;

for (const b of backendsUnderTest()) {
  describe(`adamStep with biasCorrection1/2 reproduces tf.train.adam (tfjs-core ${tf.version_core}, cpu) [${b.label}]`, () => {
    it(`${STEPS} steps: θ, m and v ${b.name === 'native' ? 'bit for bit' : `within ${REF_ULPS} ulp`}`, () => {
      const p = init.slice();
      const m = new Float32Array(N);
      const v = new Float32Array(N);
      // tfjs: accBeta = β (float32 scalar), then accBeta ← accBeta·β in float32 after each step.
      let acc1 = Math.fround(B1);
      let acc2 = Math.fround(B2);
      const scale = { value: new Float64Array(N), m: new Float64Array(N), v: new Float64Array(N) };
      const bad: string[] = [];
      for (let t = 0; t < STEPS; t++) {
        b.kernels.adamStep(p, grads[t]!, m, v, {
          lr: LR,
          beta1: B1,
          beta2: B2,
          eps: EPS,
          biasCorrection1: Math.fround(1 - acc1),
          biasCorrection2: Math.fround(1 - acc2),
        });
        acc1 = Math.fround(acc1 * Math.fround(B1));
        acc2 = Math.fround(acc2 * Math.fround(B2));
        for (const [key, mine] of [['value', p], ['m', m], ['v', v]] as const) {
          const theirs = want[key][t]!;
          for (let i = 0; i < N; i++) {
            const s = (scale[key][i] = Math.max(scale[key][i]!, Math.abs(mine[i]!), Math.abs(theirs[i]!)));
            const d = mine[i] === theirs[i] ? 0 : Math.abs(mine[i]! - theirs[i]!) / 2 ** (Math.floor(Math.log2(Math.max(s, 2 ** -126))) - 23);
            if (b.name === 'native' ? !Object.is(mine[i], theirs[i]) : d > REF_ULPS) {
              bad.push(`step ${t + 1} ${key}[${i}]: nodegrad ${mine[i]}, tfjs ${theirs[i]} (${d.toFixed(1)} ulp)`);
            }
          }
        }
      }
      expect(bad.slice(0, 10)).toEqual([]);
    });

    it('the default (step-computed) form is not tfjs-exact: the option is what makes it so', () => {
      const p = init.slice();
      const m = new Float32Array(N);
      const v = new Float32Array(N);
      for (let t = 0; t < STEPS; t++) b.kernels.adamStep(p, grads[t]!, m, v, { lr: LR, beta1: B1, beta2: B2, eps: EPS, step: t + 1 });
      expect(p).not.toEqual(want.value[STEPS - 1]);
    });

    it('refuses bias corrections outside (0, 1], one without the other, and epsHat with them; nothing written', () => {
      const k = b.kernels;
      const p = new Float32Array([1, 2]);
      const g = new Float32Array([0.5, 0.5]);
      const m = new Float32Array(2);
      const v = new Float32Array(2);
      const table: [() => void, ErrorConstructor, string][] = [
        [() => k.adamStep(p, g, m, v, { lr: 0.1, biasCorrection1: 0, biasCorrection2: 0.5 }), RangeError, 'adamStep: biasCorrection1 must be a number in (0, 1], got 0'],
        [() => k.adamStep(p, g, m, v, { lr: 0.1, biasCorrection1: 0.5, biasCorrection2: 1.5 }), RangeError, 'adamStep: biasCorrection2 must be a number in (0, 1], got 1.5'],
        [() => k.adamStep(p, g, m, v, { lr: 0.1, biasCorrection1: 0.5 }), TypeError, 'adamStep: biasCorrection2 must be a number in (0, 1], got undefined'],
        [() => k.adamStep(p, g, m, v, { lr: 0.1, biasCorrection1: NaN, biasCorrection2: 0.5 }), RangeError, 'adamStep: biasCorrection1 must be a number in (0, 1], got NaN'],
        [() => k.adamStep(p, g, m, v, { lr: 0.1, biasCorrection1: 0.5, biasCorrection2: 0.5, epsHat: true }), RangeError, "adamStep: epsHat must be false with biasCorrection1/biasCorrection2 (they give TF.js's arrangement), got true"],
      ];
      for (const [call, cls, message] of table) {
        expect(call).toThrow(cls);
        expect(call).toThrow(message);
        expect([...p, ...m, ...v]).toEqual([1, 2, 0, 0, 0, 0]);
      }
    });
  });
}
