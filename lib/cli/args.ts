// Flag parsing shared by the subcommands: node:util parseArgs plus value
// checks. Every problem becomes a UsageError (one line, exit code 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(args: string[], options: Options, allowPositionals = false): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: joinNegativeValues(args, options), allowPositionals, options, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    // parseArgs messages are multi-line for unknown options; keep the first line.
    throw new UsageError(String((e as Error).message).split('\n')[0]!);
  }
}

/**
 * `--epochs -1` as `--epochs=-1`: parseArgs takes a value that starts with
 * "-" for an option and calls it ambiguous; a negative number is a value,
 * so it then gets the flag's own range message.
 */
function joinNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--([^=]+)$/.exec(a);
    const next = args[i + 1];
    if (m && options[m[1]!]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity|inf)/i.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function intFlag(name: string, v: string | boolean | undefined, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\s*-?\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}], got ${JSON.stringify(v)}`);
  }
  return n;
}

export function numberFlag(name: string, v: string | boolean | undefined, fallback: number | undefined, check: (n: number) => boolean, expected: string): number | undefined {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${expected}, got ${JSON.stringify(v)}`);
  return n;
}

export function choiceFlag<T extends string>(name: string, v: string | boolean | undefined, fallback: T, choices: readonly T[]): T {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !choices.includes(v as T)) throw new UsageError(`--${name} must be one of ${choices.join('|')}, got ${JSON.stringify(v)}`);
  return v as T;
}

export function listFlag(name: string, v: string | boolean | undefined, fallback: number[]): number[] {
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new UsageError(`--${name} must be a comma-separated list of sizes`);
  if (v.trim() === '') return [];
  return v.split(',').map((s) => intFlag(name, s.trim(), 0, 1, 1 << 20));
}
