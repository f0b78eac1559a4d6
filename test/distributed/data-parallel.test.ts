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
const reference = (world: number, mode = 'shards', extra = '') => {
  const r = spawnSync(process.execPath, [fixture('dp-reference.mjs'), String(world), mode, extra], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { values: string; state: string; loss: number[]; val_loss?: number[]; val_accuracy?: number[] };
};

describe.skipIf(!haveCollectives)('data-parallel fit', () => {
  it('2 ranks: parameters and optimizer state bitwise equal on both ranks and to the single-process equivalent', async () => {
    const ranks = await runRanks(2, rankScript, ['1']);
    for (const r of ranks) expect(r.code, r.stderr).toBe(0);
    const [a, b] = ranks.map((r) => r.json!);
    // The native plan ran the fit, its allreduce inside the chunk (not the step-by-step fallback).
    expect(a!.background, String(a!.fallback)).toBe(true);
    expect(a!.values).toBe(b!.values);
    expect(a!.state).toBe(b!.state);
    const ref = reference(2);
    expect(a!.values).toBe(ref.values);
    expect(a!.state).toBe(ref.state);
    // Logged losses: each step's loss·rows is rounded to float32 and summed in float32 over ranks
    // (a few 2^-24 relative per step); 1e-6 relative bounds that over an epoch's steps.
    (a!.loss as number[]).forEach((l, i) => expect(Math.abs(l - ref.loss[i]!) / ref.loss[i]!).toBeLessThan(1e-6));
  });

  it('the in-chunk allreduce gives the bits of the step-by-step path (allreduce from TypeScript)', async () => {
    const plan = await runRanks(2, rankScript, ['1']);
    const step = await runRanks(2, rankScript, ['1', '', '', 'step']);
    for (const r of [...plan, ...step]) expect(r.code, r.stderr).toBe(0);
    expect(step[0]!.json!.background).toBe(false);
    expect(plan[0]!.json!.background).toBe(true);
    expect(plan[0]!.json!.values).toBe(step[0]!.json!.values);
    expect(plan[1]!.json!.state).toBe(step[1]!.json!.state);
    // Both log the loss summed over ranks in float32 the same way (DataParallel.reduceLoss and the chunk's tail).
    expect(plan[0]!.json!.loss).toEqual(step[0]!.json!.loss);
  });

  it('regularisers, BatchNorm1d without running statistics and Dropout: the plan gives the bits of the step path', async () => {
    const plan = await runRanks(2, rankScript, ['1', '', '', 'norm']);
    const step = await runRanks(2, rankScript, ['1', '', '', 'step,norm']);
    for (const r of [...plan, ...step]) expect(r.code, r.stderr).toBe(0);
    expect(step[0]!.json!.background).toBe(false);
    expect(plan[0]!.json!.background, String(plan[0]!.json!.fallback)).toBe(true);
    for (const rank of [0, 1]) {
      expect(plan[rank]!.json!.values).toBe(step[rank]!.json!.values);
      expect(plan[rank]!.json!.state).toBe(step[rank]!.json!.state);
      expect(plan[rank]!.json!.loss).toEqual(step[rank]!.json!.loss);
      expect(plan[rank]!.json!.regularization).toEqual(step[rank]!.json!.regularization);
    }
    expect(plan[0]!.json!.values).toBe(plan[1]!.json!.values);
    expect((plan[0]!.json!.regularization as number[]).every((r) => r > 0)).toBe(true);
  });

  it('Concat with an Embedding (and its kernelRegularizer): the plan gives the bits of the step path', async () => {
    const plan = await runRanks(2, rankScript, ['1', '', '', 'emb']);
    const step = await runRanks(2, rankScript, ['1', '', '', 'step,emb']);
    for (const r of [...plan, ...step]) expect(r.code, r.stderr).toBe(0);
    expect(step[0]!.json!.background).toBe(false);
    expect(plan[0]!.json!.background, String(plan[0]!.json!.fallback)).toBe(true);
    for (const rank of [0, 1]) {
      expect(plan[rank]!.json!.values).toBe(step[rank]!.json!.values);
      expect(plan[rank]!.json!.state).toBe(step[rank]!.json!.state);
      expect(plan[rank]!.json!.loss).toEqual(step[rank]!.json!.loss);
      expect(plan[rank]!.json!.regularization).toEqual(step[rank]!.json!.regularization);
    }
    expect(plan[0]!.json!.values).toBe(plan[1]!.json!.values);
  });

  it('an index made bad during the fit: that rank raises the RangeError, no rank waits for the timeout', async () => {
    const t0 = Date.now();
    const ranks = await runRanks(2, rankScript, ['1', '', 'badindex', 'emb']);
    // The ranks' timeout is 30 s: both ended well before it (the bad rank sent its abort in the step's allreduce).
    expect(Date.now() - t0).toBeLessThan(20_000);
    for (const r of ranks) expect(r.code).not.toBe(0);
    expect(ranks[0]!.stderr).toMatch(/RangeError: Concat\.forward: x\[0, 0\] must be an integer index in \[0, 4\) for branch 0 \(Embedding\(4, 3\)\), got 9/);
    // Rank 1 (callbacks run on rank 0 only): its chunk stopped at the same step, agreed in the allreduce.
    expect(ranks[1]!.stderr).toMatch(/Error: fit: another rank met an index its Embedding cannot look up at epoch 2, batch 1 of 5/);
  });

  it.each(['plan', 'step'])('with regularisers, validation over 2 ranks (%s path) includes the penalty, as model.evaluate does', async (path) => {
    const ranks = await runRanks(2, rankScript, ['1', '', '', path === 'step' ? 'step,norm,val' : 'norm,val']);
    for (const r of ranks) expect(r.code, r.stderr).toBe(0);
    for (const r of ranks) {
      expect(r.json!.background, String(r.json!.fallback)).toBe(path === 'plan');
      const ev = r.json!.evaluated as { loss: number; regularization: number };
      expect(ev.regularization).toBeGreaterThan(0);
      expect((r.json!.val_loss as number[]).at(-1)).toBe(ev.loss);
      expect(r.json!.distEvaluated).toEqual(ev);
    }
  });

  // Each rank evaluates a block of the validation batches; the per-batch
  // values are gathered as raw bytes and summed in batch order on every rank,
  // as one process sums them: the same bits as a full single-process
  // evaluate (batch 256) of the same parameters, on both paths.
  it.each([
    [2, 'plan'],
    [3, 'plan'],
    [2, 'step'],
  ])('validation over %i ranks (%s path) equals the single-process evaluation bit for bit', async (world, path) => {
    const ranks = await runRanks(world, rankScript, ['1', '', '', path === 'step' ? 'step,val' : 'val']);
    for (const r of ranks) expect(r.code, r.stderr).toBe(0);
    for (const r of ranks) {
      // The last epoch's validation ran on the final parameters: a full evaluate of them, on this rank.
      const ev = r.json!.evaluated as { loss: number; accuracy: number };
      expect((r.json!.val_loss as number[]).at(-1)).toBe(ev.loss);
      expect((r.json!.val_accuracy as number[]).at(-1)).toBe(ev.accuracy);
      // distributed.evaluate (each rank its block, gathered): model.evaluate's numbers, bit for bit.
      expect(r.json!.distEvaluated).toEqual(ev);
      expect(r.json!.val_loss).toEqual(ranks[0]!.json!.val_loss);
    }
    if (world === 2) {
      // Every epoch against the single-process equivalent (its (g0 + g1) / 2 is the ring's order for 2 ranks).
      const ref = reference(world, 'shards', 'val');
      expect(ranks[0]!.json!.values).toBe(ref.values);
      expect(ranks[0]!.json!.val_loss).toEqual(ref.val_loss);
      expect(ranks[0]!.json!.val_accuracy).toEqual(ref.val_accuracy);
      expect(ref.val_loss).toHaveLength(3);
    }
  });

  it('a model with running statistics: step by step, its buffers and its validation the same on every rank', async () => {
    const ranks = await runRanks(2, rankScript, ['1', '', '', 'val,buffers']);
    for (const r of ranks) expect(r.code, r.stderr).toBe(0);
    const [a, b] = ranks.map((r) => r.json!);
    expect(a!.background).toBe(false);
    expect(a!.fallback).toMatch(/buffers/);
    expect(a!.values).toBe(b!.values);
    // Rank 0's running statistics are broadcast before validation and at the end.
    expect(a!.buffers).toBe(b!.buffers);
    expect(a!.val_loss).toEqual(b!.val_loss);
    expect((a!.val_loss as number[]).at(-1)).toBe((a!.evaluated as { loss: number }).loss);
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

  // Faults while the survivor is inside a chunk's allreduce (the plan's worker thread).
  it('a rank killed mid-chunk makes the other reject within the timeout, naming it', async () => {
    const ranks = await runRanks(2, fixture('dp-fault.mjs'), ['kill']);
    expect(ranks[1]!.code).toBe(null); // SIGKILL
    const r0 = ranks[0]!.json!;
    expect(r0.error).toMatch(/allReduce on rank 0 failed: lost rank 1 \(pid \d+\)/);
    expect(r0.usable).toBe(true);
    // From the kill: the peer's sockets close at once; slack for a loaded machine.
    expect(r0.ms as number).toBeLessThan(10_000);
  });

  it('a stalled rank makes the in-chunk allreduce time out, not hang', async () => {
    const ranks = await runRanks(2, fixture('dp-fault.mjs'), ['stall']);
    const r0 = ranks[0]!.json!;
    expect(r0.error).toMatch(/allReduce on rank 0 failed: .*[Tt]imed out/);
    expect(r0.usable).toBe(true);
    // The stall lasts 3x the 1.5 s timeout; rank 0 gives up after the timeout, long before the stall ends.
    expect(r0.ms as number).toBeLessThan(4 * 1500 + 10_000);
  });
});
