#!/usr/bin/env node
// The nodegrad command line. Each subcommand lives in lib/cli/; with no
// subcommand the kernels demo runs (until the training CLI exists).
import { runKernelsDemo } from './cli/kernels-demo.js';

interface Command {
  summary: string;
  run(args: string[]): Promise<number> | number;
}

const commands: Record<string, Command> = {
  kernels: {
    summary: 'run every activation forward and backward natively and through the reference; print throughput and the largest disagreement',
    run: runKernelsDemo,
  },
};
const DEFAULT_COMMAND = 'kernels';

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: nodegrad [command] [options]\n\ncommands:\n${lines.join('\n')}\n\nWith no command, runs \`${DEFAULT_COMMAND}\`.`;
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '-h' || first === '--help' || first === 'help') {
    console.log(usage());
    return 0;
  }
  if (first === undefined || first.startsWith('-')) return commands[DEFAULT_COMMAND]!.run(argv);
  const command = commands[first];
  if (!command) {
    console.error(`nodegrad: unknown command '${first}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  },
);
