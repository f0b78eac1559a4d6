// Progress output for fit. On a TTY (verbose 1): one live line, redrawn in
// place, never wider than the terminal (fields are shortened, then dropped,
// by priority), with an ETA for the whole run; each finished epoch leaves
// one line that fits too. Otherwise (a pipe, a file, verbose 2): one plain
// line per epoch, no carriage returns or escape codes.
import type { Callback, Logs } from './types.js';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  /** The terminal's width (a tty.WriteStream has it); 80 when absent. */
  columns?: number;
}

function fmt(v: number): string {
  return Number.isFinite(v) && Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toFixed(4) : v.toPrecision(4);
}

/** Three significant digits at most, for narrow terminals. */
function fmtShort(v: number): string {
  return Number.isFinite(v) && Math.abs(v) >= 1e-2 && Math.abs(v) < 1e3 ? v.toFixed(3) : v.toPrecision(2);
}

export function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function rateText(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(1)}M` : r >= 1e4 ? `${Math.round(r / 1e3)}k` : String(Math.round(r));
}

/** One epoch's summary: values, time and throughput (the piped form). */
export function formatEpoch(epoch: number, epochs: number, logs: Logs, ms: number, samples: number): string {
  const values = Object.entries(logs).map(([k, v]) => `${k} ${fmt(v)}`);
  return `epoch ${epoch + 1}/${epochs}  ${values.join('  ')}  ${seconds(ms / 1000)}  ${Math.round((samples * 1000) / Math.max(ms, 1e-3))} samples/s`;
}

/**
 * A field of a live line: its text in each form, longest first, and its
 * priority (0 is never dropped; higher numbers go first).
 */
export interface Field {
  forms: string[];
  priority: number;
}

/**
 * Joins fields with two spaces into at most `width` characters: first every
 * field takes its shorter forms (lowest priority first), then fields are
 * dropped (highest priority number first); a last resort cuts the text.
 */
export function fitLine(fields: readonly Field[], width: number): string {
  const w = Math.max(1, Math.floor(width));
  const form = fields.map(() => 0);
  const keep = fields.map(() => true);
  const text = (sep: string): string =>
    fields
      .map((f, i) => (keep[i] ? f.forms[form[i]!]! : null))
      .filter((s) => s !== null)
      .join(sep);
  const order = fields.map((_, i) => i).sort((a, b) => fields[b]!.priority - fields[a]!.priority || b - a);
  const fits = (): boolean => text('  ').length <= w;
  // Shorter forms first, lowest priority first.
  for (const i of order) {
    while (!fits() && form[i]! < fields[i]!.forms.length - 1) form[i]!++;
  }
  for (const i of order) {
    if (fits()) break;
    if (fields[i]!.priority > 0) keep[i] = false;
  }
  if (fits()) return text('  ');
  const single = text(' ');
  return single.length <= w ? single : single.slice(0, w);
}

const SHORT_NAMES: Record<string, string> = { accuracy: 'acc', val_accuracy: 'val_acc', categoricalAccuracy: 'cat_acc', binaryAccuracy: 'bin_acc' };

function logFields(logs: Logs, basePriority: number): Field[] {
  return Object.entries(logs).map(([k, v], i) => {
    const short = SHORT_NAMES[k] ?? k;
    // The loss and the validation loss matter most; other metrics follow in order.
    const priority = k === 'loss' ? 1 : k === 'val_loss' ? basePriority : basePriority + 1 + i;
    return { forms: [`${k} ${fmt(v)}`, `${short} ${fmt(v)}`, `${short} ${fmtShort(v)}`], priority };
  });
}

export function createProgress(verbose: 1 | 2, stream: ProgressStream = process.stdout, now: () => number = () => performance.now()): Callback {
  const live = verbose === 1 && stream.isTTY === true;
  // One column short of the width: writing the last column makes some terminals wrap early.
  const width = (): number => Math.max(10, (stream.columns ?? 80) - 1);
  let runStart = 0;
  let start = 0;
  let lastDraw = 0;
  let seen = 0;
  let lossSum = 0;
  let doneSamples = 0;
  let drawn = false;
  return {
    onTrainBegin() {
      runStart = now();
      doneSamples = 0;
    },
    onEpochBegin() {
      start = now();
      lastDraw = 0;
      seen = 0;
      lossSum = 0;
    },
    onBatchEnd(batch, logs, ctx) {
      seen += logs.size!;
      lossSum += logs.loss! * logs.size!;
      if (!live) return;
      const t = now();
      // Redraw at most 10 times a second: writing to a terminal is not free.
      if (t - lastDraw < 100 && batch + 1 < ctx.params.steps) return;
      lastDraw = t;
      const { epoch, params } = ctx;
      const elapsed = (t - runStart) / 1000;
      const done = doneSamples + seen;
      const rate = done / Math.max(elapsed, 1e-6);
      // The whole run: the samples of the epochs still to come, at the rate so far (validation time included).
      const eta = (params.epochs * params.samples - done) / Math.max(rate, 1e-6);
      const fields: Field[] = [
        { forms: [`epoch ${epoch + 1}/${params.epochs}`, `${epoch + 1}/${params.epochs}`], priority: 0 },
        { forms: [`batch ${batch + 1}/${params.steps}`, `${batch + 1}/${params.steps}`], priority: 4 },
        { forms: [`loss ${fmt(lossSum / seen)}`, `loss ${fmtShort(lossSum / seen)}`], priority: 1 },
        { forms: [`${rateText(rate)} samples/s`, `${rateText(rate)}/s`], priority: 3 },
        { forms: [`ETA ${seconds(eta)}`], priority: 2 },
      ];
      stream.write(`\r${fitLine(fields, width())}\x1b[K`);
      drawn = true;
    },
    onEpochEnd(epoch, logs, ctx) {
      const ms = now() - start;
      doneSamples += seen;
      if (!live) {
        stream.write(`${formatEpoch(epoch, ctx.params.epochs, logs, ms, seen)}\n`);
        return;
      }
      const fields: Field[] = [
        { forms: [`epoch ${epoch + 1}/${ctx.params.epochs}`, `${epoch + 1}/${ctx.params.epochs}`], priority: 0 },
        ...logFields(logs, 2),
        { forms: [seconds(ms / 1000)], priority: 50 },
        { forms: [`${rateText((seen * 1000) / Math.max(ms, 1e-3))} samples/s`, `${rateText((seen * 1000) / Math.max(ms, 1e-3))}/s`], priority: 60 },
      ];
      stream.write(`${drawn ? '\r' : ''}${fitLine(fields, width())}\x1b[K\n`);
      drawn = false;
    },
  };
}
