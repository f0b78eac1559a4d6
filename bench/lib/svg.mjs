// Two small SVG charts, written by hand (no chart dependency): a line chart
// with log-scaled axes and horizontal limit lines (the GEMM roofline), and a
// horizontal grouped bar chart on a log axis (training-step times).

import { num } from './format.mjs';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function logTicks(lo, hi) {
  const out = [];
  // Over more than 3 decades, 2 and 5 would crowd the axis.
  const mantissas = Math.log10(hi / lo) > 3 ? [1] : [1, 2, 5];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mantissas) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}

/** The opening of a chart: the svg element, a white background, the title. */
function open(width, height, left, title) {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
}

const fmt = (v) => (v >= 1000 ? `${v / 1000}k` : v >= 1 ? String(v) : String(Number(v.toPrecision(1))));

/**
 * series: [{ name, points: [[x, y], ...], dash? }], hlines: [{ name, y }].
 * x on a log2 axis (sizes), y on a log10 axis.
 */
export function lineChart({ title, xLabel, yLabel, series, hlines = [], width = 720, height = 420 }) {
  const pad = { l: 70, r: 220, t: 40, b: 50 };
  const pts = series.flatMap((s) => s.points);
  const ys = [...pts.map((p) => p[1]), ...hlines.map((h) => h.y)].filter((y) => y > 0);
  const xs = pts.map((p) => p[0]);
  if (!ys.length || !xs.length) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60"><text x="10" y="30">${esc(title)}: no data</text></svg>`;
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = 10 ** Math.floor(Math.log10(Math.min(...ys)));
  const y1 = 10 ** Math.ceil(Math.log10(Math.max(...ys) * 1.05));
  const W = width - pad.l - pad.r;
  const H = height - pad.t - pad.b;
  const sx = (x) => pad.l + (x1 === x0 ? W / 2 : ((Math.log2(x) - Math.log2(x0)) / (Math.log2(x1) - Math.log2(x0))) * W);
  const sy = (y) => pad.t + H - ((Math.log10(y) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * H;
  const o = open(width, height, pad.l, title);
  for (const v of logTicks(y0, y1)) {
    o.push(`<line x1="${pad.l}" x2="${pad.l + W}" y1="${sy(v)}" y2="${sy(v)}" stroke="#eee"/>`);
    o.push(`<text x="${pad.l - 6}" y="${sy(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    o.push(`<line x1="${sx(x)}" x2="${sx(x)}" y1="${pad.t}" y2="${pad.t + H}" stroke="#eee"/>`);
    o.push(`<text x="${sx(x)}" y="${pad.t + H + 18}" text-anchor="middle">${x}</text>`);
  }
  o.push(`<rect x="${pad.l}" y="${pad.t}" width="${W}" height="${H}" fill="none" stroke="#888"/>`);
  o.push(`<text x="${pad.l + W / 2}" y="${height - 10}" text-anchor="middle">${esc(xLabel)}</text>`);
  o.push(`<text transform="translate(16 ${pad.t + H / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  let li = 0;
  const legend = (name, color, dash) => {
    const y = pad.t + 10 + li++ * 18;
    const lx = pad.l + W + 12;
    o.push(`<line x1="${lx}" x2="${lx + 24}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    o.push(`<text x="${lx + 30}" y="${y + 4}">${esc(name)}</text>`);
  };
  hlines.forEach((h, i) => {
    const color = i === 0 ? '#000' : '#555';
    o.push(`<line x1="${pad.l}" x2="${pad.l + W}" y1="${sy(h.y)}" y2="${sy(h.y)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    legend(`${h.name} (${h.y.toPrecision(3)})`, color, '6 4');
  });
  const stops = [];
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const p = [...s.points].sort((a, b) => a[0] - b[0]);
    if (!p.length) return;
    o.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} points="${p.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of p) o.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${color}"/>`);
    if (s.stop) {
      // A line that ends early says so at its end, in its colour, below an earlier note it would overlap.
      const [x, y] = p[p.length - 1];
      let ty = sy(y) + 4;
      while (stops.some((t) => Math.abs(t.x - sx(x)) < 120 && Math.abs(t.y - ty) < 12)) ty += 12;
      stops.push({ x: sx(x), y: ty });
      o.push(`<text x="${(sx(x) + 6).toFixed(1)}" y="${ty.toFixed(1)}" font-size="10" fill="${color}">${esc(s.stop)}</text>`);
    }
    legend(s.name, color, s.dash);
  });
  o.push('</svg>');
  return o.join('\n');
}

/** groups: [{ name, bars: [{ name, value }] }], values > 0 on a log10 axis. */
export function barChart({ title, xLabel, groups, width = 720 }) {
  const names = [...new Set(groups.flatMap((g) => [...g.bars, ...(g.missing ?? [])].map((b) => b.name)))];
  const barH = 14;
  const gap = 12;
  // A label "what · batch N" is drawn on two lines; the left margin fits the longer line (~7.5 px a character at 12 px).
  const parts = (name) => String(name).split(' · ');
  const labelW = Math.max(60, ...groups.flatMap((g) => parts(g.name).map((l) => l.length * 7.5)));
  const legendW = 30 + 7 * Math.max(...names.map((n) => n.length));
  const pad = { l: Math.ceil(labelW) + 16, r: legendW + 30, t: 40, b: 50 };
  width = Math.max(width, pad.l + pad.r + 360);
  const rowsOf = (g) => Math.max(2, g.bars.length + (g.missing?.length ?? 0));
  const H = groups.reduce((s, g) => s + rowsOf(g) * barH + gap, 0);
  const height = pad.t + H + pad.b;
  const vals = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0);
  if (!vals.length) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60"><text x="10" y="30">${esc(title)}: no data</text></svg>`;
  const v0 = 10 ** Math.floor(Math.log10(Math.min(...vals)));
  const v1 = 10 ** Math.ceil(Math.log10(Math.max(...vals) * 1.05));
  const W = width - pad.l - pad.r;
  const sx = (v) => pad.l + ((Math.log10(v) - Math.log10(v0)) / (Math.log10(v1) - Math.log10(v0))) * W;
  const o = open(width, height, pad.l, title);
  for (const v of logTicks(v0, v1)) {
    o.push(`<line x1="${sx(v)}" x2="${sx(v)}" y1="${pad.t}" y2="${pad.t + H}" stroke="#eee"/>`);
    o.push(`<text x="${sx(v)}" y="${pad.t + H + 16}" text-anchor="middle">${fmt(v)}</text>`);
  }
  o.push(`<text x="${pad.l + W / 2}" y="${height - 12}" text-anchor="middle">${esc(xLabel)}</text>`);
  let y = pad.t;
  for (const g of groups) {
    const lines = parts(g.name);
    const mid = y + (rowsOf(g) * barH) / 2;
    lines.forEach((l, i) => o.push(`<text x="${pad.l - 8}" y="${(mid + 4 + (i - (lines.length - 1) / 2) * 14).toFixed(1)}" text-anchor="end">${esc(l)}</text>`));
    const start = y;
    for (const b of g.bars) {
      const color = COLORS[names.indexOf(b.name) % COLORS.length];
      const w = Math.max(1, sx(b.value) - pad.l);
      o.push(`<rect x="${pad.l}" y="${y + 1}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${color}"/>`);
      o.push(`<text x="${pad.l + w + 4}" y="${y + barH - 3}" font-size="10">${num(b.value)}</text>`);
      y += barH;
    }
    for (const m of g.missing ?? []) {
      // No bar: the peer was not run for this case; say so where its bar would be.
      o.push(`<text x="${pad.l + 4}" y="${y + barH - 3}" font-size="10" fill="${COLORS[names.indexOf(m.name) % COLORS.length]}">${esc(`${m.name}: ${m.status}`)}</text>`);
      y += barH;
    }
    y = Math.max(y, start + rowsOf(g) * barH);
    y += gap;
  }
  names.forEach((n, i) => {
    const ly = pad.t + 10 + i * 18;
    o.push(`<rect x="${pad.l + W + 24}" y="${ly - 8}" width="14" height="10" fill="${COLORS[i % COLORS.length]}"/>`);
    o.push(`<text x="${pad.l + W + 44}" y="${ly + 1}">${esc(n)}</text>`);
  });
  o.push('</svg>');
  return o.join('\n');
}
