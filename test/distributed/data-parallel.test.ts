// Data-parallel fit over Gloo: every rank ends with the same bits, equal to
// the single-process equivalent; independent of the thread count; world size
// 1 equals plain fit; a killed rank fails the others within the timeout.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, haveCollectives, runRanks } from './helpers.js';

const rankScript = fixture('dp-fit.mjs');
const reference = (world: number, mode = 'shards') => {
  const r = spawnSync(process.execPath, [fixture('dp-reference.mjs'), String(world), mode], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { values: string; state: string; loss: number[] };
};

describe.skipIf(!haveCollectives)('data-parallel fit', () => {
  it('2 ranks: parameters and optimizer state bitwise equal on both ranks and to the single-process equivalent', async () => {
    const ranks = await runRanks(2, rankScript, ['1']);
    for (const r of ranks) expect(r.code, r.stderr).toBe(0);
    const [a, b] = ranks.map((r) => r.json!);
    expect(a!.values).toBe(b!.values);
    expect(a!.state).toBe(b!.state);
    const ref = reference(2);
    expect(a!.values).toBe(ref.values);
    expect(a!.state).toBe(ref.state);
    // Logged losses: each step's loss·rows is rounded to float32 and summed in float32 over ranks
    // (a few 2^-24 relative per step); 1e-6 relative bounds that over an epoch's steps.
    (a!.loss as number[]).forEach((l, i) => expect(Math.abs(l - ref.loss[i]!) / ref.loss[i]!).toBeLessThan(1e-6));
  });

  it("rank 0's stop (callbacks run there only) stops every rank at the same step", async () => {
    const ranks = await runRanks(2, rankScript, ['1', '', 'stop']);
    for (const r of ranks) expect(r.code, r.stderr).toBe(0);
    for (const r of ranks) expect(r.json).toMatchObject({ epochs: 2, stopReason: 'stopped' });
    expect(ranks[0]!.json!.values).toBe(ranks[1]!.json!.values);
    expect(ranks[0]!.json!.state).toBe(ranks[1]!.json!.state);
  });

  it('save() writes on rank 0 only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodegrad-dp-save-'));
    try {
      const ranks = await runRanks(2, rankScript, ['1', dir]);
      for (const r of ranks) expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(dir, 'rank0', 'model.json'))).toBe(true);
      expect(existsSync(join(dir, 'rank1'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the result does not depend on the thread count', async () => {
    const one = await runRanks(2, rankScript, ['1']);
    const two = await runRanks(2, rankScript, ['2']);
    expect(two[0]!.json!.values).toBe(one[0]!.json!.values);
    expect(two[1]!.json!.state).toBe(one[1]!.json!.state);
  });

  it('3 ranks: every rank holds the same bits', async () => {
    const ranks = await runRanks(3, rankScript, ['1']);
    for (const r of ranks) expect(r.code, r.stderr).toBe(0);
    expect(new Set(ranks.map((r) => r.json!.values)).size).toBe(1);
    expect(new Set(ranks.map((r) => r.json!.state)).size).toBe(1);
  });

  it('world size 1 equals plain fit', async () => {
    const ranks = await runRanks(1, rankScript, ['1']);
    expect(ranks[0]!.code, ranks[0]!.stderr).toBe(0);
    const plain = reference(1, 'plain');
    expect(ranks[0]!.json!.values).toBe(plain.values);
    expect(ranks[0]!.json!.state).toBe(plain.state);
    expect(ranks[0]!.json!.loss).toEqual(plain.loss);
  });

  it('a killed rank makes the others reject within the timeout, naming it', async () => {
    const ranks = await runRanks(2, fixture('dp-kill.mjs'), []);
    expect(ranks[1]!.code).toBe(9);
    const r0 = ranks[0]!.json!;
    expect(r0.error).toMatch(/on rank 0 failed: lost rank 1 \(pid \d+\)/);
    expect(r0.ms as number).toBeLessThan(10_000);
  });
});
