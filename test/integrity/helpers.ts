// Snapshots for "nothing changed": every file of a directory with its bytes,
// and every byte of a model's parameters, gradients and optimizer state.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sequential } from '../../lib/index.js';

const dirs: string[] = [];
export function tmp(prefix = 'nodegrad-integrity-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export function cleanTmp(): void {
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
}

/** name → hex of the bytes (directories as 'dir'), sorted by name. */
export function dirSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    out[n] = statSync(p).isDirectory() ? 'dir' : readFileSync(p).toString('hex');
  }
  return out;
}

/** Every byte of the model's values and gradients and of its optimizer's state dict. */
export function modelState(m: Sequential): string {
  const hex = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
  return JSON.stringify({ values: hex(m.values), grads: hex(m.grads), optimizer: m.optimizer ? m.optimizer.stateDict() : null });
}

/** Parsed JSON, loosely typed on purpose: the tests edit files the way a hand would. */
export type Json = ReturnType<typeof JSON.parse>;
export function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8'));
}
