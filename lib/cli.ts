#!/usr/bin/env node
// The `nodegrad` command: subcommands train (the main job), predict,
// evaluate, demo and kernels. Usage problems print one line and exit with
// code 2; output cut short by a closed pipe (`| head`) ends quietly.
import { readFileSync } from 'node:fs';
import { DataError } from './io/csv.js';
import { UsageError } from './cli/args.js';
import { demo } from './cli/demo.js';
import { exportCommand } from './cli/export.js';
import { runKernelsDemo } from './cli/kernels-demo.js';
import { evaluateCommand, predictCommand } from './cli/predict.js';
import { runLaunch } from './cli/launch.js';
import { train } from './cli/train.js';
import { wrapLine } from './cli/wrap.js';

const HELP = `Usage: nodegrad <command> [options]

Commands:
  train            train an MLP on the MNIST digits or a CSV file
  predict          a saved model's class and probabilities for CSV rows
  evaluate         a saved model's loss and accuracy on labelled CSV rows
  demo vanishing   sigmoid vs ReLU in a deep, narrow network: gradients
  launch           start N ranks of a training script (data-parallel)
  kernels          activation kernels, native vs reference: speed, accuracy
  export           a saved model as TensorFlow.js Layers or ONNX

Run \`nodegrad <command> --help\` for a command's options;
\`nodegrad --version\` prints the version.
`;

// A reader that went away (`nodegrad ... | head`) is not an error: stop quietly.
function quietOnEpipe(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
}
process.stdout.on('error', quietOnEpipe);

const out = (s: string): void => {
  const text = s.endsWith('\n') ? s.slice(0, -1) : s;
  // On a terminal, lines fit its width; piped output stays exactly as written.
  const cols = process.stdout.isTTY ? process.stdout.columns : undefined;
  process.stdout.write((cols ? text.split('\n').map((l) => wrapLine(l, cols - 1)).join('\n') : text) + '\n');
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        await train(rest, out);
        return 0;
      case 'predict':
        await predictCommand(rest, out);
        return 0;
      case 'evaluate':
        await evaluateCommand(rest, out);
        return 0;
      case 'demo':
        await demo(rest, out);
        return 0;
      case 'kernels':
        return runKernelsDemo(rest);
      case 'export':
        await exportCommand(rest, out);
        return 0;
      case '--version':
      case '-v':
      case 'version':
        out(version());
        return 0;
      case 'launch':
        return await runLaunch(rest, out);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        out(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)} (commands: train, predict, evaluate, demo, kernels, launch, export; see nodegrad --help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof DataError) {
      process.stderr.write(`nodegrad: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`nodegrad: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
