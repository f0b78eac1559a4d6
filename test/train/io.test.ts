import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense, loadWeights, PReLU, readSafetensors, Sequential, Tensor, weightsToSafetensors, writeSafetensors } from '../../lib/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { bits, blobs } from './helpers.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'nodegrad-io-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * A safetensors file assembled byte by byte the way PyTorch's
 * safetensors.torch.save_file lays it out: u64 LE header length, JSON header
 * padded with spaces to a multiple of 8, tensors sorted by name, F32 LE data.
 */
function torchFile(tensors: Record<string, { shape: number[]; data: number[] }>, headerOverride?: (h: Record<string, unknown>) => void): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let off = 0;
  for (const n of names) {
    const t = tensors[n]!;
    header[n] = { dtype: 'F32', shape: t.shape, data_offsets: [off, off + 4 * t.data.length] };
    off += 4 * t.data.length;
  }
  headerOverride?.(header);
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const bytes = new Uint8Array(8 + json.length + off);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(0, json.length, true); // the high 32 bits stay 0
  for (let i = 0; i < json.length; i++) bytes[8 + i] = json.charCodeAt(i);
  let p = 8 + json.length;
  for (const n of names) {
    for (const v of tensors[n]!.data) {
      dv.setFloat32(p, v, true);
      p += 4;
    }
  }
  return bytes;
}

describe('safetensors', () => {
  it('round-trips names, shapes, values (bitwise, NaN and -0 included) and metadata', () => {
    const a = new Float32Array([1.5, -0, NaN, 3e-41, -Infinity, 7]);
    const bytes = writeSafetensors([{ name: 'a', shape: [2, 3], data: a }, { name: 'empty', shape: [0], data: new Float32Array(0) }], { k: 'v' });
    const r = readSafetensors(bytes);
    expect(r.metadata).toEqual({ k: 'v' });
    expect(r.tensors.get('a')!.shape).toEqual([2, 3]);
    expect(bits(r.tensors.get('a')!.data)).toEqual(bits(a));
    expect(r.tensors.get('empty')!.data.length).toBe(0);
    // Header length field and 8-byte alignment of the data, as the format's reference writer does.
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
  });

  it('rejects malformed files, saying what is wrong', () => {
    const good = torchFile({ w: { shape: [2], data: [1, 2] } });
    expect(() => readSafetensors(good.slice(0, 5), 'f')).toThrow('f: file is truncated: 5 bytes, shorter than the 8-byte header length');
    expect(() => readSafetensors(good.slice(0, 20), 'f')).toThrow(/^f: file is truncated: header of \d+ bytes announced, only 12 present$/);
    expect(() => readSafetensors(good.slice(0, good.length - 1), 'f')).toThrow('f: file is truncated: tensors need 8 data bytes, only 7 present');
    const extra = new Uint8Array(good.length + 4);
    extra.set(good);
    expect(() => readSafetensors(extra, 'f')).toThrow('f: 4 unexpected bytes after the last tensor');
    const badJson = good.slice();
    badJson[8] = 0x5b; // '[' instead of '{'
    expect(() => readSafetensors(badJson, 'f')).toThrow(/^f: header is not valid JSON/);
    const huge = good.slice();
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => readSafetensors(huge, 'f')).toThrow(/^f: header length 1099511627776 is implausible/);
    const f16 = torchFile({ w: { shape: [4], data: [1, 2] } }, (h) => ((h.w as { dtype: string }).dtype = 'F16'));
    expect(() => readSafetensors(f16, 'f')).toThrow('f: tensor "w" has dtype F16; only F32 is supported (convert with tensor.float())');
    const shape = torchFile({ w: { shape: [2], data: [1, 2] } }, (h) => ((h.w as { shape: number[] }).shape = [3]));
    expect(() => readSafetensors(shape, 'f')).toThrow('f: tensor "w" shape [3] needs 12 bytes but data_offsets span 8');
    const overlap = torchFile({ a: { shape: [2], data: [1, 2] }, b: { shape: [2], data: [3, 4] } }, (h) => {
      (h.b as { data_offsets: number[] }).data_offsets = [4, 12];
    });
    expect(() => readSafetensors(overlap, 'f')).toThrow('f: tensor "b" overlaps the previous tensor\'s bytes');
  });
});

for (const b of backendsUnderTest()) {
  describe(`model files [${b.label}]`, () => {
    it('loads a file laid out as PyTorch writes nn.Sequential(Linear, ReLU, Linear, PReLU)', () => {
      const m = new Sequential([new Dense(2, 3, { activation: 'relu' }), new Dense(3, 2), new PReLU({ perFeature: false })], { backend: b.name });
      // torch: 0 Linear(2,3), 1 ReLU, 2 Linear(3,2), 3 PReLU(1); weight [out, in].
      const file = torchFile({
        '0.weight': { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] },
        '0.bias': { shape: [3], data: [0.5, -100, 0] },
        '2.weight': { shape: [2, 3], data: [1, 0, 1, 0, 1, -1] },
        '2.bias': { shape: [2], data: [0, 0.25] },
        '3.weight': { shape: [1], data: [0.125] },
      });
      loadWeights(m, file, 'torch.safetensors');
      const [w0, b0, w2, b2, a] = m.parameters().map((p) => Array.from(p.value.data));
      expect(w0).toEqual([1, 3, 5, 2, 4, 6]); // ours is [in, out]
      expect(b0).toEqual([0.5, -100, 0]);
      expect(w2).toEqual([1, 0, 0, 1, 1, -1]);
      expect(b2).toEqual([0, 0.25]);
      expect(a).toEqual([0.125]);
      // x = [1, 1]: h = relu([3.5, -93, 11]) = [3.5, 0, 11]; z = [3.5 + 11, 0 − 11 + 0.25]; PReLU → [14.5, −10.75·0.125].
      expect(Array.from(m.predict(Tensor.from([1, 1], [1, 2])).data)).toEqual([14.5, -1.34375]);
      // And our writer produces the same tensors under the same names.
      const back = readSafetensors(weightsToSafetensors(m));
      expect([...back.tensors.keys()].sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight', '3.weight']);
      expect(Array.from(back.tensors.get('0.weight')!.data)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(back.tensors.get('0.weight')!.shape).toEqual([3, 2]);
    });

    it('a mismatched file changes nothing in the model', () => {
      const m = new Sequential([new Dense(2, 3), new Dense(3, 2)], { backend: b.name, seed: 3 });
      const before = bits(m.values);
      const wrongShape = torchFile({
        '0.weight': { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] },
        '0.bias': { shape: [3], data: [0, 0, 0] },
        '1.weight': { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] },
        '1.bias': { shape: [2], data: [0, 0] },
      });
      expect(() => loadWeights(m, wrongShape, 'f')).toThrow('f: tensor 1.weight (layers[1] (Dense) weight) must have shape [2, 3], got [3, 2]');
      const missing = torchFile({ '0.weight': { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }, '0.bias': { shape: [3], data: [0, 0, 0] }, '9.weight': { shape: [1], data: [1] } });
      expect(() => loadWeights(m, missing, 'f')).toThrow('f: tensors do not match the model: missing 1.weight (layers[1] (Dense) weight), 1.bias (layers[1] (Dense) bias); unexpected 9.weight');
      expect(bits(m.values)).toEqual(before);
    });

    it('save/load: bitwise predictions, and training resumes identically', async () => {
      const { x, y } = blobs(64, 4);
      const m = new Sequential([new Dense(4, 8, { activation: 'relu' }), new Dense(8, 8), new PReLU(), new Dense(8, 3)], { backend: b.name, seed: 5 });
      m.compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
      await m.fit(x, y, { epochs: 2, batchSize: 16, seed: 1, verbose: 0 });
      const dir = tmp();
      await m.save(dir);
      const l = await Sequential.load(dir, { backend: b.name });
      expect(bits(l.values)).toEqual(bits(m.values));
      expect(bits(l.predict(x).data)).toEqual(bits(m.predict(x).data));
      expect(l.optimizer!.stepCount).toBe(8);
      await m.fit(x, y, { epochs: 2, batchSize: 16, seed: 2, verbose: 0 });
      await l.fit(x, y, { epochs: 2, batchSize: 16, seed: 2, verbose: 0 });
      expect(bits(l.values)).toEqual(bits(m.values));
      expect(l.evaluate(x, y)).toEqual(m.evaluate(x, y));
    });
  });
}

describe('Sequential.load errors', () => {
  async function saved(): Promise<string> {
    const m = new Sequential([new Dense(2, 3), new Dense(3, 2)], { backend: 'reference', seed: 1 }).compile({ optimizer: 'sgd', loss: 'mse' });
    const dir = tmp();
    await m.save(dir);
    return dir;
  }

  it('names a missing or invalid model.json', async () => {
    const dir = await saved();
    rmSync(join(dir, 'model.json'));
    await expect(Sequential.load(dir)).rejects.toThrow(`load: cannot read ${join(dir, 'model.json')} (no such file)`);
    writeFileSync(join(dir, 'model.json'), '{"format": "nodegrad.model", ');
    await expect(Sequential.load(dir)).rejects.toThrow(/model\.json: not valid JSON/);
    writeFileSync(join(dir, 'model.json'), '{"format": "keras"}');
    await expect(Sequential.load(dir)).rejects.toThrow(/model\.json: not a nodegrad model file/);
  });

  it('names a truncated weights file or weights that do not fit the architecture', async () => {
    const dir = await saved();
    const j = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const wf = join(dir, j.weights);
    const w = readFileSync(wf);
    writeFileSync(wf, w.subarray(0, w.length - 3));
    await expect(Sequential.load(dir)).rejects.toThrow(/model-[0-9a-z-]+\.safetensors: file is truncated: tensors need 68 data bytes, only 65 present/);
    writeFileSync(wf, w);
    j.model.config.layers[1].config.outFeatures = 4;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    await expect(Sequential.load(dir)).rejects.toThrow(/model-[0-9a-z-]+\.safetensors: tensor 1\.weight \(layers\[1\] \(Dense\) weight\) must have shape \[4, 3\], got \[2, 3\]/);
  });

  it('names an optimizer state that does not fit', async () => {
    const dir = await saved();
    const of = join(dir, JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).optimizerState);
    const s = JSON.parse(readFileSync(of, 'utf8'));
    s.state.kind = 'adam';
    writeFileSync(of, JSON.stringify(s));
    await expect(Sequential.load(dir)).rejects.toThrow(`${of}: the optimizer state does not fit the model: SGD.loadStateDict: state.kind must be 'sgd', got string "adam"`);
  });
});
