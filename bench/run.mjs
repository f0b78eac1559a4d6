// `npm run bench`: measures every kernel and whole training steps against the
// machine's limits (native probes) and against peers, one child process per
// target (the SIMD path is fixed when the addon loads), then prints a table
// and writes bench/results/<date>-<host>.json (+ latest.md on full runs).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from './lib/analyze.mjs';
import { USAGE, parseArgs } from './lib/args.mjs';
import { ensureBuilt } from './lib/build.mjs';
import { machineInfo, versions } from './lib/machine.mjs';
import { ROOT } from './lib/paths.mjs';
import { updateReadme, writeMarkdown } from './lib/report-md.mjs';
import { textReport } from './lib/report-text.mjs';
import { PEERS } from './lib/targets.mjs';
import { FAMILIES } from './workloads/index.mjs';

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const log = (m) => process.stderr.write(m + '\n');
const started = Date.now();
// Other processes' load, as a caveat on every figure (1-minute average).
const loadAtStart = loadavg()[0];

if (opts.build) ensureBuilt(log);

// Which SIMD paths the addon has (the parent loads it only to ask).
let isaAvailable = [];
let bestIsa = null;
let nativeError = null;
try {
  const addon = createRequire(import.meta.url)('node-gyp-build')(ROOT);
  isaAvailable = [...addon.isaAvailable];
  bestIsa = addon.isa;
} catch (e) {
  nativeError = String(e.message).split('\n')[0];
}

const wanted = opts.targets ?? ['native', ...PEERS];
const jobs = [];
if (wanted.includes('native')) {
  if (bestIsa) {
    for (const isa of [bestIsa, ...isaAvailable.filter((i) => i !== bestIsa)]) jobs.push({ target: 'native', isa });
  }
}
for (const p of PEERS) if (wanted.includes(p)) jobs.push({ target: p });

const tmp = join(tmpdir(), `nodegrad-bench-${process.pid}`);
mkdirSync(tmp, { recursive: true });
const children = [];
if (wanted.includes('native') && !bestIsa) children.push({ target: 'native', error: `the addon did not load: ${nativeError}`, figures: [] });
for (const [i, job] of jobs.entries()) {
  const out = join(tmp, `${i}.json`);
  const spec = {
    target: job.target,
    quick: opts.quick,
    filter: opts.filter,
    threads: opts.threads,
    multiThreads: opts.threads,
    out,
    bestIsa,
    families: FAMILIES.map((f) => f.family),
  };
  const env = { ...process.env };
  if (job.isa) env.NODEGRAD_SIMD = job.isa;
  else delete env.NODEGRAD_SIMD;
  const t0 = Date.now();
  log(`bench: ${job.target}${job.isa ? `/${job.isa}` : ''}`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'lib', 'child.mjs'), JSON.stringify(spec)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
    maxBuffer: 1 << 20,
  });
  let res;
  try {
    res = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    res = { target: job.target, isa: job.isa, figures: [] };
  }
  if (r.status !== 0) res.error = `${res.error ? res.error + '; ' : ''}process exited with ${r.status ?? r.signal}`;
  children.push(res);
  log(`bench: ${job.target}${job.isa ? `/${job.isa}` : ''} done in ${((Date.now() - t0) / 1e3).toFixed(0)} s`);
}
rmSync(tmp, { recursive: true, force: true });

const caseById = new Map();
for (const fam of FAMILIES) for (const c of fam.cases({ threads: opts.threads })) caseById.set(c.id, c);
const a = analyze(children, FAMILIES, caseById, bestIsa);
const machine = { ...machineInfo(isaAvailable), loadAverage: { start: loadAtStart, end: loadavg()[0] } };
const now = new Date();
const doc = {
  schema: 1,
  date: now.toISOString(),
  seconds: (Date.now() - started) / 1e3,
  machine,
  versions: { ...versions(), ...Object.assign({}, ...children.map((c) => c.versions ?? {})) },
  options: { quick: opts.quick, filter: opts.filter, targets: wanted },
  threads: { single: 1, multi: opts.threads, threadControl: children.find((c) => c.isa === bestIsa)?.threadControl ?? false },
  peers: PEERS,
  mainTarget: a.mainTarget,
  targets: a.targets,
  limits: a.limits,
  children: children.map((c) => ({ target: c.isa ? `${c.target}/${c.isa}` : c.target, error: c.error ?? null, ...(c.gemmBlocking ? { gemmBlocking: c.gemmBlocking } : {}) })),
  figures: a.figures,
};

const resultsDir = join(ROOT, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const jsonFile = opts.out ?? join(resultsDir, `${now.toISOString().slice(0, 10)}-${machine.host}.json`);
writeFileSync(jsonFile, JSON.stringify(doc, null, 2) + '\n');
const full = !opts.quick && !opts.filter && !opts.targets;
const mdFile = opts.md ?? (full ? join(resultsDir, 'latest.md') : null);
if (mdFile) writeMarkdown(doc, FAMILIES, mdFile);
if (opts.updateReadme) {
  if (full) updateReadme(doc, join(ROOT, 'README.md'));
  else log('bench: --update-readme needs a full run (no --quick, --filter or --targets); README left as it is');
}

if (opts.json) process.stdout.write(JSON.stringify(doc) + '\n');
else console.log(textReport(doc, FAMILIES));
log(`bench: ${doc.seconds.toFixed(0)} s; JSON: ${jsonFile}${mdFile ? `; report: ${mdFile}` : ''}`);
