// `nodegrad train --dropout P --batch-norm --layer-norm`: the layers each
// flag puts after every hidden Dense (in PyTorch's order Linear → norm →
// activation → Dropout), a run on iris that trains and saves them, the help
// text, and bad flag values refused as usage errors before any training.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/cli/args.js';
import { buildLayers, train, TRAIN_HELP } from '../../lib/cli/train.js';
import { iris } from '../helpers/datasets.js';

const work = mkdtempSync(join(tmpdir(), 'nodegrad-layer-flags-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const describeAll = (layers: ReturnType<typeof buildLayers>) => layers.map((l) => l.describe());

describe('buildLayers with --dropout, --batch-norm, --layer-norm', () => {
  it('without them: Dense with the activation fused, as before', () => {
    expect(describeAll(buildLayers(4, [8, 6], 3, 'relu'))).toEqual(['Dense(4→8, relu)', 'Dense(8→6, relu)', 'Dense(6→3)']);
  });
  it('--dropout: a Dropout after each hidden activation, none after the output', () => {
    expect(describeAll(buildLayers(4, [8, 6], 3, 'tanh', { dropout: 0.25 }))).toEqual(['Dense(4→8, tanh)', 'Dropout(0.25)', 'Dense(8→6, tanh)', 'Dropout(0.25)', 'Dense(6→3)']);
  });
  it('--batch-norm: Dense without bias → BatchNorm1d → activation layer (→ Dropout)', () => {
    expect(describeAll(buildLayers(4, [8], 3, 'relu', { norm: 'batch', dropout: 0.5 }))).toEqual(['Dense(4→8, no bias)', 'BatchNorm1d(8)', 'ReLU()', 'Dropout(0.5)', 'Dense(8→3)']);
  });
  it('--layer-norm: Dense → LayerNorm → activation layer; prelu too', () => {
    expect(buildLayers(4, [8], 3, 'leaky-relu', { norm: 'layer' }).map((l) => l.describe().replace(/\(.*/, ''))).toEqual(['Dense', 'LayerNorm', 'LeakyReLU', 'Dense']);
    expect(buildLayers(4, [8], 3, 'leaky-relu', { norm: 'layer' })[0]!.describe()).toBe('Dense(4→8)');
    expect(buildLayers(4, [8], 3, 'prelu', { norm: 'layer' }).map((l) => l.className)).toEqual(['Dense', 'LayerNorm', 'PReLU', 'Dense']);
  });
});

describe('nodegrad train with the flags', () => {
  it('trains iris with --batch-norm --dropout 0.1 and saves the norm and dropout layers', async () => {
    const data = join(work, 'iris.csv');
    writeFileSync(data, iris().csv);
    const dir = join(work, 'model');
    const out: string[] = [];
    await train(['--data', data, '--layers', '16', '--batch-norm', '--dropout', '0.1', '--epochs', '60', '--seed', '2', '--save', dir], (s) => out.push(s), () => {});
    const text = out.join('\n');
    expect(text).toMatch(/Dense\(4→16, no bias\)/);
    expect(text).toMatch(/BatchNorm1d\(16\)/);
    expect(text).toMatch(/Dropout\(0\.1\)/);
    // Iris with any working MLP scores well above the 33% of a constant guess; 80% leaves room for a 30-row test set.
    const acc = Number(/test accuracy: ([\d.]+)%/.exec(text)![1]);
    expect(acc).toBeGreaterThan(80);
    const saved = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { model: { config: { layers: { className: string }[] } } };
    const classes = JSON.stringify(saved).match(/"className":"(\w+)"/g)!.map((m) => m.slice(13, -1));
    expect(classes).toEqual(expect.arrayContaining(['BatchNorm1d', 'ReLU', 'Dropout']));
  });

  it.each([
    [['--dropout', '1'], '--dropout must be a probability in [0, 1), got "1"'],
    [['--dropout', '-0.1'], '--dropout must be a probability in [0, 1), got "-0.1"'],
    [['--dropout', 'x'], '--dropout must be a probability in [0, 1), got "x"'],
    [['--batch-norm', '--layer-norm'], '--batch-norm and --layer-norm: give one of them'],
    [['--layers=', '--dropout', '0.5'], '--dropout applies to hidden layers, and --layers gives none'],
    [['--layers=', '--layer-norm'], '--layer-norm applies to hidden layers, and --layers gives none'],
  ])('%j is a usage error', async (args, msg) => {
    const p = train([...args, '--data', join(work, 'missing.csv')], () => {}, () => {});
    await expect(p).rejects.toBeInstanceOf(UsageError);
    await expect(p).rejects.toThrow(msg);
  });

  it('the help names the flags', () => {
    for (const flag of ['--dropout P', '--batch-norm', '--layer-norm']) expect(TRAIN_HELP).toContain(flag);
    for (const line of TRAIN_HELP.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});
