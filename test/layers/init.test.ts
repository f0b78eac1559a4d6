// Weight initialisers: each named scheme's distribution (mean, variance,
// bounds) against its formula, seeded reproducibility, constants exact, and
// PyTorch's nn.Linear default for the bias too.
import { describe, expect, it } from 'vitest';
import { Dense, INIT_NAMES, Sequential } from '../../lib/index.js';

const fanIn = 300;
const fanOut = 200;
const weightsOf = (init: (typeof INIT_NAMES)[number] | { constant: number }, seed = 1) => {
  const m = new Sequential([new Dense(fanIn, fanOut, { init })], { backend: 'reference', seed });
  return { w: m.values.subarray(0, fanIn * fanOut), b: m.values.subarray(fanIn * fanOut) };
};

// [variance, uniform limit (undefined for a normal)] from each scheme's formula.
const expected: Record<string, [number, number | undefined]> = {
  he: [2 / fanIn, undefined],
  heNormal: [2 / fanIn, undefined],
  heUniform: [2 / fanIn, Math.sqrt(6 / fanIn)],
  glorot: [2 / (fanIn + fanOut), Math.sqrt(6 / (fanIn + fanOut))],
  glorotUniform: [2 / (fanIn + fanOut), Math.sqrt(6 / (fanIn + fanOut))],
  glorotNormal: [2 / (fanIn + fanOut), undefined],
  lecunNormal: [1 / fanIn, undefined],
  lecunUniform: [1 / fanIn, Math.sqrt(3 / fanIn)],
  torch: [1 / (3 * fanIn), 1 / Math.sqrt(fanIn)],
};

describe('initialisers', () => {
  for (const [name, [variance, limit]] of Object.entries(expected)) {
    it(`${name}: variance ${variance.toExponential(2)}${limit ? `, within ±${limit.toFixed(4)}` : ''}`, () => {
      const { w } = weightsOf(name as (typeof INIT_NAMES)[number]);
      const n = w.length;
      const mean = w.reduce((s, v) => s + v, 0) / n;
      const v = w.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
      // 60,000 draws: the sample variance's relative standard deviation is
      // ≤ √(2/n) ≈ 0.6%; 5% is 8σ. The mean's standard deviation is √(variance/n).
      expect(Math.abs(v / variance - 1)).toBeLessThan(0.05);
      expect(Math.abs(mean)).toBeLessThan(6 * Math.sqrt(variance / n));
      if (limit) expect(Math.max(...Array.from(w, Math.abs))).toBeLessThanOrEqual(Math.fround(limit));
    });
  }
  it('the same seed gives the same bits; another seed does not', () => {
    expect(Array.from(weightsOf('heUniform', 3).w)).toEqual(Array.from(weightsOf('heUniform', 3).w));
    expect(Array.from(weightsOf('heUniform', 3).w)).not.toEqual(Array.from(weightsOf('heUniform', 4).w));
  });
  it('zeros, ones and constants are exact; biases start at 0 except under torch', () => {
    expect(weightsOf('zeros').w.every((v) => v === 0)).toBe(true);
    expect(weightsOf('ones').w.every((v) => v === 1)).toBe(true);
    expect(weightsOf({ constant: 0.1 }).w.every((v) => v === Math.fround(0.1))).toBe(true);
    expect(weightsOf('heNormal').b.every((v) => v === 0)).toBe(true);
    // PyTorch's nn.Linear: bias from U(±1/√fanIn) as well.
    const { b } = weightsOf('torch');
    expect(b.some((v) => v !== 0)).toBe(true);
    expect(Math.max(...Array.from(b, Math.abs))).toBeLessThanOrEqual(Math.fround(1 / Math.sqrt(fanIn)));
  });
  it('the default stays: he for the ReLU family, glorot otherwise', () => {
    expect(new Dense(2, 2, { activation: 'relu' }).init).toBe('he');
    expect(new Dense(2, 2).init).toBe('glorot');
  });
});
