// Smoke test of the benchmark runner (bench/run.mjs): one kernel, quick mode,
// JSON out. Checks that the runner works end to end and that its output has
// the documented structure. It asserts no time: figures are only checked to
// be positive and ordered (min <= median <= max).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

interface Result {
  status: 'ok' | 'unavailable' | 'skipped' | 'error';
  reason?: string;
  median?: number;
  min?: number;
  max?: number;
  samples?: number;
  fraction?: number;
}
interface Limit {
  best: number;
  median: number;
  samples: number;
}
interface Doc {
  schema: number;
  machine: { cpu: string; logicalCpus: number; simdPaths: string[] };
  versions: Record<string, string | null>;
  threads: { single: number; multi: number };
  mainTarget: string;
  targets: string[];
  limits: Record<string, Record<string, Limit>>;
  children: { target: string; error: string | null }[];
  figures: { id: string; family: string; unit: string; limit: string; results: Record<string, Result> }[];
}

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'nodegrad-bench-test-'));
const out = join(dir, 'result.json');
const md = join(dir, 'report.md');
const id = 'activations/relu/1e6';
const run = spawnSync(process.execPath, [join(root, 'bench', 'run.mjs'), '--quick', '--filter', `^${id}$`, '--json', '--out', out, '--md', md, '--threads', '2'], {
  cwd: root,
  encoding: 'utf8',
  timeout: 110_000,
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench runner (--quick --filter one kernel --json)', () => {
  it('exits 0 and prints one JSON document, the same as the file it writes', () => {
    expect(run.status, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as Doc;
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(doc);
  });

  it('describes the machine, versions and thread counts', () => {
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.schema).toBe(1);
    expect(doc.machine.cpu.length).toBeGreaterThan(0);
    expect(doc.machine.logicalCpus).toBeGreaterThan(0);
    expect(doc.versions.node).toBe(process.version);
    expect(doc.versions.tfjs).toMatch(/^\d+\.\d+\.\d+$/);
    expect(doc.threads).toEqual({ single: 1, multi: 2, threadControl: expect.any(Boolean) });
  });

  it('measures every machine limit on every native SIMD path', () => {
    const doc = JSON.parse(run.stdout) as Doc;
    if (doc.machine.simdPaths.length === 0) return; // no addon: nothing native to measure
    expect(Object.keys(doc.limits).sort()).toEqual([...doc.machine.simdPaths].sort());
    for (const lim of Object.values(doc.limits)) {
      expect(Object.keys(lim).sort()).toEqual(['copy-cache', 'copy-dram', 'copy-l2', 'fma-1', 'fma-N', 'update-16m', 'update-cache', 'update-dram']);
      for (const l of Object.values(lim)) {
        expect(l.best).toBeGreaterThan(0);
        expect(l.best).toBeGreaterThanOrEqual(l.median);
        expect(l.samples).toBeGreaterThanOrEqual(5);
      }
    }
  });

  it('reports exactly the filtered case, for every target, each with a status', () => {
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.figures.map((f) => f.id)).toEqual([id]);
    const fig = doc.figures[0]!;
    expect(fig).toMatchObject({ family: 'activations', unit: 'GB/s', limit: 'copy-cache' });
    expect(Object.keys(fig.results).sort()).toEqual([...doc.targets].sort());
    for (const t of ['reference', 'tfjs-cpu', 'tfjs-wasm']) expect(doc.targets).toContain(t);
    // A child may fail only by not starting (a peer this machine lacks, e.g.
    // numpy not on OpenBLAS): then each figure says so in that target's cell.
    for (const c of doc.children) {
      if (c.error === null) continue;
      expect(c.error).toMatch(/^cannot start: /);
      expect(fig.results[c.target]).toEqual({ status: 'unavailable', reason: c.error });
    }
    for (const t of ['reference', 'tfjs-cpu', 'tfjs-wasm']) expect(doc.children.find((c) => c.target === t)?.error).toBeNull();
  });

  it('gives ordered statistics over enough samples, or a reason', () => {
    const doc = JSON.parse(run.stdout) as Doc;
    const fig = doc.figures[0]!;
    // The reference backend and both tfjs backends implement relu.
    for (const t of ['reference', 'tfjs-cpu', 'tfjs-wasm']) expect(fig.results[t]!.status).toBe('ok');
    for (const [target, r] of Object.entries(fig.results)) {
      if (r.status !== 'ok') {
        expect(r.reason, target).toMatch(/\S/);
        continue;
      }
      expect(r.median, target).toBeGreaterThan(0);
      expect(r.min!, target).toBeLessThanOrEqual(r.median!);
      expect(r.max!, target).toBeGreaterThanOrEqual(r.median!);
      expect(r.samples!, target).toBeGreaterThanOrEqual(target.startsWith('native/') ? 5 : 3);
      if (target.startsWith('native/')) expect(r.fraction, target).toBeGreaterThan(0);
    }
  });

  it('writes the markdown report with its two SVG charts', () => {
    const text = readFileSync(md, 'utf8');
    for (const heading of ['# nodegrad benchmark report', '## Headline', '## Machine limits', '## Charts', '### Activations (GB/s)']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('relu 1e6');
    for (const svg of ['report-gemm.svg', 'report-training.svg']) {
      expect(text).toContain(`](${svg})`);
      expect(existsSync(join(dir, svg))).toBe(true);
      expect(readFileSync(join(dir, svg), 'utf8')).toMatch(/^<svg [^]*<\/svg>$/);
    }
  });

  it('renders the stdout table from the same document', async () => {
    const doc = JSON.parse(run.stdout) as Doc;
    const load = (p: string) => import(pathToFileURL(join(root, 'bench', p)).href) as Promise<Record<string, unknown>>;
    const { textReport } = (await load('lib/report-text.mjs')) as { textReport: (d: Doc, f: unknown) => string };
    const { FAMILIES } = (await load('workloads/index.mjs')) as { FAMILIES: unknown };
    const table = textReport(doc, FAMILIES);
    expect(table).toMatch(/^nodegrad bench — /);
    expect(table).toContain('Machine limits');
    expect(table).toMatch(/\nrelu 1e6 +\S/);
  });
});
