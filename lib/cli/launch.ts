// `nodegrad launch --nproc N [--store S] [--no-prefix] [--] command args…`
import { launch } from '../distributed/launch.js';
import { UsageError, intFlag } from './args.js';

export const LAUNCH_HELP = `Usage: nodegrad launch --nproc N [--store S] [--no-prefix] [--] command [args...]

Starts N processes of one command on this machine for data-parallel training
(like torchrun). Each gets RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE and
NODEGRAD_STORE, which distributed.init() reads. Output lines are prefixed
with "[rank N] ". The first rank that exits non-zero stops the others (SIGTERM,
then SIGKILL after 5 s) and its status is the launcher's; SIGINT and SIGTERM
are forwarded to every rank.

Options:
  --nproc N      number of processes (required)
  --store S      rendezvous: file:DIR, tcp://HOST:PORT or redis://HOST:PORT
                 (default: a file store in a fresh temporary directory)
  --no-prefix    pass output through unprefixed
  -h, --help     this help

Example: nodegrad launch --nproc 2 -- node train.mjs --epochs 5
`;

export async function runLaunch(argv: string[], out: (s: string) => void): Promise<number> {
  // Launcher flags come first; everything from the first non-flag (or after
  // "--") is the command, whose own flags are not ours to parse.
  let nproc: string | undefined;
  let store: string | undefined;
  let prefix = true;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-')) break;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '-h' || name === '--help') {
      out(LAUNCH_HELP);
      return 0;
    } else if (name === '--nproc') nproc = value();
    else if (name === '--store') store = value();
    else if (name === '--no-prefix') prefix = false;
    else throw new UsageError(`unknown launch option ${JSON.stringify(name)} (see nodegrad launch --help)`);
  }
  const command = argv.slice(i);
  if (nproc === undefined) throw new UsageError('launch: --nproc N is required (see nodegrad launch --help)');
  const n = intFlag('nproc', nproc, 1, 1, 1024);
  if (command.length === 0) throw new UsageError('launch: no command given (e.g. nodegrad launch --nproc 2 -- node train.mjs)');
  if (store !== undefined && !/^(file:.+|tcp:\/\/.+:\d{1,5}|redis:\/\/.+:\d{1,5})$/.test(store)) {
    throw new UsageError(`--store must be file:DIR, tcp://HOST:PORT or redis://HOST:PORT, got ${JSON.stringify(store)}`);
  }
  const opts: Parameters<typeof launch>[0] = { nproc: n, command, prefix };
  if (store !== undefined) opts.store = store;
  return launch(opts);
}
