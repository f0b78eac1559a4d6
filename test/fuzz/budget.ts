// How many cases the fuzz suites generate, and where they report the count.
// NODEGRAD_FUZZ_CASES sets the total for test/fuzz/kernels.test.ts (default
// 100 000, what one CI run must reach); the other fuzz files add their own.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KERNEL_CASES = Number(process.env.NODEGRAD_FUZZ_CASES ?? 100_000);

/** Writes `.test-results/fuzz/<suite>.count` (summed by scripts/test.mjs) and prints it. */
export function reportCount(suite: string, cases: number): void {
  const dir = join(new URL('../..', import.meta.url).pathname, '.test-results', 'fuzz');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${suite}.count`), `${cases}\n`);
  console.log(`fuzz ${suite}: ${cases} generated cases`);
}
