// Number and cell formatting shared by the text table and the markdown report.

export function num(v) {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 10) return v.toFixed(2);
  if (a >= 0.01) return v.toFixed(3);
  return v.toPrecision(2);
}

export const pct = (f) => (f === undefined ? '' : `${(f * 100).toFixed(0)}%`);
export const times = (r) => (r === undefined ? '' : `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`);

const SHORT = { unavailable: 'n/a', skipped: 'skipped', error: 'error' };

/** One result as a short cell: the median, with the sample count when the cap ended it or it is below 5. */
export function cell(r, { range = false } = {}) {
  if (!r) return '';
  if (r.status !== 'ok') return SHORT[r.status] ?? r.status;
  let s = num(r.median);
  if (range) s += ` [${num(r.min)}–${num(r.max)}]`;
  if (r.capped || r.samples < 5) s += ` (n=${r.samples})`;
  return s;
}

/** Every non-ok result of a family, grouped by target and reason. */
export function reasons(rows, targets) {
  const groups = new Map();
  for (const row of rows) {
    for (const t of targets) {
      const r = row.results[t];
      if (!r || r.status === 'ok') continue;
      const key = `${t}: ${r.status}: ${r.reason}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(row.label);
    }
  }
  return [...groups].map(([k, labels]) => `${k} — ${labels.join(', ')}`);
}

/** Notes (how a figure was produced) grouped the same way. */
export function notes(rows, targets) {
  const groups = new Map();
  for (const row of rows) {
    for (const t of targets) {
      const r = row.results[t];
      if (!r?.note || r.fromOneThread) continue;
      const key = `${t}: ${r.note}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(row.label);
    }
  }
  return [...groups].map(([k, labels]) => `${k} — ${labels.join(', ')}`);
}
