#!/usr/bin/env node
// The `nodegrad` command: subcommands train (the main job), demo and
// kernels. Usage problems print one line and exit with code 2.
import { DataError } from './io/csv.js';
import { UsageError } from './cli/args.js';
import { demo } from './cli/demo.js';
import { exportCommand } from './cli/export.js';
import { runKernelsDemo } from './cli/kernels-demo.js';
import { train } from './cli/train.js';

const HELP = `Usage: nodegrad <command> [options]

Commands:
  train            train an MLP on the MNIST digits or a CSV file (see: nodegrad train --help)
  demo vanishing   sigmoid vs ReLU in a deep, narrow network: per-layer gradient norms
  kernels          every activation forward and backward, native vs reference: throughput and largest disagreement
  export           a saved model as TensorFlow.js Layers or ONNX (see: nodegrad export --help)

Run \`nodegrad <command> --help\` for a command's options.
`;

const out = (s: string): void => void process.stdout.write(s.endsWith('\n') ? s : s + '\n');

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        await train(rest, out);
        return 0;
      case 'demo':
        await demo(rest, out);
        return 0;
      case 'kernels':
        return await runKernelsDemo(rest);
      case 'export':
        await exportCommand(rest, out);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        out(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)} (commands: train, demo, kernels, export; see nodegrad --help)`);
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
