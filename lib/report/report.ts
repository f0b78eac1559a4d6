// `nodegrad train --report DIR`: the run's history as pictures and tables.
// report.svg holds one panel per figure (loss, then each metric; with
// diagnostics the per-layer gradient norms and dead/saturated fractions),
// train and validation side by side; report.html wraps it with the numbers;
// history.csv / history.json (and diagnostics.csv) are for other tools.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerDiagnostics } from '../train/diagnostics.js';
import { esc, grid, lineChart, type Series } from './svg.js';

export interface ReportInput {
  title: string;
  /** Per-epoch values by name, as History.history (loss, accuracy, val_loss, ...). */
  history: Record<string, number[]>;
  /** diagnostics().epochs: per epoch, one entry per layer. */
  diagnostics?: LayerDiagnostics[][];
  /** The 0-based epoch whose weights were restored (early stopping), marked on every panel. */
  bestEpoch?: number;
  /** Figures on the held-out test set, for the HTML page. */
  test?: Record<string, number>;
}

const NICE: Record<string, string> = { loss: 'loss', accuracy: 'accuracy', mae: 'mean absolute error', categoricalAccuracy: 'accuracy', binaryAccuracy: 'binary accuracy' };

/** One panel per base metric: its train series and its val_ series. */
export function historyPanels(input: ReportInput): string[] {
  const names = Object.keys(input.history);
  const bases = names.filter((n) => !n.startsWith('val_'));
  for (const n of names) if (n.startsWith('val_') && !bases.includes(n.slice(4))) bases.push(n.slice(4));
  const marker = input.bestEpoch === undefined ? undefined : { x: input.bestEpoch + 1, label: `best epoch (${input.bestEpoch + 1}), restored` };
  return bases.map((b) => {
    const series: Series[] = [];
    const tr = input.history[b];
    const va = input.history[`val_${b}`];
    if (tr) series.push({ name: `train ${b}`, points: tr.map((v, e) => [e + 1, v]), color: '#1f77b4' });
    if (va) series.push({ name: `validation ${b}`, points: va.map((v, e) => [e + 1, v]), color: '#d62728', dash: '6 3' });
    const frac = /acc/i.test(b);
    return lineChart({
      title: `${NICE[b] ?? b} per epoch`,
      xLabel: 'epoch',
      yLabel: NICE[b] ?? b,
      series,
      ...(marker ? { marker } : {}),
      ...(frac ? { yRange: [Math.max(0, Math.floor(Math.min(...[...(tr ?? []), ...(va ?? [])].filter(Number.isFinite)) * 10) / 10), 1] as [number, number] } : {}),
    });
  });
}

export function diagnosticsPanels(diag: LayerDiagnostics[][], bestEpoch?: number): string[] {
  if (diag.length === 0) return [];
  const layers = diag[0]!;
  const marker = bestEpoch === undefined ? undefined : { x: bestEpoch + 1, label: `best epoch (${bestEpoch + 1})` };
  const series = (pick: (l: LayerDiagnostics) => number | null, filter: (l: LayerDiagnostics) => boolean, tag = ''): Series[] =>
    layers
      .filter(filter)
      .map((l) => ({ name: `${l.index}: ${l.layer}${tag}`, points: diag.map((epoch, e) => [e + 1, pick(epoch.find((x) => x.index === l.index)!) ?? NaN] as [number, number]) }));
  const panels = [
    lineChart({
      title: 'gradient norm per layer (mean over batches)',
      xLabel: 'epoch',
      yLabel: '‖∂loss/∂θ‖₂',
      log: true,
      series: series((l) => l.gradNorm, (l) => l.gradNorm !== null),
      ...(marker ? { marker } : {}),
      width: 640,
    }),
  ];
  const fractions = [
    ...series((l) => l.deadFraction, (l) => l.deadFraction !== null, ' dead'),
    ...series((l) => l.saturatedFraction, (l) => l.saturatedFraction !== null, ' saturated'),
  ];
  if (fractions.length > 0) {
    panels.push(lineChart({ title: 'dead ReLU units / saturated outputs per layer', xLabel: 'epoch', yLabel: 'fraction', yRange: [0, 1], series: fractions, ...(marker ? { marker } : {}), width: 640 }));
  }
  return panels;
}

export function historyCsv(history: Record<string, number[]>): string {
  const names = Object.keys(history);
  const n = Math.max(0, ...names.map((k) => history[k]!.length));
  const lines = [['epoch', ...names].join(',')];
  for (let e = 0; e < n; e++) lines.push([String(e + 1), ...names.map((k) => String(history[k]![e] ?? ''))].join(','));
  return lines.join('\n') + '\n';
}

export function diagnosticsCsv(diag: LayerDiagnostics[][]): string {
  const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  const lines = ['epoch,index,layer,grad_norm,dead_fraction,saturated_fraction'];
  diag.forEach((layers, e) => {
    for (const l of layers) lines.push([e + 1, l.index, q(l.layer), l.gradNorm ?? '', l.deadFraction ?? '', l.saturatedFraction ?? ''].join(','));
  });
  return lines.join('\n') + '\n';
}

export function reportSvg(input: ReportInput): string {
  const panels = historyPanels(input);
  const diag = input.diagnostics ? diagnosticsPanels(input.diagnostics, input.bestEpoch) : [];
  return grid([...panels, ...diag], 2, input.title);
}

export function reportHtml(input: ReportInput, svg: string): string {
  const names = Object.keys(input.history);
  const last = Math.max(0, ...names.map((k) => input.history[k]!.length)) - 1;
  const row = (k: string, v: number | undefined): string => `<tr><td>${esc(k)}</td><td>${v === undefined ? '' : esc(Number.isFinite(v) ? v.toPrecision(5) : String(v))}</td></tr>`;
  const rows = names.map((k) => row(`${k} (epoch ${last + 1})`, input.history[k]![last]));
  if (input.bestEpoch !== undefined) rows.push(`<tr><td>restored epoch</td><td>${input.bestEpoch + 1}</td></tr>`);
  for (const [k, v] of Object.entries(input.test ?? {})) rows.push(row(`test ${k}`, v));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td{padding:2px 10px;border-bottom:1px solid #ddd}</style>
</head><body>
<h1>${esc(input.title)}</h1>
${svg}
<h2>Figures</h2>
<table>${rows.join('\n')}</table>
<p>Data: history.csv, history.json${input.diagnostics ? ', diagnostics.csv' : ''} beside this file.</p>
</body></html>
`;
}

/** Writes the report files into `dir` (created if needed); returns their paths. */
export async function writeReport(dir: string, input: ReportInput): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const svg = reportSvg(input);
  const files: [string, string][] = [
    ['report.svg', svg],
    ['report.html', reportHtml(input, svg)],
    ['history.csv', historyCsv(input.history)],
    ['history.json', JSON.stringify({ history: input.history, ...(input.bestEpoch !== undefined ? { bestEpoch: input.bestEpoch } : {}), ...(input.test ? { test: input.test } : {}), ...(input.diagnostics ? { diagnostics: input.diagnostics } : {}) }, null, 1) + '\n'],
  ];
  if (input.diagnostics) files.push(['diagnostics.csv', diagnosticsCsv(input.diagnostics)]);
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
