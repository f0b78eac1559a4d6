// PyTorch both ways: Sequential.fromStateDict of an nn.Sequential state_dict
// saved as safetensors by PyTorch (a committed fixture made by torch, always
// tested; fresh files for every module kind where /usr/bin/python3 has
// torch), and nodegrad's model.safetensors loaded strictly by PyTorch and run
// there. The imported model fine-tunes with fit; tensors the layers do not
// account for are refused naming them, before a model is built.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d, Dense, Dropout, ELU, LayerNorm, LeakyReLU, ModelFileError, PReLU, readSafetensors, ReLU, Sequential, Sigmoid, Tanh, Tensor, type DenseActivation, type Layer } from '../../lib/index.js';
import { ulpDistance } from '../fuzz/tolerance.js';
import { amplification, F32_FORWARD_TOL, f64Predict, Largest, MAX_AMPLIFICATION, maxAbsDiff } from './helpers.js';

const here = new URL('.', import.meta.url).pathname;
const script = join(here, 'torch_fixture.py');
const PYTHON = '/usr/bin/python3';
const work = mkdtempSync(join(tmpdir(), 'nodegrad-torch-'));
const largest = new Largest();
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  largest.print('largest |difference| of predictions, PyTorch (torch vs nodegrad):');
});

const torchCheck = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
const hasTorch = torchCheck.status === 0;
const torchVersion = hasTorch ? torchCheck.stdout.trim() : '';
if (!hasTorch) console.warn(`SKIPPED: the tests that run PyTorch (${PYTHON} cannot import torch and numpy); the committed torch fixture is still tested`);

type Module = [string, ...(number | boolean)[]];

/** nodegrad layers equal to nn.Sequential(spec); `fuse` folds an activation into the Linear before it. */
function layersFor(spec: Module[], fuse: boolean): Layer[] {
  const out: Layer[] = [];
  for (let i = 0; i < spec.length; i++) {
    const [kind, a, b, c] = spec[i]!;
    const next = spec[i + 1];
    if (kind === 'Linear') {
      const act: Record<string, DenseActivation> = { ReLU: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', LeakyReLU: 'leakyRelu', ELU: 'elu' };
      if (fuse && next && act[next[0]]) {
        out.push(new Dense(a as number, b as number, { bias: c !== false, activation: act[next[0]]!, ...(next[1] !== undefined ? { alpha: next[1] as number } : {}) }));
        i++;
      } else {
        out.push(new Dense(a as number, b as number, { bias: c !== false }));
      }
    } else if (kind === 'ReLU') out.push(new ReLU());
    else if (kind === 'LeakyReLU') out.push(new LeakyReLU(a as number));
    else if (kind === 'ELU') out.push(new ELU(a as number));
    else if (kind === 'PReLU') out.push(new PReLU({ perFeature: (a as number) > 1 }));
    else if (kind === 'Sigmoid') out.push(new Sigmoid());
    else if (kind === 'Tanh') out.push(new Tanh());
    else if (kind === 'BatchNorm1d') out.push(new BatchNorm1d(a as number, { affine: b !== false, trackRunningStats: c !== false }));
    else if (kind === 'LayerNorm') out.push(new LayerNorm(a as number, { elementwiseAffine: b !== false }));
    else if (kind === 'Dropout') out.push(new Dropout(a as number));
    else throw new Error(`layersFor: ${kind}`);
  }
  return out;
}

/** Runs torch_fixture.py jobs in one process; `inputs` first writes each run job's x file. */
function python(jobs: string[][], inputs: { x: number[] }[] = []): void {
  jobs.forEach((j, k) => {
    if (j[0] === 'run') writeFileSync(j[3]!, JSON.stringify({ x: inputs[k]!.x }));
  });
  const list = join(work, `jobs-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(list, JSON.stringify(jobs));
  const r = spawnSync(PYTHON, [script, 'batch', list], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torch_fixture.py failed: ${r.stderr}`);
}

function checkAgainstTorch(model: Sequential, xs: number[], ys: number[], key: string): void {
  const x = new Tensor(Float32Array.from(xs), [xs.length / model.inputFeatures, model.inputFeatures]);
  const ours = model.predict(x).data;
  const oracle = f64Predict(model, x);
  // Norm layers amplify the float32 error by at most A (helpers.ts: measured on x, 1 without them).
  const a = amplification(model, x);
  expect(a).toBeLessThanOrEqual(MAX_AMPLIFICATION);
  expect(maxAbsDiff(ours, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL * a);
  expect(maxAbsDiff(ys, oracle)).toBeLessThanOrEqual(F32_FORWARD_TOL * a);
  largest.note(key, maxAbsDiff(ys, ours));
}

const fixture = JSON.parse(readFileSync(join(here, 'fixtures', 'torch-mlp.json'), 'utf8')) as { torch: string; spec: Module[]; x: number[]; y: number[] };
const fixtureFile = join(here, 'fixtures', 'torch-mlp.safetensors');

describe('PyTorch state_dict import (committed fixture, made by torch)', () => {
  for (const fuse of [false, true]) {
    it(`predicts what torch predicted, layers ${fuse ? 'with activations fused into Dense' : 'one per module'}`, async () => {
      const model = await Sequential.fromStateDict(fixtureFile, layersFor(fixture.spec, fuse), { backend: 'reference' });
      expect(model.layers.length).toBe(fuse ? 7 : 11);
      checkAgainstTorch(model, fixture.x, fixture.y, 'committed fixture');
    });
  }

  it('the imported model fine-tunes with fit (its last layer is a Tanh: a regression in (-1, 1) with mse)', async () => {
    const model = await Sequential.fromStateDict(readFileSync(fixtureFile), layersFor(fixture.spec, true));
    const n = 96;
    const xs = new Float32Array(n * 5);
    const ys = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 5; j++) xs[i * 5 + j] = Math.cos(i * 3.3 + j);
      for (let k = 0; k < 3; k++) ys[i * 3 + k] = 0.6 * Math.tanh(xs[i * 5 + k]! - xs[i * 5 + k + 1]!);
    }
    const x = new Tensor(xs, [n, 5]);
    const y = new Tensor(ys, [n, 3]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const before = model.evaluate(x, y).loss!;
    await model.fit(x, y, { epochs: 40, batchSize: 16, seed: 2, verbose: 0 });
    expect(model.evaluate(x, y).loss!).toBeLessThan(before / 2);
  });

  it('refuses, naming the tensor and building nothing: extra, missing, misshapen, non-F32 tensors', async () => {
    const bytes = readFileSync(fixtureFile);
    const layers = layersFor(fixture.spec, false);
    // One activation too few: every later module index shifts, so their tensors are unexpected.
    await expect(Sequential.fromStateDict(bytes, layers.filter((l) => !(l instanceof ReLU)))).rejects.toThrow(/tensors 3\.weight, 3\.bias, 6\.weight, 9\.weight, 9\.bias are not part of the given layers/);
    await expect(Sequential.fromStateDict(bytes, [...layers, new Dense(3, 2)])).rejects.toThrow(/tensor 11\.weight \(layers\[11\] \(Dense\), nn\.Linear weight \[out, in\]\) is missing/);
    const wrong = layersFor(fixture.spec, false);
    wrong[2] = new PReLU({ perFeature: false });
    await expect(Sequential.fromStateDict(bytes, wrong)).rejects.toThrow(/tensor 2\.weight \(layers\[2\] \(PReLU\), nn\.PReLU weight\) must have shape \[1\], got \[8\]/);
    // Nothing was built: the same layer objects still make a model.
    expect(layers.every((l) => !l.isBuilt)).toBe(true);
    const f64 = Buffer.from(bytes);
    const headerLength = Number(f64.readBigUInt64LE(0));
    const header = f64.subarray(8, 8 + headerLength).toString('utf8').replace('"0.weight": {"dtype": "F32"', '"0.weight": {"dtype": "F64"');
    f64.write(header, 8, 'utf8');
    await expect(Sequential.fromStateDict(f64, layers)).rejects.toThrow(ModelFileError);
    await expect(Sequential.fromStateDict(f64, layers)).rejects.toThrow(/tensor 0\.weight .* has dtype "F64"; only F32 is supported/);
    await expect(Sequential.fromStateDict(join(work, 'nope.safetensors'), layers)).rejects.toThrow(/cannot read .*nope\.safetensors \(no such file\)/);
    await expect(Sequential.fromStateDict(new Uint8Array(3), layers)).rejects.toThrow(/not a safetensors file/);
    expect(layers.every((l) => !l.isBuilt)).toBe(true);
    expect((await Sequential.fromStateDict(bytes, layers)).layers.length).toBe(11);
  });
});

describe.skipIf(!hasTorch)('PyTorch both ways, files made by torch in this run', () => {
  const specs: Module[][] = [
    [['Linear', 5, 8], ['ReLU'], ['Linear', 8, 6], ['Sigmoid'], ['Linear', 6, 4], ['Tanh'], ['Linear', 4, 3]],
    [['Linear', 5, 7, false], ['LeakyReLU', 0.05], ['PReLU', 7], ['Linear', 7, 6], ['ELU', 1.3], ['PReLU', 1], ['LeakyReLU', 0.01], ['Linear', 6, 2]],
    [['Linear', 5, 6], ['ELU', 1], ['Linear', 6, 6], ['LeakyReLU', -0.2], ['Linear', 6, 3]],
    // Norm layers: trained running statistics (num_batches_tracked an int64 in torch's file), affine or not, Dropout.
    [['Linear', 5, 8], ['BatchNorm1d', 8], ['ReLU'], ['Dropout', 0.3], ['Linear', 8, 6], ['LayerNorm', 6], ['Tanh'], ['Linear', 6, 4], ['BatchNorm1d', 4, false], ['LayerNorm', 4, false], ['Linear', 4, 2]],
  ];
  const bnSpec: Module[] = [['Linear', 5, 4], ['BatchNorm1d', 4], ['ReLU'], ['Linear', 4, 2]];
  const f64Spec: Module[] = [['Linear', 5, 4], ['Tanh'], ['Linear', 4, 2]];
  const file = (name: string): string => join(work, name);
  const saved: { model: Sequential; spec: Module[]; x: number[]; key: string }[] = [];

  beforeAll(() => {
    // One python process for every torch-made file (importing torch takes seconds).
    const jobs = specs.map((spec, si) => ['save', JSON.stringify(spec), file(`s${si}.safetensors`), file(`s${si}.json`)]);
    jobs.push(['save', JSON.stringify(bnSpec), file('bn.safetensors'), file('bn.json')]);
    jobs.push(['save', JSON.stringify({ modules: f64Spec, dtype: 'float64' }), file('f64.safetensors'), file('f64.json')]);
    if (torchVersion === fixture.torch) jobs.push(['save', JSON.stringify(fixture.spec), file('regen.safetensors'), file('regen.json')]);
    python(jobs);
  });

  specs.forEach((spec, si) => {
    for (const fuse of [false, true]) {
      it(`torch → nodegrad: ${spec.map((m) => m[0]).join(', ')}${fuse ? ' (activations fused into Dense)' : ''}`, async () => {
        const { x, y, state } = JSON.parse(readFileSync(file(`s${si}.json`), 'utf8')) as { x: number[]; y: number[]; state?: Record<string, number[]> };
        const model = await Sequential.fromStateDict(file(`s${si}.safetensors`), layersFor(spec, fuse));
        checkAgainstTorch(model, x, y, 'torch-made state_dict');
        const key = `back${si}${fuse}`;
        await model.save(file(key));
        if (state) {
          // Every parameter and buffer, num_batches_tracked included, is torch's value bit for bit:
          // nodegrad's own file (PyTorch's names and layouts) holds exactly torch's state_dict.
          const dir = file(key);
          const weights = readSafetensors(readFileSync(join(dir, (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weights: string }).weights)));
          expect([...weights.tensors.keys()].sort()).toEqual(Object.keys(state).sort());
          for (const [name, values] of Object.entries(state)) expect(Array.from(weights.tensors.get(name)!.data), name).toEqual(values.map(Math.fround));
          expect(state['1.num_batches_tracked']).toEqual([3]);
        }
        saved.push({ model, spec, x, key });
      });
    }
  });

  it('nodegrad → torch: every model above, saved by nodegrad, loaded strictly (load_state_dict(strict=True)) and run by torch', () => {
    expect(saved.length).toBe(specs.length * 2);
    // The weights file of a save is the one model.json names.
    const weightsOf = (dir: string): string => join(dir, (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weights: string }).weights);
    python(saved.map((s) => ['run', JSON.stringify(s.spec), weightsOf(file(s.key)), file(`${s.key}.x.json`), file(`${s.key}.y.json`)]), saved);
    for (const s of saved) {
      const back = JSON.parse(readFileSync(file(`${s.key}.y.json`), 'utf8')) as { y: number[] };
      checkAgainstTorch(s.model, s.x, back.y, 'nodegrad save run by torch');
    }
  });

  it('a torch BatchNorm1d state_dict needs a BatchNorm1d where torch had it: given other layers, its tensors are named and nothing is built', async () => {
    const layers = [new Dense(5, 4), new ReLU(), new ReLU(), new Dense(4, 2)];
    await expect(Sequential.fromStateDict(file('bn.safetensors'), layers)).rejects.toThrow(ModelFileError);
    await expect(Sequential.fromStateDict(file('bn.safetensors'), layers)).rejects.toThrow(
      /tensors 1\.weight, 1\.bias, 1\.running_mean, 1\.running_var, 1\.num_batches_tracked are not part of the given layers/,
    );
    // Without running statistics the layer has none of the buffers torch saved.
    const noStats = [new Dense(5, 4), new BatchNorm1d(4, { trackRunningStats: false }), new ReLU(), new Dense(4, 2)];
    await expect(Sequential.fromStateDict(file('bn.safetensors'), noStats)).rejects.toThrow(/tensors 1\.running_mean, 1\.running_var, 1\.num_batches_tracked are not part of the given layers/);
    const wrong = [new Dense(5, 4), new LayerNorm(4), new ReLU(), new Dense(4, 2)];
    await expect(Sequential.fromStateDict(file('bn.safetensors'), wrong)).rejects.toThrow(/1\.running_mean, 1\.running_var, 1\.num_batches_tracked are not part/);
    expect([...layers, ...noStats, ...wrong].every((l) => !l.isBuilt)).toBe(true);
    const ok = await Sequential.fromStateDict(file('bn.safetensors'), [new Dense(5, 4), new BatchNorm1d(4), new ReLU(), new Dense(4, 2)]);
    expect((ok.layers[1] as BatchNorm1d).runningStats!.batches).toBe(3);
  });

  it('a float64 state_dict from torch is refused naming the first tensor and its dtype', async () => {
    await expect(Sequential.fromStateDict(file('f64.safetensors'), layersFor(f64Spec, true))).rejects.toThrow(
      /tensor 0\.weight \(layers\[0\] \(Dense\), nn\.Linear weight \[out, in\]\) has dtype "F64"; only F32 is supported \(save model\.float\(\)\.state_dict\(\)\)/,
    );
  });

  // Keeps the fixture honest: the same torch version regenerates the same file
  // (torch's seeded initialisation may differ between versions, so others skip).
  it.skipIf(torchVersion !== fixture.torch)(`the committed fixture is what torch_fixture.py writes with torch ${fixture.torch}`, () => {
    expect(Buffer.compare(readFileSync(file('regen.safetensors')), readFileSync(fixtureFile))).toBe(0);
    // The weights are the same bits; torch's forward output is not, across
    // CPUs: its float32 matmul picks its kernel (AVX-512 or AVX2) by CPU,
    // which changes the summation order. Seen: 1 ulp between an AVX-512
    // Xeon and an AVX2 EPYC; 4 ulp leaves room for other kernels without
    // hiding a wrong model (a different weight moves outputs by ~1e5 ulp).
    const y = (JSON.parse(readFileSync(file('regen.json'), 'utf8')) as { y: number[] }).y;
    expect(y.length).toBe(fixture.y.length);
    const worst = Math.max(...y.map((v, i) => ulpDistance(Math.fround(v), Math.fround(fixture.y[i]!))));
    expect(worst).toBeLessThanOrEqual(4);
  });
});
