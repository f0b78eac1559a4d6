// Command-line options of `npm run bench`.
import { availableParallelism } from 'node:os';

export const USAGE = `usage: npm run bench -- [options]
  --quick          a ~30 s subset (a few kernels, GEMM 256/1024, Adam 1e6, W4 b128, W5)
  --filter REGEX   only cases whose id matches (ids: activations/relu/1e6,
                   gemm/nt/512/t2, optim/adamStep/1e7, training/W4/b128, ...)
  --threads N      thread count for multi-threaded figures (default: all CPUs, ${availableParallelism()})
  --json           print the result document as JSON on stdout instead of the table
  --out FILE       write the JSON there (default bench/results/<date>-<host>.json)
  --md FILE        write the markdown report there (default: bench/results/latest.md,
                   full runs only)
  --targets LIST   comma-separated subset of native,reference,tfjs-cpu,tfjs-wasm,openblas
  --update-readme  copy the headline table of a full run into README.md
  --no-build       never build dist/ or the addon, even when missing or stale`;

export function parseArgs(argv) {
  const o = { quick: false, filter: null, threads: availableParallelism(), json: false, out: null, md: null, targets: null, build: true, updateReadme: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = true;
    else if (a === '--no-build') o.build = false;
    else if (a === '--update-readme') o.updateReadme = true;
    else if (a === '--filter') {
      o.filter = val();
      new RegExp(o.filter); // throws on a bad pattern, before any work
    } else if (a === '--threads') {
      o.threads = Number(val());
      if (!Number.isInteger(o.threads) || o.threads < 1 || o.threads > 1024) throw new Error(`--threads must be an integer in [1, 1024]\n${USAGE}`);
    } else if (a === '--out') o.out = val();
    else if (a === '--md') o.md = val();
    else if (a === '--targets') {
      o.targets = val().split(',');
      for (const t of o.targets) {
        if (!['native', 'reference', 'tfjs-cpu', 'tfjs-wasm', 'openblas'].includes(t)) throw new Error(`unknown target ${t}\n${USAGE}`);
      }
    } else if (a === '--help' || a === '-h') o.help = true;
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return o;
}
