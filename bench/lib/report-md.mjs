// bench/results/latest.md and its two SVG charts (GEMM roofline, training
// step times), written next to it.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cell, notes, num, pct, reasons, times } from './format.mjs';
import { checkGoals, metLabel } from './goals.mjs';
import { barChart, lineChart } from './svg.mjs';

const mdRow = (cells) => `| ${cells.join(' | ')} |`;

function mdTable(header, rows) {
  return [mdRow(header), mdRow(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(mdRow)].join('\n');
}

function gemmChart(doc) {
  const series = [];
  const main = doc.mainTarget;
  const add = (name, target, variant, threads, dash) => {
    const all = doc.figures
      .filter((f) => f.family === 'gemm' && f.id.startsWith(`gemm/${variant}/`) && f.threads === threads)
      .map((f) => [Number(f.id.split('/')[2]), f.results[target]]);
    const ok = all.filter(([, r]) => r?.status === 'ok' && !r.fromOneThread);
    const pts = ok.map(([x, r]) => [x, r.median]);
    // Where a line stops short of the largest size, say why (a slow peer skipped past a size).
    const last = Math.max(...ok.map(([x]) => x));
    const after = all.filter(([x, r]) => x > last && r && r.status !== 'ok');
    const stop = after.length ? `${after[0][1].status} above n = ${last}` : undefined;
    if (pts.length) series.push({ name, points: pts, dash, stop });
  };
  const N = doc.threads.multi;
  add(`${main}, ${N} threads`, main, 'nn', N);
  add(`${main}, 1 thread`, main, 'nn', 1);
  add(`${main} A·Bᵀ, 1 thread`, main, 'nt', 1, '4 3');
  add(`${main} Aᵀ·B, 1 thread`, main, 'tn', 1, '1 3');
  for (const t of doc.targets) if (t !== main) add(`${t}, 1 thread`, t, 'nn', 1);
  const lim = doc.limits[main.split('/')[1]];
  const hlines = [];
  if (lim?.['fma-N'] && N !== 1) hlines.push({ name: `peak, ${N} threads`, y: lim['fma-N'].best });
  if (lim?.['fma-1']) hlines.push({ name: 'peak, 1 thread', y: lim['fma-1'].best });
  return lineChart({ title: 'GEMM (square, C = A·B unless noted): GFLOP/s vs size', xLabel: 'n (m = n = k)', yLabel: 'GFLOP/s (log)', series, hlines });
}

function trainingChart(doc) {
  const rows = doc.figures.filter((f) => f.family === 'training');
  const groups = rows.map((r) => ({
    name: r.label,
    bars: doc.targets.filter((t) => r.results[t]?.status === 'ok').map((t) => ({ name: t, value: r.results[t].median })),
    // Targets measured elsewhere but not here get a note in place of their bar.
    missing: doc.targets.filter((t) => r.results[t] && r.results[t].status !== 'ok').map((t) => ({ name: t, status: r.results[t].status })),
  }));
  return barChart({ title: 'Training step time per library (lower is better)', xLabel: 'ms per step (log)', groups });
}

function familySection(doc, fam) {
  const rows = doc.figures.filter((f) => f.family === fam.family);
  if (!rows.length) return '';
  const targets = doc.targets.filter((t) => rows.some((r) => r.results[t]));
  const header = ['case', ...targets.flatMap((t) => (t.startsWith('native/') ? [`${t} median [min–max]`, '% of limit'] : [`${t} median`])), 'vs best peer'];
  const body = rows.map((r) => [
    r.label,
    ...targets.flatMap((t) =>
      t.startsWith('native/') ? [cell(r.results[t], { range: true }) + samplesTag(r.results[t]), pct(r.results[t]?.fraction)] : [cell(r.results[t]) + samplesTag(r.results[t])],
    ),
    r.vsBestPeer ? `${times(r.vsBestPeer)} (${r.bestPeer.target})` : '',
  ]);
  const extra = [...reasons(rows, targets), ...notes(rows, targets)];
  return `### ${fam.title} (${fam.unit})\n\n${fam.fractionNote}.\n\n${mdTable(header, body)}\n${extra.length ? '\n' + extra.map((e) => `- ${e}`).join('\n') + '\n' : ''}`;
}

function samplesTag(r) {
  return r?.status === 'ok' && !r.capped && r.samples >= 5 ? ` ·${r.samples}` : '';
}

const HEADLINE = [
  'activations/relu/1.6e7',
  'activations/sigmoid/1.6e7',
  'activations/sigmoid/1e6',
  'gemm/nn/256/t1',
  'gemm/nn/1024/t1',
  'gemm/nn/2048/t1',
  'gemm/nn/2048/tN',
  'gemm/nt/1024/t1',
  'gemm/tn/1024/t1',
  'optim/adamStep/1e7',
  'training/W4/b32',
  'training/W4/b128',
  'training/W4/b1024',
  'training/W5/b32',
  'training/W6/b256',
];

/** A few figures that summarise the run (quoted in the README). */
export function headlineTable(doc) {
  const main = doc.mainTarget;
  const rows = [];
  const seen = new Set();
  for (const key of HEADLINE) {
    const f = doc.figures.find((x) => x.id === key.replace(/\/tN$/, `/t${doc.threads.multi}`));
    if (!f || seen.has(f.id)) continue;
    seen.add(f.id);
    const r = f.results[main];
    rows.push([
      `${f.label}`,
      f.unit,
      cell(r) + (r?.status === 'ok' && r.fraction !== undefined ? ` (${pct(r.fraction)} of ${f.limit})` : ''),
      f.bestPeer ? `${num(f.bestPeer.median)} (${f.bestPeer.target})` : '—',
      f.vsBestPeer ? times(f.vsBestPeer) : '—',
    ]);
  }
  return mdTable(['case', 'unit', `${main} (fraction of limit)`, 'best peer', 'vs best peer'], rows);
}

export function writeMarkdown(doc, families, file) {
  const dir = dirname(file);
  const stem = basename(file, '.md');
  writeFileSync(join(dir, `${stem}-gemm.svg`), gemmChart(doc));
  writeFileSync(join(dir, `${stem}-training.svg`), trainingChart(doc));
  const m = doc.machine;
  const isas = Object.keys(doc.limits);
  const specs = isas.length ? Object.values(doc.limits[isas[0]]) : [];
  const limRows = specs.map((s) => [s.label, s.unit, ...isas.map((i) => `${num(doc.limits[i][s.key]?.best)} (median ${num(doc.limits[i][s.key]?.median)})`)]);
  const out = [
    `# nodegrad benchmark report`,
    '',
    `Produced by \`npm run bench${doc.options.quick ? ' -- --quick' : ''}\` on ${doc.date}. Machine: ${m.cpu}, ${m.logicalCpus} logical CPUs, ${m.memoryGiB} GiB, ${m.os}; CPU flags ${m.cpuFlags.join(', ')}; SIMD paths ${m.simdPaths.join(', ')}. ` +
      `nodegrad ${doc.versions.nodegrad} (${doc.versions.commit ?? 'no git'}), Node ${doc.versions.node}, tfjs ${doc.versions.tfjs}, tfjs-backend-wasm ${doc.versions['tfjs-backend-wasm']}. Threads: 1 and ${doc.threads.multi}.${loadNote(doc)}`,
    '',
    `Every figure is the median over its samples after warm-up (kernels: ≥ 5 samples for ours, ≥ 3 for the reference and peers, which are capped at about 4 s per figure; training steps: ≥ 200 steps for ours, within a 5 s cap); [min–max] gives the spread, ·N the sample count, (n=N) the sample count of a figure the time cap ended early or with fewer than 5 samples. "vs best peer": how many times faster ${doc.mainTarget} is than the best of ${doc.peers.join(', ')}.`,
    '',
    `## Headline`,
    '',
    headlineTable(doc),
    '',
    `## Targets from the issues`,
    '',
    `Checked against ${doc.mainTarget}; see bench/lib/goals.mjs for each target's source.`,
    '',
    mdTable(['issue', 'figure', 'measured', 'target', ''], checkGoals(doc).map((g) => [g.issue, g.what, g.measured, g.target, metLabel(g.met)])),
    '',
    `## Machine limits`,
    '',
    `Measured in the same run by native probes (native/kernels/probes*.cc), per SIMD path; a fraction is taken of the best sample.`,
    '',
    mdTable(['limit', 'unit', ...isas], limRows),
    '',
    `## Charts`,
    '',
    `![GEMM GFLOP/s vs size, with the FMA peak](${stem}-gemm.svg)`,
    '',
    `![Training step time per library](${stem}-training.svg)`,
    '',
    `## Figures`,
    '',
  ];
  for (const fam of families) {
    const s = familySection(doc, fam);
    if (s) out.push(s);
  }
  for (const ch of doc.children) if (ch.error) out.push(`- ${ch.target}: ${ch.error}`);
  writeFileSync(file, out.join('\n') + '\n');
}

/** Replaces the README's headline block (between its bench:headline markers). */
/** A sentence on the machine's load during the run (other processes' work). */
export function loadNote(doc) {
  const l = doc.machine.loadAverage;
  if (!l) return '';
  // The end figure includes this run's own work; the start one is a 1-minute
  // average, so it also counts work that ended just before the run.
  const busy = l.start > 0.5;
  return ` Load average ${l.start.toFixed(2)} at the start and ${l.end.toFixed(2)} at the end on ${doc.machine.logicalCpus} CPUs${busy ? ' (a 1-minute average: other work, possibly just finished, may have overlapped the run and lowered some figures)' : ''}.`;
}

export function updateReadme(doc, readmeFile) {
  const text = readFileSync(readmeFile, 'utf8');
  const open = '<!-- bench:headline -->';
  const close = '<!-- /bench:headline -->';
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a < 0 || b < a) throw new Error(`${readmeFile} has no ${open} … ${close} block`);
  const m = doc.machine;
  const body = `From \`bench/results/latest.md\` (${doc.date.slice(0, 10)}, ${m.cpu}, ${m.logicalCpus} CPUs, threads 1 and ${doc.threads.multi}; nodegrad ${doc.versions.commit ?? doc.versions.nodegrad}).${loadNote(doc)}\n\n${headlineTable(doc)}\n`;
  writeFileSync(readmeFile, text.slice(0, a + open.length) + '\n' + body + text.slice(b));
}
