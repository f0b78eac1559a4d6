// `npm run bench:tfjs`: tfjs-layers 784-256-128-10 (ReLU, softmax, Adam,
// categorical cross-entropy, batch 128) on the nodegrad backend against
// tfjs-cpu and tfjs-wasm, and nodegrad's own API on the same model, in the
// same run: each round runs every backend once (its own process,
// bench/tfjs/worker.mjs), backends interleaved so load changes hit all of
// them; the figures are medians over rounds of each worker's medians.
// Writes bench/results/tfjs.{json,md}. NODEGRAD_BENCH_ROUNDS (default 3).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const results = join(here, '..', 'results');
const ROUNDS = Number(process.env.NODEGRAD_BENCH_ROUNDS ?? 3);
// [steps per fit, fits]: fewer for the slow backend, enough to amortise fit's per-epoch work.
const PLAN = { nodegrad: [20, 5], wasm: [10, 5], cpu: [5, 3], own: [20, 5] };
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

const load0 = loadavg()[0];
const runs = Object.fromEntries(Object.keys(PLAN).map((b) => [b, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [b, [steps, reps]] of Object.entries(PLAN)) {
    const c = spawnSync(process.execPath, [join(here, 'worker.mjs'), b, String(steps), String(reps)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (c.status !== 0) throw new Error(`bench:tfjs worker ${b} exited ${c.status}`);
    const res = JSON.parse(c.stdout.trim().split('\n').pop());
    runs[b].push(res);
    process.stderr.write(`round ${r + 1}/${ROUNDS} ${b}: fit ${res.fitStepMs.toFixed(2)} ms/step, predict ${res.predictMs.toFixed(2)} ms\n`);
  }
}
const load1 = loadavg()[0];

const fig = {};
for (const [b, rs] of Object.entries(runs)) {
  fig[b] = { fitStepMs: median(rs.map((x) => x.fitStepMs)), predictMs: median(rs.map((x) => x.predictMs)) };
  if (rs[0].profile) {
    const p = rs.map((x) => x.profile);
    fig[b].kernelMsPerStep = median(p.map((x) => x.kernelMsPerStep));
    fig[b].optimizerMsPerStep = median(p.map((x) => x.optimizerMsPerStep));
    fig[b].profiledStepMs = median(p.map((x) => x.profiledStepMs));
    fig[b].kernelCallsPerStep = p[0].kernelCallsPerStep;
    fig[b].top = p[p.length - 1].top;
    fig[b].tensorsLeakedPerFit = Math.max(...rs.map((x) => x.tensorsLeakedPerFit));
  }
}
const ng = fig.nodegrad;
const ratio = (a, b) => `${(a / b).toFixed(1)}×`;
const backendWork = (f) => f.kernelMsPerStep + f.optimizerMsPerStep;
const lines = [
  '# nodegrad as a TensorFlow.js backend',
  '',
  `tfjs-layers 784-256-128-10 (ReLU, softmax), Adam(1e-3), categoricalCrossentropy, batch 128, \`model.fit\` ms per step and \`predict\` of 1024 rows; tfjs-core ${(await import('@tensorflow/tfjs-core')).version_core}. One thread each (tfjs-cpu and tfjs-wasm are single-threaded in Node; nodegrad set to 1). Medians of ${ROUNDS} rounds, backends interleaved, each in its own process. ${cpus().length} cores shared with other jobs: load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end.`,
  '',
  '| backend | fit ms/step | nodegrad vs it (fit) | predict 1024 ms | nodegrad vs it (predict) |',
  '|---|---|---|---|---|',
  ...['nodegrad', 'wasm', 'cpu'].map((b) => `| tfjs ${b} | ${fig[b].fitStepMs.toFixed(2)} | ${b === 'nodegrad' ? '1×' : ratio(fig[b].fitStepMs, ng.fitStepMs)} | ${fig[b].predictMs.toFixed(2)} | ${b === 'nodegrad' ? '1×' : ratio(fig[b].predictMs, ng.predictMs)} |`),
  `| nodegrad's own API | ${fig.own.fitStepMs.toFixed(2)} | ${ratio(fig.own.fitStepMs, ng.fitStepMs)} | ${fig.own.predictMs.toFixed(2)} | ${ratio(fig.own.predictMs, ng.predictMs)} |`,
  '',
  "Where a tfjs step's time goes (one fit under tfjs's profiler, `tf.profile`, which adds its own bookkeeping to the step; kernels = the profiler's kernel times; optimizer = `applyGradients`, which on nodegrad is native steps, not kernels; rest = the profiled step minus both: tfjs's engine, tape, layers and the profiler):",
  '',
  '| backend | profiled step | kernels | optimizer | kernels + optimizer | rest (engine) | kernel calls/step |',
  '|---|---|---|---|---|---|---|',
  ...['nodegrad', 'wasm', 'cpu'].map((b) => {
    const f = fig[b];
    return `| tfjs ${b} | ${f.profiledStepMs.toFixed(2)} | ${f.kernelMsPerStep.toFixed(2)} | ${f.optimizerMsPerStep.toFixed(2)} | ${backendWork(f).toFixed(2)} | ${(f.profiledStepMs - backendWork(f)).toFixed(2)} | ${f.kernelCallsPerStep.toFixed(0)} |`;
  }),
  `| nodegrad's own API (unprofiled step) | ${fig.own.fitStepMs.toFixed(2)} | | | | | |`,
  '',
  `Targets: fit ≥ 10× wasm: ${ratio(fig.wasm.fitStepMs, ng.fitStepMs)}; fit ≥ 40× cpu: ${ratio(fig.cpu.fitStepMs, ng.fitStepMs)}; predict ≥ 5× wasm: ${ratio(fig.wasm.predictMs, ng.predictMs)}; nodegrad's kernels + optimizer ≤ its own API's step: ${backendWork(ng).toFixed(2)} ms vs ${fig.own.fitStepMs.toFixed(2)} ms.`,
  '',
  'Slowest kernels per step on nodegrad (tfjs profiler):',
  '',
  '| kernel | ms/step | calls/step |',
  '|---|---|---|',
  ...ng.top.map((k) => `| ${k.name} | ${k.msPerStep.toFixed(3)} | ${k.callsPerStep.toFixed(0)} |`),
  '',
  `Tensors left after a fit (tf.memory().numTensors, every backend): ${Math.max(...['nodegrad', 'wasm', 'cpu'].map((b) => fig[b].tensorsLeakedPerFit))}.`,
  '',
];
writeFileSync(join(results, 'tfjs.json'), JSON.stringify({ date: new Date().toISOString(), load: [load0, load1], rounds: ROUNDS, figures: fig, runs }, null, 2) + '\n');
writeFileSync(join(results, 'tfjs.md'), lines.join('\n'));
process.stdout.write(lines.join('\n'));
