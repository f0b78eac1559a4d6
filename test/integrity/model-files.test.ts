// Model files (issue 13, items 1, 2, 4): load checks the weights header
// against model.json before it allocates; a checkpoint is one whole save or
// the previous one; every failure to load is a ModelFileError naming the
// file with the underlying error as `cause`.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Dense, ModelFileError, SafetensorsError, SGD, Sequential, Tensor } from '../../lib/index.js';
import { fsOps } from '../../lib/io/fs-ops.js';
import { cleanTmp, dirSnapshot, modelState, readJson, tmp, type Json } from './helpers.js';

afterAll(cleanTmp);
const realOps = { ...fsOps };
afterEach(() => {
  Object.assign(fsOps, realOps);
  vi.restoreAllMocks();
});

async function savedModel(): Promise<{ dir: string; m: Sequential }> {
  const m = new Sequential([new Dense(2, 3), new Dense(3, 2)], { backend: 'reference', seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
  await m.fit(Tensor.from([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]), Tensor.from([1, 0, 0, 1, 1, 0, 0, 1], [4, 2]), { epochs: 2, batchSize: 2, seed: 1, verbose: 0 });
  const dir = tmp();
  await m.save(dir);
  return { dir, m };
}

async function refusal(dir: string): Promise<ModelFileError> {
  const e = await Sequential.load(dir).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ModelFileError);
  return e as ModelFileError;
}

describe('load checks the weights header against model.json before allocating (item 1)', () => {
  it('a hand-edited Dense(20000, 20000) with the small weights file is refused without building the model', async () => {
    const { dir } = await savedModel();
    const path = join(dir, 'model.json');
    const j = readJson(path);
    j.model.config.inputFeatures = 20000;
    j.model.config.layers[0].config.inFeatures = 20000;
    j.model.config.layers[0].config.outFeatures = 20000;
    j.model.config.layers[1].config.inFeatures = 20000;
    writeFileSync(path, JSON.stringify(j));
    const before = dirSnapshot(dir);
    const built = vi.spyOn(Sequential, 'fromConfig');
    const e = await refusal(dir);
    const weights = join(dir, j.weights);
    expect(e.file).toBe(weights);
    expect(e.message).toBe(`${weights}: tensor 0.weight (layers[0] (Dense) weight) must have shape [20000, 20000], got [3, 2]`);
    expect(e.cause).toBeInstanceOf(Error);
    // Nothing of the 1.6 GB architecture was allocated: no model was built.
    expect(built).not.toHaveBeenCalled();
    expect(dirSnapshot(dir)).toEqual(before);
  });

  it('dtype, byte range and tensor names are checked from the header alone', async () => {
    const { dir } = await savedModel();
    const j = readJson(join(dir, 'model.json'));
    const weights = join(dir, j.weights);
    const good = readFileSync(weights);
    const n = Number(good.readBigUInt64LE(0));
    const header = JSON.parse(good.subarray(8, 8 + n).toString('utf8'));
    const rewrite = (edit: (h: Json) => void): void => {
      const h = structuredClone(header);
      edit(h);
      let text = JSON.stringify(h);
      while ((8 + text.length) % 8) text += ' ';
      const out = Buffer.alloc(8 + text.length + good.length - 8 - n);
      out.writeBigUInt64LE(BigInt(text.length), 0);
      out.write(text, 8, 'utf8');
      good.copy(out, 8 + text.length, 8 + n);
      writeFileSync(weights, out);
    };
    const built = vi.spyOn(Sequential, 'fromConfig');
    rewrite((h) => (h['0.weight'].dtype = 'F16'));
    let e = await refusal(dir);
    expect(e.message).toBe(`${weights}: tensor "0.weight" has dtype F16; only F32 is supported (convert with tensor.float())`);
    expect(e.cause).toBeInstanceOf(SafetensorsError);
    rewrite((h) => (h['0.weight'].data_offsets = [h['0.weight'].data_offsets[0], h['0.weight'].data_offsets[1] + 4]));
    e = await refusal(dir);
    expect(e.message).toBe(`${weights}: tensor "0.weight" shape [3, 2] needs 24 bytes but data_offsets span 28`);
    rewrite((h) => {
      h['7.weight'] = h['1.weight'];
      delete h['1.weight'];
    });
    e = await refusal(dir);
    expect(e.message).toBe(`${weights}: tensors do not match the model: missing 1.weight (layers[1] (Dense) weight); unexpected 7.weight`);
    expect(built).not.toHaveBeenCalled();
  });
});

describe('every failure to load is a ModelFileError naming the file, with the cause (item 4)', () => {
  type Case = [title: string, edit: (dir: string, j: Json) => string, message: (file: string) => string, cause: abstract new (...a: never[]) => Error];
  const mj = (dir: string): string => join(dir, 'model.json');
  const put = (dir: string, j: Json): string => {
    writeFileSync(mj(dir), JSON.stringify(j));
    return mj(dir);
  };
  const cases: Case[] = [
    ['model.json missing', (dir) => (realRm(mj(dir)), mj(dir)), (f) => `load: cannot read ${f} (no such file)`, Error],
    ['model.json not JSON', (dir) => (writeFileSync(mj(dir), '{"format": '), mj(dir)), (f) => `${f}: not valid JSON (Unexpected end of JSON input)`, SyntaxError],
    ['model.json of another format', (dir) => (writeFileSync(mj(dir), '{"format":"keras"}'), mj(dir)), (f) => `${f}: not a nodegrad model file (format must be "nodegrad.model")`, TypeError],
    [
      'a bad training.loss',
      (dir, j) => ((j.training.loss = 'hinge'), put(dir, j)),
      (f) => `${f}: training (loss, metrics) is invalid: compile: loss must be one of 'mse', 'softmaxCrossEntropy', 'binaryCrossEntropy', got "hinge"`,
      RangeError,
    ],
    [
      'a bad training.optimizer.name',
      (dir, j) => ((j.training.optimizer.name = 'lbfgs'), put(dir, j)),
      (f) => `${f}: training.optimizer does not fit the model: training.optimizer.name must be one of 'sgd', 'momentum', 'adagrad', 'rmsprop', 'adam', 'adamw', got "lbfgs"`,
      TypeError,
    ],
    [
      'an unknown layer class',
      (dir, j) => ((j.model.config.layers[0].className = 'Conv2d'), put(dir, j)),
      (f) => `${f}: the architecture is invalid: layers[0]: layerFromJSON: json.className must be one of`,
      RangeError,
    ],
    [
      'a truncated weights file',
      (dir, j) => {
        const w = join(dir, j.weights);
        writeFileSync(w, readFileSync(w).subarray(0, 30));
        return w;
      },
      (f) => `${f}: file is truncated: header of`,
      SafetensorsError,
    ],
    [
      'a non-finite weight',
      (dir, j) => {
        const w = join(dir, j.weights);
        const b = readFileSync(w);
        b.writeFloatLE(NaN, b.length - 4);
        writeFileSync(w, b);
        return w;
      },
      (f) => `${f}: tensor 1.bias (layers[1] (Dense) bias) holds a non-finite value at index 1`,
      Error,
    ],
    [
      'weights file that is a directory',
      (dir, j) => {
        const w = join(dir, j.weights);
        realRm(w);
        mkdirSync(w);
        return w;
      },
      (f) => `load: cannot read ${f} (not a regular file)`,
      Error,
    ],
    ['optimizer file not JSON', (dir, j) => (writeFileSync(join(dir, j.optimizerState), '{'), join(dir, j.optimizerState)), (f) => `${f}: not valid JSON`, SyntaxError],
    [
      'an optimizer state of another kind',
      (dir, j) => {
        const p = join(dir, j.optimizerState);
        const o = readJson(p);
        o.state.kind = 'sgd';
        writeFileSync(p, JSON.stringify(o));
        return p;
      },
      (f) => `${f}: the optimizer state does not fit the model: Adam.loadStateDict: state.kind must be 'adam', got string "sgd"`,
      RangeError,
    ],
  ];
  for (const [title, edit, message, cause] of cases) {
    it(title, async () => {
      const { dir } = await savedModel();
      const file = edit(dir, readJson(mj(dir)));
      const before = dirSnapshot(dir);
      const e = await refusal(dir);
      expect(e.file).toBe(file);
      expect(e.message.startsWith(message(file))).toBe(true);
      expect(e.cause).toBeInstanceOf(cause);
      expect(dirSnapshot(dir)).toEqual(before);
    });
  }
});

function realRm(p: string): void {
  rmSync(p, { recursive: true, force: true });
}

describe('version-1 directories', () => {
  it('still load: model.safetensors, optimizer.json (a bare state dict), training.optimizer { name, options }', async () => {
    const { dir, m } = await savedModel();
    const j = readJson(join(dir, 'model.json'));
    writeFileSync(join(dir, 'model.safetensors'), readFileSync(join(dir, j.weights)));
    writeFileSync(join(dir, 'optimizer.json'), JSON.stringify(readJson(join(dir, j.optimizerState)).state));
    rmSync(join(dir, j.weights));
    rmSync(join(dir, j.optimizerState));
    const v1 = {
      format: 'nodegrad.model',
      version: 1,
      model: j.model,
      training: { loss: 'mse', metrics: ['mae'], optimizer: { name: 'adam', options: j.training.optimizer.groups[0].hyper } },
      weights: 'model.safetensors',
      optimizerState: 'optimizer.json',
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(v1));
    const l = await Sequential.load(dir, { backend: 'reference' });
    expect(modelState(l)).toBe(modelState(m).replace(/"grads":"[0-9a-f]*"/, `"grads":"${'0'.repeat(2 * 4 * m.grads.length)}"`));
  });
});

describe('a checkpoint is one whole save or the previous one (item 2)', () => {
  /** A model whose weights all equal its optimizer's step count: a mix of two saves shows as a mismatch. */
  function tagged(): { m: Sequential; advance(): void } {
    const m = new Sequential([new Dense(3, 4), new Dense(4, 2)], { backend: 'reference', seed: 2 });
    const opt = new SGD(m.parameters(), { lr: 0.1 });
    m.compile({ optimizer: opt, loss: 'mse' });
    m.values.fill(0);
    return {
      m,
      advance() {
        opt.step(); // zero gradients: only the step count moves
        m.values.fill(opt.stepCount);
      },
    };
  }
  const consistent = (l: Sequential): number => {
    const t = l.optimizer!.stepCount;
    expect(Array.from(new Set(l.values))).toEqual([t]);
    return t;
  };

  it('overlapping saves: the later call wins, a concurrent load sees a whole save, no file is left over (100 rounds)', async () => {
    const { m, advance } = tagged();
    const dir = tmp();
    advance();
    await m.save(dir);
    let loads = 0;
    for (let round = 0; round < 100; round++) {
      advance();
      const first = m.save(dir);
      advance();
      const want = m.optimizer!.stepCount;
      const second = m.save(dir);
      // A load racing the two saves sees the previous checkpoint or one of the two, never a mix.
      const during = Sequential.load(dir, { backend: 'reference' }).then((l) => {
        const t = consistent(l);
        expect(t === want || t === want - 1 || t === want - 2).toBe(true);
        loads++;
      });
      await Promise.all([first, second, during]);
      const l = await Sequential.load(dir, { backend: 'reference' });
      expect(consistent(l)).toBe(want);
      const names = readdirSync(dir).sort();
      const j = readJson(join(dir, 'model.json'));
      expect(names).toEqual(['model.json', j.weights, j.optimizerState].sort());
    }
    expect(loads).toBe(100);
  });

  it('files of two different saves put together are refused by their ids', async () => {
    const { m, advance } = tagged();
    const a = tmp();
    const b = tmp();
    advance();
    await m.save(a);
    advance();
    await m.save(b);
    const ja = readJson(join(a, 'model.json'));
    const jb = readJson(join(b, 'model.json'));
    // b's optimizer file under the name a's model.json expects.
    writeFileSync(join(a, ja.optimizerState), readFileSync(join(b, jb.optimizerState)));
    const e = await refusal(a);
    expect(e.file).toBe(join(a, ja.optimizerState));
    expect(e.message).toBe(`${join(a, ja.optimizerState)}: belongs to save "${jb.saveId}", not to save "${ja.saveId}" that model.json describes (files of different saves mixed)`);
    writeFileSync(join(a, ja.weights), readFileSync(join(b, jb.weights)));
    const w = await refusal(a);
    expect(w.message).toBe(`${join(a, ja.weights)}: belongs to save "${jb.saveId}", not to save "${ja.saveId}" that model.json describes (files of different saves mixed)`);
  });

  async function failedSave(setup: (dir: string) => void, expectedFile: (dir: string) => string, code: string): Promise<void> {
    const { m, advance } = tagged();
    const dir = tmp();
    advance();
    await m.save(dir);
    const before = dirSnapshot(dir);
    const state = modelState(m);
    advance();
    const stateAfter = modelState(m);
    setup(dir);
    const e = await m.save(dir).then(
      () => undefined,
      (x: unknown) => x,
    );
    Object.assign(fsOps, realOps);
    expect(e).toBeInstanceOf(ModelFileError);
    const f = expectedFile(dir);
    expect((e as ModelFileError).file).toBe(f);
    expect((e as ModelFileError).message).toBe(`save: cannot write ${f} (${code}); the previous checkpoint in ${dir} is unchanged`);
    expect(((e as ModelFileError).cause as NodeJS.ErrnoException).code).toBe(code);
    // The previous checkpoint, byte for byte, and no temporary file.
    expect(dirSnapshot(dir)).toEqual(before);
    expect(consistent(await Sequential.load(dir, { backend: 'reference' }))).toBe(1);
    // The model saving was not changed by the failure.
    expect(modelState(m)).toBe(stateAfter);
    expect(stateAfter).not.toBe(state);
  }

  const enospc = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

  it('a full disk while writing the optimizer file leaves the previous checkpoint', async () => {
    let target = '';
    await failedSave(
      () => {
        fsOps.open = (async (path: string, flags: string) => {
          const fh = await realOps.open(path, flags);
          if (flags === 'wx' && String(path).includes('optimizer-')) {
            target = String(path);
            // Half the bytes reach the disk, then it is full.
            fh.writeFile = async (data: string | Uint8Array) => {
              await fh.write(Buffer.from(data).subarray(0, 10));
              throw enospc();
            };
          }
          return fh;
        }) as typeof fsOps.open;
      },
      () => target,
      'ENOSPC',
    );
  });

  it('a full disk at the commit (rename) leaves the previous checkpoint', async () => {
    await failedSave(
      () => {
        fsOps.rename = (async () => {
          throw enospc();
        }) as typeof fsOps.rename;
      },
      (dir) => join(dir, 'model.json'),
      'ENOSPC',
    );
  });

  it('an unwritable target leaves the previous checkpoint', async () => {
    let target = '';
    await failedSave(
      () => {
        // Running as root, permissions do not stop a write: the refusal the kernel gives a user is simulated.
        fsOps.open = (async (path: string, flags: string) => {
          if (flags === 'wx') {
            target = String(path);
            throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
          }
          return realOps.open(path, flags);
        }) as typeof fsOps.open;
      },
      () => target,
      'EACCES',
    );
  });

  it('model.json that is a directory: the save fails, naming it, and leaves no file', async () => {
    const m = tagged().m;
    const dir = tmp();
    mkdirSync(join(dir, 'model.json'));
    const state = modelState(m);
    const e = await m.save(dir).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ModelFileError);
    expect((e as Error).message).toMatch(new RegExp(`^save: cannot write ${join(dir, 'model.json')} \\((EISDIR|ENOTEMPTY|EEXIST)\\); the previous checkpoint in ${dir} is unchanged$`));
    expect(readdirSync(dir)).toEqual(['model.json']);
    expect(modelState(m)).toBe(state);
  });

  it('a target below a file (ENOTDIR) fails without creating anything', async () => {
    const m = tagged().m;
    const dir = tmp();
    writeFileSync(join(dir, 'f'), 'x');
    const e = await m.save(join(dir, 'f', 'sub')).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ModelFileError);
    expect((e as Error).message).toBe(`save: cannot write ${join(dir, 'f', 'sub')} (ENOTDIR); the previous checkpoint in ${join(dir, 'f', 'sub')} is unchanged`);
    expect(readdirSync(dir)).toEqual(['f']);
  });
});
