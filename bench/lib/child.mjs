// One benchmark process: one target (nodegrad native on the SIMD path fixed
// by NODEGRAD_SIMD, nodegrad reference, tfjs-cpu, tfjs-wasm or openblas). Runs the
// selected cases and writes its results as JSON to the file named by --out.
// Progress goes to stderr; stdout is left to libraries that print banners.
import { writeFileSync } from 'node:fs';
import { FAMILIES } from '../workloads/index.mjs';
import { measureLimits } from '../workloads/probes.mjs';
import { NOT_IMPLEMENTED, makeContext } from './targets.mjs';
import { summarize } from './stats.mjs';
import { POLICIES, measure } from './timing.mjs';

const job = JSON.parse(process.argv[2]);
const { target, quick, filter, threads, multiThreads, out, families, bestIsa } = job;
const filterRe = filter ? new RegExp(filter) : null;
const policies = POLICIES[quick ? 'quick' : 'full'];
const result = { target, isa: null, limits: null, figures: [], error: null, versions: {} };

function save() {
  writeFileSync(out, JSON.stringify(result));
}

function log(msg) {
  process.stderr.write(msg + '\n');
}

let ctx;
try {
  ctx = await makeContext(target);
} catch (e) {
  result.error = `cannot start: ${e.message.split('\n')[0]}`;
  save();
  process.exit(0);
}

const ours = ctx.kind === 'ours';
const isPeer = !(ours && ctx.backendName === 'native');
if (ctx.addon) {
  result.isa = ctx.addon.isa;
  // The GEMM blocking this path derived from the caches (kept in the JSON,
  // so runs on different machines can be compared).
  if (typeof ctx.addon.gemmBlocking === 'function') result.gemmBlocking = ctx.addon.gemmBlocking();
  if (ctx.threadControl) ctx.setThreads(threads);
  result.threadControl = ctx.threadControl;
  log(`  [${target}/${result.isa}] measuring machine limits`);
  result.limits = measureLimits(ctx.addon, { threads: multiThreads, quick, samples: 3 });
}
if (ctx.version) result.versions[ctx.kind === 'numpy' ? 'openblas' : 'tfjs'] = ctx.version;
const label = ctx.addon ? `${target}/${result.isa}` : target;
// A non-default SIMD path runs the kernel families only.
const onlyPerIsa = ctx.addon && result.isa !== bestIsa;

const secondsPerCost = new Map();
// Flop/s of this target's 1-thread GEMM per form, from the last size measured.
const gemmRate = new Map();

function gemmEstimate(flops) {
  if (!flops) return undefined;
  let s = 0;
  for (const [form, f] of Object.entries(flops)) {
    if (f === 0) continue;
    const rate = gemmRate.get(form);
    if (!rate) return undefined;
    s += f / rate;
  }
  return { s, from: "this backend's GEMM rates" };
}

/** An externally timed figure (samples in seconds per call) in measure()'s shape. */
function external(r) {
  if (r.skipped) return { skipped: r.skipped, firstCall: r.firstCall ?? 0 };
  return { seconds: summarize(r.samples), callsPerSample: r.callsPerSample, capped: r.capped, firstCall: r.firstCall };
}

for (const fam of FAMILIES) {
  if (!families.includes(fam.family)) continue;
  if (onlyPerIsa && !fam.perIsa) continue;
  for (const c of fam.cases({ threads: multiThreads })) {
    if (quick && !c.quick) continue;
    if (filterRe && !filterRe.test(c.id)) continue;
    const impl = ours ? c.ours : ctx.kind === 'numpy' ? c.numpy : c.tfjs;
    // peers: false (none), true (all) or the list of peers that run this case.
    if (isPeer && (c.peers === false || (Array.isArray(c.peers) && !c.peers.includes(target)))) continue;
    if (onlyPerIsa && c.otherIsas === false) continue;
    const fig = { id: c.id, family: fam.family, target: label, status: 'ok' };
    result.figures.push(fig);
    if (!impl) {
      fig.status = 'unavailable';
      fig.reason = 'no equivalent in this library';
      continue;
    }
    const policy = c.steps ? (isPeer ? policies.peerSteps : policies.oursSteps) : isPeer ? policies.peer : policies.ours;
    const known = c.costKey ? secondsPerCost.get(c.costKey) : undefined;
    const floor = c.steps ? Math.min(3, policy.minSamples) : policy.minSamples;
    const estimate = known !== undefined ? { s: known * c.cost, from: 'the previous size' } : gemmEstimate(c.gemmFlops);
    if (estimate && estimate.s * (floor + 1) > policy.capSeconds * 2) {
      fig.status = 'skipped';
      fig.reason = `estimated ${estimate.s.toFixed(2)} s per call (from ${estimate.from}): ${floor} samples would exceed the ${policy.capSeconds} s cap`;
      continue;
    }
    let setup;
    try {
      setup = impl(ctx);
      if (setup.unavailable) {
        fig.status = 'unavailable';
        fig.reason = setup.unavailable;
        continue;
      }
      if (setup.threads && ctx.threadControl) ctx.setThreads(setup.threads);
      // A peer in another process times itself under the same policy.
      const m = setup.external ? external(setup.external(policy)) : measure(setup.run, policy);
      if (m.skipped) {
        fig.status = 'skipped';
        fig.reason = m.skipped;
        if (c.costKey) secondsPerCost.set(c.costKey, m.firstCall / c.cost);
      } else {
        Object.assign(fig, { seconds: m.seconds, callsPerSample: m.callsPerSample, capped: m.capped });
        if (c.costKey) secondsPerCost.set(c.costKey, m.seconds.median / c.cost);
        if (c.gemmVariant) gemmRate.set(c.gemmVariant, c.work / m.seconds.median);
        log(`  [${label}] ${c.id}: ${(m.seconds.median * 1e3).toPrecision(4)} ms (${m.seconds.samples} samples)`);
      }
      if (setup.note) fig.note = setup.note;
    } catch (e) {
      const msg = String(e?.message ?? e).split('\n')[0];
      // A kernel the checked API lists but this backend's build lacks.
      const missing = e instanceof TypeError && /is not a function/.test(msg);
      fig.status = missing ? 'unavailable' : 'error';
      fig.reason = missing ? `${NOT_IMPLEMENTED} (${msg})` : msg;
      log(`  [${label}] ${c.id}: ${fig.status}: ${fig.reason}`);
    } finally {
      if (setup?.threads && ctx.threadControl) ctx.setThreads(threads);
      setup?.dispose?.();
    }
  }
  save();
}
if (ctx.addon && !result.limits.error) {
  log(`  [${label}] measuring machine limits again`);
  result.limits = measureLimits(ctx.addon, { threads: multiThreads, quick, samples: quick ? 2 : 4, prev: result.limits });
}
save();
