// The table printed on stdout: one section per family, one row per case,
// one column per target; % is the main target's fraction of its limit.
import { cell, notes, num, pct, reasons, times } from './format.mjs';
import { checkGoals, metLabel } from './goals.mjs';

function table(header, rows) {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
  return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

export function limitsTable(doc) {
  const isas = Object.keys(doc.limits);
  if (!isas.length) return 'Machine limits: not measured (the native addon did not load).';
  const specs = Object.values(doc.limits[isas[0]]);
  const rows = specs.map((s) => [s.label, s.unit, ...isas.map((i) => `${num(doc.limits[i][s.key]?.best)} (med ${num(doc.limits[i][s.key]?.median)})`)]);
  return `Machine limits (native probes; best of ${specs[0]?.samples} samples, median in parentheses)\n` + table(['limit', 'unit', ...isas], rows);
}

export function familyTable(doc, fam) {
  const rows = doc.figures.filter((f) => f.family === fam.family);
  if (!rows.length) return '';
  const targets = doc.targets.filter((t) => rows.some((r) => r.results[t]));
  const main = doc.mainTarget;
  const header = ['case', ...targets.flatMap((t) => (t.startsWith('native/') ? [t, '%lim'] : [t])), 'vs best peer'];
  const body = rows.map((r) => [
    r.label,
    ...targets.flatMap((t) => (t.startsWith('native/') ? [cell(r.results[t]), pct(r.results[t]?.fraction)] : [cell(r.results[t])])),
    r.vsBestPeer ? `${times(r.vsBestPeer)} ${r.bestPeer.target}` : '',
  ]);
  const extra = [...reasons(rows, targets), ...notes(rows, targets)];
  return `${fam.title} — ${fam.unit}; ${fam.fractionNote}\n` + table(header, body) + (extra.length ? '\n' + extra.map((e) => `  * ${e}`).join('\n') : '') + (main ? '' : '');
}

export function textReport(doc, families) {
  const l = doc.machine.loadAverage;
  const load = l ? `, load average ${l.start.toFixed(2)} → ${l.end.toFixed(2)}` : '';
  const parts = [`nodegrad bench — ${doc.machine.cpu}, ${doc.machine.availableParallelism} CPUs, SIMD ${doc.machine.simdPaths.join('/')}, threads 1 and ${doc.threads.multi}${doc.options.quick ? ' (quick)' : ''}${load}`];
  parts.push(limitsTable(doc));
  for (const fam of families) {
    const t = familyTable(doc, fam);
    if (t) parts.push(t);
  }
  const goals = checkGoals(doc).filter((g) => g.met !== null);
  if (goals.length) {
    parts.push(`Targets from the issues (${doc.mainTarget})\n` + table(['issue', 'figure', 'measured', 'target', ''], goals.map((g) => [g.issue, g.what, g.measured, g.target, metLabel(g.met)])));
  }
  for (const ch of doc.children) if (ch.error) parts.push(`! ${ch.target}: ${ch.error}`);
  parts.push(`(n=…: the sample count, shown when below 5 or when the time cap ended the figure; "vs best peer": how many times faster the ${doc.mainTarget} figure is than the best of ${doc.peers.join(', ')})`);
  return parts.join('\n\n');
}
