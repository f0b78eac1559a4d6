// A small hand-written SVG line chart for training reports: per-epoch
// series on a linear x axis, a linear or log y axis, the legend beside the
// plot (never over the lines), and an optional marked epoch.

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f', '#bcbd22', '#e377c2'];

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface Series {
  name: string;
  /** [x, y] points; non-finite y values (and y <= 0 on a log axis) break the line. */
  points: [number, number][];
  dash?: string;
  color?: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  log?: boolean;
  /** A vertical dashed line at this x, with its label (e.g. the restored best epoch). */
  marker?: { x: number; label: string };
  width?: number;
  height?: number;
  /** Fixed y range (linear axis), e.g. [0, 1] for fractions. */
  yRange?: [number, number];
}

/** "Nice" linear ticks: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function tickText(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 300;
  const names = [...o.series.map((s) => s.name), ...(o.marker ? [o.marker.label] : [])];
  // The legend's column is as wide as its longest name (about 7 px a character at 12 px).
  const legendW = Math.min(260, 44 + 7 * Math.max(4, ...names.map((n) => n.length)));
  const pad = { l: 64, r: legendW + 12, t: 34, b: 44 };
  const W = width - pad.l - pad.r;
  const H = height - pad.t - pad.b;
  const ok = (y: number): boolean => Number.isFinite(y) && (!o.log || y > 0);
  const pts = o.series.flatMap((s) => s.points).filter(([, y]) => ok(y));
  const head = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${pad.l}" y="20" font-size="14" font-weight="bold">${esc(o.title)}</text>`,
  ];
  if (pts.length === 0) return [...head, `<text x="${pad.l}" y="${pad.t + 20}">no data</text>`, '</svg>'].join('\n');
  const xs = pts.map((p) => p[0]);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs, x0 + 1);
  let y0: number;
  let y1: number;
  if (o.yRange) [y0, y1] = o.yRange;
  else if (o.log) {
    const ys = pts.map((p) => p[1]);
    y0 = 10 ** Math.floor(Math.log10(Math.min(...ys)));
    y1 = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
    if (y1 <= y0) y1 = y0 * 10;
  } else {
    const ys = pts.map((p) => p[1]);
    const lo = Math.min(...ys);
    const hi = Math.max(...ys);
    const span = hi - lo || Math.abs(hi) || 1;
    y0 = lo >= 0 && lo - 0.05 * span < 0 ? 0 : lo - 0.05 * span;
    y1 = hi + 0.05 * span;
  }
  const sx = (x: number): number => pad.l + ((x - x0) / (x1 - x0)) * W;
  const sy = (y: number): number => {
    const t = o.log ? (Math.log10(y) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) : (y - y0) / (y1 - y0);
    return pad.t + H - Math.min(1, Math.max(0, t)) * H;
  };
  const out = [...head];
  const yTicks = o.log ? Array.from({ length: Math.round(Math.log10(y1 / y0)) + 1 }, (_, i) => y0 * 10 ** i) : niceTicks(y0, y1);
  for (const v of yTicks) {
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${pad.l}" x2="${pad.l + W}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${pad.l - 6}" y="${Number(y) + 4}" text-anchor="end">${tickText(v)}</text>`);
  }
  for (const v of niceTicks(x0, x1, Math.min(8, Math.max(1, Math.round(x1 - x0))))) {
    if (!Number.isInteger(v)) continue;
    const x = sx(v).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${pad.t}" y2="${pad.t + H}" stroke="#f2f2f2"/>`);
    out.push(`<text x="${x}" y="${pad.t + H + 16}" text-anchor="middle">${v}</text>`);
  }
  out.push(`<rect x="${pad.l}" y="${pad.t}" width="${W}" height="${H}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${pad.l + W / 2}" y="${height - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${pad.t + H / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  if (o.marker && o.marker.x >= x0 && o.marker.x <= x1) {
    const x = sx(o.marker.x).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${pad.t}" y2="${pad.t + H}" stroke="#555" stroke-dasharray="4 3"/>`);
  }
  const legendX = pad.l + W + 14;
  let li = 0;
  const legend = (name: string, color: string, dash?: string): void => {
    const y = pad.t + 8 + li++ * 18;
    out.push(`<line x1="${legendX}" x2="${legendX + 24}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    out.push(`<text x="${legendX + 30}" y="${y + 4}">${esc(name)}</text>`);
  };
  o.series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length]!;
    // A run of finite points is one polyline; a gap (NaN, or <= 0 on a log axis) starts a new one.
    let run: string[] = [];
    const flush = (): void => {
      if (run.length === 1) out.push(`<circle cx="${run[0]!.split(',')[0]}" cy="${run[0]!.split(',')[1]}" r="2.5" fill="${color}"/>`);
      else if (run.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} points="${run.join(' ')}"/>`);
      run = [];
    };
    for (const [x, y] of [...s.points].sort((a, b) => a[0] - b[0])) {
      if (ok(y)) run.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
      else flush();
    }
    flush();
    legend(s.name, color, s.dash);
  });
  if (o.marker && o.marker.x >= x0 && o.marker.x <= x1) legend(o.marker.label, '#555', '4 3');
  out.push('</svg>');
  return out.join('\n');
}

/** Panels (each a complete <svg>) laid out in a grid of `columns`, as one SVG. */
export function grid(panels: string[], columns: number, title?: string): string {
  const size = (svg: string): [number, number] => {
    const m = /width="(\d+)" height="(\d+)"/.exec(svg);
    return m ? [Number(m[1]), Number(m[2])] : [560, 300];
  };
  const sizes = panels.map(size);
  const cellW = Math.max(...sizes.map((s) => s[0]));
  const cellH = Math.max(...sizes.map((s) => s[1]));
  const top = title ? 30 : 0;
  const rows = Math.ceil(panels.length / columns);
  const width = cellW * Math.min(columns, panels.length);
  const height = top + cellH * rows;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  if (title) out.push(`<text x="12" y="21" font-size="15" font-weight="bold">${esc(title)}</text>`);
  panels.forEach((p, i) => {
    const x = (i % columns) * cellW;
    const y = top + Math.floor(i / columns) * cellH;
    out.push(p.replace('<svg xmlns="http://www.w3.org/2000/svg" ', `<svg x="${x}" y="${y}" `));
  });
  out.push('</svg>');
  return out.join('\n');
}
