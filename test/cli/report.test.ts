// `nodegrad train --report DIR`: the pictures and tables of a run. The SVG
// is checked for what it draws (one line per series, the diagnostics panels)
// and rendered by rsvg-convert where installed, so a malformed file fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineChart, niceTicks } from '../../lib/report/svg.js';
import { fitLine } from '../../lib/train/progress.js';
import { iris } from '../helpers/datasets.js';
import { buildJs } from '../train/helpers.js';

let cli = '';
const work = mkdtempSync(join(tmpdir(), 'nodegrad-report-'));
const hasRsvg = spawnSync('rsvg-convert', ['--version']).status === 0;
beforeAll(() => {
  cli = join(buildJs('report'), 'cli.js');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('nodegrad train --report', () => {
  it('writes report.svg/html, history.csv/json and diagnostics.csv that agree with the run', () => {
    const data = join(work, 'iris.csv');
    writeFileSync(data, iris().csv);
    const dir = join(work, 'rep');
    const r = spawnSync(process.execPath, [cli, 'train', '--data', data, '--layers', '16', '--epochs', '25', '--patience', '0', '--diagnostics', '--report', dir, '--backend', 'reference'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const f of ['report.svg', 'report.html', 'history.csv', 'history.json', 'diagnostics.csv']) expect(existsSync(join(dir, f))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as { history: Record<string, number[]>; test: { accuracy: number } };
    expect(Object.keys(json.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(json.history.loss!.length).toBe(25);
    // The CSV holds the same numbers, one row per epoch.
    const csv = readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy');
    expect(csv.length).toBe(26);
    expect(csv[12]!.split(',').map(Number)).toEqual([12, ...['loss', 'accuracy', 'val_loss', 'val_accuracy'].map((k) => json.history[k]![11])]);
    // The printed epoch lines carry the same figures (4 decimals).
    expect(r.stdout).toContain(`epoch 25/25  loss ${json.history.loss![24]!.toFixed(4)}`);
    expect(r.stdout).toContain(`test accuracy: ${(100 * json.test.accuracy).toFixed(2)}%`);
    // Diagnostics: 25 epochs × 3 layers (Standardize, two Dense).
    const diag = readFileSync(join(dir, 'diagnostics.csv'), 'utf8').trim().split('\n');
    expect(diag.length).toBe(1 + 25 * 3);
    expect(diag[2]).toMatch(/^1,1,"Dense\(4→16, relu\)",[\d.e-]+,[\d.e-]+,$/);

    const svg = readFileSync(join(dir, 'report.svg'), 'utf8');
    for (const title of ['loss per epoch', 'accuracy per epoch', 'gradient norm per layer', 'dead ReLU units']) expect(svg).toContain(title);
    for (const name of ['train loss', 'validation loss', 'train accuracy', 'validation accuracy', '1: Dense(4→16, relu)', '2: Dense(16→3)']) expect(svg).toContain(`>${name}`);
    // Lines: loss ×2, accuracy ×2, gradient norms ×2 (the Dense layers), dead fraction ×1.
    expect(svg.match(/<polyline /g)!.length).toBe(7);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg ');
    expect(html).toContain('test accuracy');
    if (hasRsvg) {
      const png = join(dir, 'report.png');
      const c = spawnSync('rsvg-convert', ['-o', png, join(dir, 'report.svg')], { encoding: 'utf8' });
      expect(c.stderr).toBe('');
      expect(c.status).toBe(0);
      expect(statSync(png).size).toBeGreaterThan(10_000);
    }
  });

  it('refuses a --report target that is a file, before training', () => {
    const f = join(work, 'file');
    writeFileSync(f, 'x');
    const r = spawnSync(process.execPath, [cli, 'train', '--report', f], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`nodegrad: --report ${f}: exists and is not a directory\n`);
  });
});

describe('chart pieces', () => {
  it('a NaN breaks a line into two; the legend lies right of the plot area', () => {
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [[1, 1], [2, 2], [3, NaN], [4, 1], [5, 3]] }], width: 400, height: 200 });
    expect(svg.match(/<polyline /g)!.length).toBe(2);
    const plot = /<rect x="(\d+)" y="\d+" width="([\d.]+)"/.exec(svg.split('\n').find((l) => l.includes('fill="none" stroke="#888"'))!)!;
    const legendX = Number(/<line x1="([\d.]+)" x2="[\d.]+" y1="[\d.]+" y2="[\d.]+" stroke="#1f77b4" stroke-width="2"\/>/.exec(svg)![1]);
    expect(legendX).toBeGreaterThan(Number(plot[1]) + Number(plot[2]));
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('fitLine shortens, then drops, fields by priority and never exceeds the width', () => {
    const fields = [
      { forms: ['epoch 3/10', '3/10'], priority: 0 },
      { forms: ['loss 0.1234', 'loss 0.123'], priority: 1 },
      { forms: ['ETA 12.0s'], priority: 2 },
      { forms: ['1234 samples/s', '1234/s'], priority: 3 },
    ];
    expect(fitLine(fields, 80)).toBe('epoch 3/10  loss 0.1234  ETA 12.0s  1234 samples/s');
    expect(fitLine(fields, 45)).toBe('epoch 3/10  loss 0.1234  ETA 12.0s  1234/s');
    expect(fitLine(fields, 30)).toBe('3/10  loss 0.123  ETA 12.0s');
    expect(fitLine(fields, 12)).toBe('3/10');
    for (let w = 1; w <= 60; w++) expect(fitLine(fields, w).length).toBeLessThanOrEqual(w);
  });
});
