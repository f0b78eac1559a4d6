// The formats model.save() writes and Sequential.load() reads besides
// nodegrad's own: the dispatch kept in one small place, so the model class
// only forwards `format` here.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sequential } from '../model/sequential.js';
import { exportOnnx } from './onnx.js';
import { exportTfjs, TFJS_MODEL_FILE } from './tfjs-format.js';
import { isTfjsModelJson } from './tfjs-import.js';

export const SAVE_FORMATS = ['nodegrad', 'tfjs', 'onnx'] as const;
export type SaveFormat = (typeof SAVE_FORMATS)[number];

export interface ExportOptions {
  /** tfjs and onnx: append a softmax, so the exported model outputs probabilities rather than logits (default false). */
  softmax?: boolean;
}

/** Checks a save() format option; returns it ('nodegrad' when undefined). */
export function saveFormat(format: unknown): SaveFormat {
  if (format === undefined) return 'nodegrad';
  if (typeof format !== 'string' || !(SAVE_FORMATS as readonly string[]).includes(format)) {
    throw new TypeError(`save: options.format must be one of ${SAVE_FORMATS.map((f) => `'${f}'`).join(', ')}, got ${JSON.stringify(format)}`);
  }
  return format as SaveFormat;
}

/**
 * save() for format 'tfjs' (path: a directory) or 'onnx' (path: a file):
 * the export's promise; null for 'nodegrad' (the caller saves its own
 * format); a rejected promise for an unknown format. Exports keep the
 * architecture and weights, never the optimizer state.
 */
export function exportIfAsked(model: Sequential, path: string, options: ExportOptions & { format?: unknown }): Promise<void> | null {
  let format: SaveFormat;
  try {
    format = saveFormat(options?.format);
  } catch (e) {
    return Promise.reject(e);
  }
  if (format === 'nodegrad') return null;
  const opts = options.softmax === undefined ? {} : { softmax: options.softmax };
  return format === 'tfjs' ? exportTfjs(model, path, opts) : exportOnnx(model, path, opts);
}

/** The parsed model.json in `dir` when it is a TF.js Layers one, else null (nodegrad's own, or unreadable: its loader reports that). */
export async function tfjsModelJsonIn(dir: string): Promise<unknown> {
  if (typeof dir !== 'string' || dir === '') return null;
  let json: unknown;
  try {
    json = JSON.parse((await readFile(join(dir, TFJS_MODEL_FILE))).toString('utf8'));
  } catch {
    return null;
  }
  return isTfjsModelJson(json) ? json : null;
}
