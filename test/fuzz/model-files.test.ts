// Fuzzing of everything that reads a file or a state dict (issue 13, item
// 12): mutated safetensors bytes and headers, mutated model.json (as JSON
// trees and as bytes) through the whole of Sequential.load, optimizer state
// dicts as objects and as JSON text, and schedule configurations. Seeded:
// the same cases every run (NODEGRAD_FUZZ_SEED picks others). Every case
// must either succeed or throw the documented class — SafetensorsError from
// readSafetensors, ModelFileError (with a cause) from load and loadWeights,
// TypeError/RangeError from loadStateDict and scheduleFromConfig — and a
// refusal must leave the target model and optimizer byte for byte as they
// were. Anything else (another class, a crash, a hang) fails with the case.
//
// Loads run against an in-memory copy of saved directories (fsOps replaced),
// so a case costs parsing and checking, not disk I/O.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Adam, Dense, ModelFileError, Momentum, PReLU, ReLU, SafetensorsError, SGD, Sequential, Tensor, loadWeights, readSafetensors } from '../../lib/index.js';
import { fsOps } from '../../lib/io/fs-ops.js';
import { cosineDecay, linearWarmup, multiply, scheduleConfig, scheduleFromConfig, sequence, stepDecay } from '../../lib/optim/index.js';
import { cleanTmp, modelState, tmp } from '../integrity/helpers.js';
import { reportCount } from './budget.js';
import { mutateBytes, mutateJson, mutateJsonText, Prng } from './mutate.js';

// Cases per target; the sum is what one CI run generates (≥ 100 000).
const SCALE = Number(process.env.NODEGRAD_FUZZ_FILE_SCALE ?? 1);
const N = {
  safetensorsBytes: Math.round(30_000 * SCALE),
  safetensorsHeader: Math.round(15_000 * SCALE),
  loadWeights: Math.round(15_000 * SCALE),
  modelJson: Math.round(12_000 * SCALE),
  modelFilesBytes: Math.round(5_000 * SCALE),
  stateDict: Math.round(15_000 * SCALE),
  stateJson: Math.round(8_000 * SCALE),
  schedule: Math.round(5_000 * SCALE),
};
const SEED = Number(process.env.NODEGRAD_FUZZ_SEED ?? 13);
// A hang detector, not a speed claim: no case of these small files needs
// more than milliseconds; one that takes seconds is looping or allocating
// something the file only claims.
const HANG_MS = 2_000;

let cases = 0;
afterAll(() => {
  reportCount('model-files', cases);
  cleanTmp();
});

const { x, y } = { x: Tensor.from([0.5, -1, 2, 0.25, 1, 1, -2, 0], [2, 4]), y: Tensor.from([0, 2], [2]) };

/** Saved directories read into memory: path → bytes. */
async function savedDirs(): Promise<Map<string, Buffer>[]> {
  const builders: (() => Sequential)[] = [
    () => {
      const m = new Sequential([new Dense(4, 5, { activation: 'relu' }), new PReLU(), new Dense(5, 3)], { backend: 'reference', seed: 1 });
      return m.compile({ optimizer: new Adam(m.parameters(), { backend: 'reference', clipNorm: 1, schedule: sequence([{ schedule: linearWarmup({ steps: 2 }), steps: 2 }], cosineDecay({ steps: 5 })) }), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    },
    () => {
      const m = new Sequential([new Dense(4, 3), new ReLU(), new Dense(3, 3, { bias: false })], { backend: 'reference', seed: 2 });
      const [a, b] = [m.layers[0]!.parameters(), m.layers[2]!.parameters()];
      return m.compile({ optimizer: new Momentum([{ params: b, beta: 0.5 }, { params: a }], { backend: 'reference', convention: 'pytorch' }), loss: 'mse', metrics: ['mae'] });
    },
    () => new Sequential([new Dense(4, 3)], { backend: 'reference', seed: 3 }),
  ];
  const out: Map<string, Buffer>[] = [];
  for (const build of builders) {
    const m = build();
    if (m.optimizer) await m.fit(x, m.outputFeatures === 3 && m.optimizer.kind === 'momentum' ? Tensor.from([1, 0, 0, 0, 1, 0], [2, 3]) : y, { epochs: 1, batchSize: 1, verbose: 0, seed: 1 });
    const dir = tmp('nodegrad-fuzz-');
    await m.save(dir);
    out.push(new Map(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n))])));
  }
  return out;
}

/** fsOps over an in-memory directory `/mem` (reads only: load never writes). */
function memoryFs(files: Map<string, Buffer>): void {
  const get = (p: string): Buffer => {
    const name = String(p).startsWith('/mem/') ? String(p).slice(5) : undefined;
    const b = name === undefined ? undefined : files.get(name);
    if (!b) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
    return b;
  };
  fsOps.readFile = (async (p: string, enc?: string) => (enc ? get(p).toString(enc as BufferEncoding) : get(p))) as typeof fsOps.readFile;
  fsOps.open = (async (p: string) => {
    const b = get(p);
    return {
      stat: async () => ({ size: b.length, isFile: () => true }),
      read: async (buf: Buffer, off: number, len: number, pos: number) => ({ bytesRead: b.copy(buf, off, pos, pos + len), buffer: buf }),
      close: async () => undefined,
    };
  }) as unknown as typeof fsOps.open;
}

function timed<T>(label: string, i: number, f: () => T): T {
  const t0 = performance.now();
  const r = f();
  const ms = performance.now() - t0;
  if (ms > HANG_MS) throw new Error(`${label} case ${i} (seed ${SEED}) took ${ms.toFixed(0)} ms: a hang`);
  return r;
}

function expectClass(label: string, i: number, e: unknown, ok: readonly (abstract new (...a: never[]) => Error)[]): void {
  if (!ok.some((C) => e instanceof C)) {
    throw new Error(`${label} case ${i} (seed ${SEED}): undocumented error ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`, { cause: e });
  }
}

describe('model-file fuzzing', () => {
  it(`safetensors bytes and headers: SafetensorsError or a valid file (${N.safetensorsBytes + N.safetensorsHeader} cases)`, async () => {
    const dirs = await savedDirs();
    const weights = dirs.flatMap((d) => [...d].filter(([n]) => n.endsWith('.safetensors')).map(([, b]) => b));
    const r = new Prng(SEED);
    let refused = 0;
    for (let i = 0; i < N.safetensorsBytes + N.safetensorsHeader; i++) {
      const src = r.pick(weights);
      let bytes: Uint8Array;
      if (i < N.safetensorsBytes) bytes = mutateBytes(src, r);
      else {
        // Structural: the header as JSON, mutated, written back with a right or wrong length field.
        const n = Number(src.readBigUInt64LE(0));
        const h = JSON.parse(src.subarray(8, 8 + n).toString('utf8'));
        const text = Buffer.from(JSON.stringify(mutateJson(h, r)) ?? 'null');
        bytes = new Uint8Array(8 + text.length + src.length - 8 - n);
        new DataView(bytes.buffer).setBigUint64(0, BigInt(r.int(8) ? text.length : text.length + r.int(64) - 32 >= 0 ? text.length + r.int(64) - 32 : 0), true);
        bytes.set(text, 8);
        bytes.set(src.subarray(8 + n), 8 + text.length);
      }
      cases++;
      let f: ReturnType<typeof readSafetensors> | undefined;
      try {
        f = timed('safetensors', i, () => readSafetensors(bytes, 'f'));
      } catch (e) {
        refused++;
        expectClass('safetensors', i, e, [SafetensorsError]);
      }
      for (const t of f?.tensors.values() ?? []) expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
    }
    expect(refused).toBeGreaterThan(0);
  });

  it(`loadWeights: ModelFileError and the model unchanged, or loaded (${N.loadWeights} cases)`, async () => {
    const dirs = await savedDirs();
    const m = new Sequential([new Dense(4, 5, { activation: 'relu' }), new PReLU(), new Dense(5, 3)], { backend: 'reference', seed: 9 });
    const src = [...dirs[0]!].find(([n]) => n.endsWith('.safetensors'))![1];
    const r = new Prng(SEED + 1);
    for (let i = 0; i < N.loadWeights; i++) {
      const before = modelState(m);
      const bytes = mutateBytes(src, r);
      cases++;
      let refusal: unknown;
      try {
        timed('loadWeights', i, () => loadWeights(m, bytes, 'w'));
      } catch (e) {
        refusal = e;
      }
      if (refusal === undefined) {
        for (const v of m.values) expect(Number.isFinite(v)).toBe(true);
      } else {
        expectClass('loadWeights', i, refusal, [ModelFileError]);
        expect((refusal as ModelFileError).file).toBe('w');
        expect((refusal as Error).cause).toBeDefined();
        expect(modelState(m)).toBe(before);
      }
    }
  });

  it(`Sequential.load of mutated model.json and files: a ModelFileError with a cause, or a working model (${N.modelJson + N.modelFilesBytes} cases)`, async () => {
    const dirs = await savedDirs();
    const saved = { ...fsOps };
    const r = new Prng(SEED + 2);
    let loaded = 0;
    try {
      for (let i = 0; i < N.modelJson + N.modelFilesBytes; i++) {
        const files = new Map(r.pick(dirs));
        if (i < N.modelJson) {
          const j = JSON.parse(files.get('model.json')!.toString('utf8'));
          files.set('model.json', Buffer.from(JSON.stringify(mutateJson(j, r)) ?? 'null'));
        } else {
          const name = r.pick([...files.keys()]);
          files.set(name, Buffer.from(mutateBytes(files.get(name)!, r)));
        }
        memoryFs(files);
        cases++;
        const t0 = performance.now();
        let m: Sequential | undefined;
        try {
          m = await Sequential.load('/mem', { backend: 'reference' });
        } catch (e) {
          expectClass('load', i, e, [ModelFileError]);
          expect((e as Error).cause, `load case ${i}: ${(e as Error).message}`).toBeDefined();
          expect((e as Error).message).toContain('/mem');
        }
        if (m) {
          // A model that loads must work: one forward pass gives finite outputs.
          const out = m.predict(Tensor.zeros([1, m.inputFeatures]));
          for (const v of out.data) expect(Number.isFinite(v)).toBe(true);
          loaded++;
        }
        const ms = performance.now() - t0;
        if (ms > HANG_MS) throw new Error(`load case ${i} (seed ${SEED}) took ${ms.toFixed(0)} ms: a hang`);
      }
    } finally {
      Object.assign(fsOps, saved);
    }
    // Some mutations leave a valid file (a changed learning rate, say): the fuzzer reaches the success path too.
    expect(loaded).toBeGreaterThan(0);
  });

  it(`loadStateDict of mutated state dicts (objects and JSON text): TypeError/RangeError and the optimizer unchanged (${N.stateDict + N.stateJson} cases)`, async () => {
    const make = (): Sequential => {
      const m = new Sequential([new Dense(4, 5, { activation: 'relu' }), new PReLU(), new Dense(5, 3)], { backend: 'reference', seed: 4 });
      const [a, b, c] = [m.layers[0]!.parameters(), m.layers[1]!.parameters(), m.layers[2]!.parameters()];
      return m.compile({ optimizer: new Adam([{ params: [...a, ...c] }, { params: b, lr: 0.01 }], { backend: 'reference' }), loss: 'softmaxCrossEntropy' });
    };
    const src = make();
    await src.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0, seed: 1 });
    const dict = src.optimizer!.stateDict();
    const text = JSON.stringify(dict);
    const targets = [make(), make()];
    await targets[1]!.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, seed: 2 }); // one with state, one without
    const sgd = new Sequential([new Dense(4, 3)], { backend: 'reference' });
    sgd.compile({ optimizer: new SGD(sgd.parameters(), { backend: 'reference' }), loss: 'mse' });
    const r = new Prng(SEED + 3);
    for (let i = 0; i < N.stateDict + N.stateJson; i++) {
      const m = r.pick([...targets, sgd]);
      const before = modelState(m);
      let candidate: unknown;
      if (i < N.stateDict) candidate = mutateJson(dict, r);
      else {
        try {
          candidate = JSON.parse(mutateJsonText(text, r));
        } catch {
          cases++;
          continue; // broken JSON never reaches loadStateDict (load reports it as a ModelFileError, fuzzed above)
        }
      }
      cases++;
      const after = structuredClone(m.optimizer!.stateDict());
      let refusal: unknown;
      try {
        timed('loadStateDict', i, () => m.optimizer!.loadStateDict(candidate as never));
      } catch (e) {
        refusal = e;
      }
      if (refusal === undefined) {
        // Accepted: what it now holds is a state dict it accepts again, and the old one still restores every byte.
        const now = m.optimizer!.stateDict();
        m.optimizer!.loadStateDict(now);
        m.optimizer!.loadStateDict(after);
        expect(modelState(m)).toBe(before);
      } else {
        expectClass('loadStateDict', i, refusal, [TypeError, RangeError]);
        expect(modelState(m)).toBe(before);
      }
    }
  });

  it(`scheduleFromConfig of mutated configurations: TypeError/RangeError or a schedule of the same configuration (${N.schedule} cases)`, () => {
    const configs = [multiply(sequence([{ schedule: linearWarmup({ steps: 3 }), steps: 3 }], cosineDecay({ steps: 7, minFactor: 0.1 })), stepDecay({ stepSize: 2 }))].map((s) => scheduleConfig(s)!);
    const r = new Prng(SEED + 4);
    for (let i = 0; i < N.schedule; i++) {
      const c = mutateJson(configs[0], r);
      cases++;
      let s: ReturnType<typeof scheduleFromConfig> | undefined;
      try {
        s = timed('schedule', i, () => scheduleFromConfig(c));
      } catch (e) {
        expectClass('schedule', i, e, [TypeError, RangeError]);
      }
      if (s) {
        // Built from a file, it describes itself as that file did, and gives numbers.
        expect(JSON.stringify(scheduleConfig(s)), `schedule case ${i}`).toBe(JSON.stringify(c));
        for (let k = 0; k < 12; k++) expect(typeof s(k)).toBe('number');
      }
    }
  });
});
