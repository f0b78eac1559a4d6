// `npm run bench:distributed`: data-parallel scaling on this machine.
// Samples/s of a model's fit with 1 and 2 ranks of 1 thread each (batch 128
// per rank), on both paths of a distributed fit in the same run: 'plan' (the
// native plan, the gradient allreduce inside its chunk) and 'step' (step by
// step, the allreduce from TypeScript: what ran before the plan took the
// allreduce); and the allreduce time against the gradient size, 2 ranks on
// 127.0.0.1. Medians of 7 timed fits per path (after a warm-up; the two
// paths interleaved in the same processes) and of 10–50
// allreduces. Writes bench/results/distributed.{json,md}.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const results = join(here, '..', 'results');

function ranks(world, args) {
  const dir = mkdtempSync(join(tmpdir(), 'nodegrad-bench-dist-'));
  return Promise.all(
    Array.from({ length: world }, (_, rank) =>
      new Promise((resolve, reject) => {
        const c = spawn(process.execPath, [join(here, 'rank.mjs'), ...args], {
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { ...process.env, RANK: String(rank), WORLD_SIZE: String(world), NODEGRAD_STORE: `file:${dir}` },
        });
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`rank ${rank} exited ${code}`))));
      }),
    ),
  ).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const load0 = loadavg()[0];
const models = ['784-256-128-10', '1024-1024-1024-10'];
const paths = ['step', 'plan'];
const fit = {};
for (const m of models) {
  fit[m] = {};
  for (const path of paths) fit[m][path] = {};
  for (const world of [1, 2]) {
    const r = await ranks(world, ['fit', m]);
    for (const path of paths) fit[m][path][world] = r[0][path];
  }
}
const ar = (await ranks(2, ['allreduce']))[0].allreduceMs;
const load1 = loadavg()[0];

const lines = [
  '# Data-parallel training: scaling on this machine',
  '',
  `2 ranks of 1 thread each against 1 rank of 1 thread; batch 128 per rank; Adam; 127.0.0.1, file store. Load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end.`,
  '',
  'path: `plan` = the native plan with the allreduce inside its chunk (now); `step` = step by step, allreduce from TypeScript (before).',
  '',
  '| model | path | 1 rank samples/s | 2 ranks samples/s | 2 ranks / 1 rank | step (1 rank) | step (2 ranks) |',
  '|---|---|---|---|---|---|---|',
  ...models.flatMap((m) =>
    paths.map((path) => {
      const a = fit[m][path][1];
      const b = fit[m][path][2];
      return `| ${m} | ${path} | ${a.samplesPerSecond.toFixed(0)} | ${b.samplesPerSecond.toFixed(0)} | ${(b.samplesPerSecond / a.samplesPerSecond).toFixed(2)}× | ${a.stepMs.toFixed(2)} ms | ${b.stepMs.toFixed(2)} ms |`;
    }),
  ),
  '',
  '| model | 2 ranks: plan / step | 1 rank: plan / step |',
  '|---|---|---|',
  ...models.map((m) => {
    const f = fit[m];
    return `| ${m} | ${(f.plan[2].samplesPerSecond / f.step[2].samplesPerSecond).toFixed(2)}× | ${(f.plan[1].samplesPerSecond / f.step[1].samplesPerSecond).toFixed(2)}× |`;
  }),
  '',
  '| gradient size (floats) | allreduce, 2 ranks | GB/s of gradient |',
  '|---|---|---|',
  ...Object.entries(ar).map(([n, ms]) => `| ${Number(n).toExponential(0)} | ${ms.toFixed(3)} ms | ${((Number(n) * 4) / (ms * 1e6)).toFixed(2)} |`),
  '',
];
writeFileSync(join(results, 'distributed.json'), JSON.stringify({ load: [load0, load1], fit, allreduceMs: ar }, null, 2) + '\n');
writeFileSync(join(results, 'distributed.md'), lines.join('\n'));
process.stdout.write(lines.join('\n'));
