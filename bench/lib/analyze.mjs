// Turns the children's raw timings into figures: the family's unit, the
// fraction of the relevant machine limit, and the ratio to the best peer.
import { toRate } from './stats.mjs';
import { PEERS } from './targets.mjs';

const SCALE = { 'GB/s': 1e-9, 'GFLOP/s': 1e-9 };

/** For a rate, higher is better; for ms/step, lower. */
export function higherIsBetter(unit) {
  return unit !== 'ms/step';
}

function figureOf(fig, c, unit) {
  if (fig.status !== 'ok') return { status: fig.status, reason: fig.reason, note: fig.note };
  const base = { status: 'ok', samples: fig.seconds.samples, capped: fig.capped || undefined, callsPerSample: fig.callsPerSample, note: fig.note, seconds: fig.seconds };
  if (unit === 'ms/step') {
    const s = fig.seconds;
    const gflops = c.work ? toRate(s, c.work * 1e-9) : undefined;
    return { ...base, median: s.median * 1e3, min: s.min * 1e3, max: s.max * 1e3, gflops };
  }
  const r = toRate(fig.seconds, c.work * SCALE[unit]);
  return { ...base, median: r.median, min: r.min, max: r.max };
}

/**
 * children: [{ target, isa, limits, figures }], families: the workload modules,
 * cases by id: { id -> case }. Returns { targets, limits, figures, mainTarget }.
 */
export function analyze(children, families, caseById, bestIsa) {
  const limits = {};
  for (const ch of children) if (ch.isa && ch.limits && !ch.limits.error) limits[ch.isa] = ch.limits;
  const machineLimits = limits[bestIsa] ?? Object.values(limits)[0];
  const mainTarget = `native/${bestIsa}`;
  const targets = children.map((ch) => (ch.isa ? `${ch.target}/${ch.isa}` : ch.target));
  const famById = new Map(families.map((f) => [f.family, f]));
  const rows = new Map();
  for (const ch of children) {
    for (const fig of ch.figures) {
      const c = caseById.get(fig.id);
      const fam = famById.get(fig.family);
      if (!rows.has(fig.id)) rows.set(fig.id, { id: fig.id, family: fig.family, label: c.label, unit: fam.unit, limit: c.limit, work: c.work, threads: c.threads, results: {} });
      const row = rows.get(fig.id);
      const f = figureOf(fig, c, fam.unit);
      const lim = (ch.isa ? limits[ch.isa] : machineLimits)?.[c.limit];
      if (f.status === 'ok' && lim) {
        const value = fam.unit === 'ms/step' ? f.gflops?.median : f.median;
        if (value !== undefined) f.fraction = value / lim.best;
      }
      row.results[fig.target] = f;
    }
  }
  // Peers run multi-thread GEMM rows at one thread: reuse their 1-thread figure.
  for (const row of rows.values()) {
    if (row.threads && row.threads !== 1) {
      const one = rows.get(row.id.replace(/\/t\d+$/, '/t1'));
      for (const p of PEERS) if (one?.results[p] && !row.results[p]) row.results[p] = { ...one.results[p], fromOneThread: true };
    }
  }
  // A target whose child could not start (a peer missing on this machine)
  // still has a cell in every figure, saying why it has no number.
  for (const ch of children) {
    if (!ch.error || ch.figures.length > 0) continue;
    const t = ch.isa ? `${ch.target}/${ch.isa}` : ch.target;
    for (const row of rows.values()) row.results[t] ??= { status: 'unavailable', reason: ch.error };
  }
  for (const row of rows.values()) {
    const hib = higherIsBetter(row.unit);
    let best = null;
    for (const p of PEERS) {
      const r = row.results[p];
      if (r?.status !== 'ok') continue;
      if (!best || (hib ? r.median > best.median : r.median < best.median)) best = { target: p, median: r.median };
    }
    row.bestPeer = best;
    const ours = row.results[mainTarget];
    if (best && ours?.status === 'ok') row.vsBestPeer = hib ? ours.median / best.median : best.median / ours.median;
  }
  return { targets, limits, figures: [...rows.values()], mainTarget };
}
