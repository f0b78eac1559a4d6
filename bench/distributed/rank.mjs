// One rank of the data-parallel benchmark (bench/distributed/run.mjs):
// `fit` throughput of a model on one of the two paths ('plan': the native
// plan, its allreduce inside the chunk; 'step': step by step with the
// allreduce from TypeScript, what a distributed fit ran before), or allreduce
// time against the buffer size.
// Prints one JSON line.
import { Dense, Sequential, Tensor, distributed, setThreads } from '../../dist/index.js';

const [what, arg] = process.argv.slice(2);
setThreads(1);
const group = await distributed.init({ timeout: 60000 });
const now = () => Number(process.hrtime.bigint()) / 1e9;
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

if (what === 'fit') {
  const widths = arg.split('-').map(Number);
  const batch = 128; // per rank
  const steps = 30;
  const rows = batch * steps * group.worldSize;
  const layers = [];
  for (let i = 0; i + 1 < widths.length; i++) layers.push(new Dense(widths[i], widths[i + 1], i + 2 < widths.length ? { activation: 'relu' } : {}));
  const model = new Sequential(layers, { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy' });
  const x = Tensor.randn([rows, widths[0]], { seed: 2 });
  const y = Tensor.from(Array.from({ length: rows }, (_, i) => i % widths[widths.length - 1]), [rows]);
  // Both paths in the same processes, interleaved, so that both see the same machine load.
  const paths = ['step', 'plan'];
  const opts = (path) => ({ epochs: 1, batchSize: batch, seed: 3, verbose: 0, distributed: group, background: path === 'plan' });
  const times = { step: [], plan: [] };
  for (const path of paths) {
    const h = await model.fit(x, y, opts(path)); // warm-up
    if (h.background !== (path === 'plan')) throw new Error(`expected the ${path} path, got background ${h.background} (${h.fallback})`);
  }
  for (let r = 0; r < 7; r++) {
    for (const path of paths) {
      await group.barrier();
      const t = now();
      await model.fit(x, y, opts(path));
      times[path].push(now() - t);
    }
  }
  const out = { rank: group.rank };
  for (const path of paths) {
    const s = median(times[path]);
    out[path] = { samplesPerSecond: rows / s, stepMs: (s / steps) * 1e3 };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
} else if (what === 'allreduce') {
  const out = {};
  for (const n of [1e3, 1e4, 1e5, 1e6, 4e6]) {
    const a = new Float32Array(n).fill(1);
    const reps = n >= 1e6 ? 10 : 50;
    await group.allReduce(a);
    const times = [];
    for (let r = 0; r < reps; r++) {
      await group.barrier();
      const t = now();
      await group.allReduce(a);
      times.push(now() - t);
    }
    out[n] = median(times) * 1e3;
  }
  process.stdout.write(JSON.stringify({ rank: group.rank, allreduceMs: out }) + '\n');
}
await group.close();
