// Progress output for fit: on a TTY (verbose 1) a live line per epoch with
// batch i/n, loss, samples/s and ETA; otherwise one plain line per epoch.
import type { Callback, Logs } from './types.js';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

function fmt(v: number): string {
  return Number.isFinite(v) && Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toFixed(4) : v.toPrecision(4);
}

function seconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

/** One epoch's summary: values, time and throughput. */
export function formatEpoch(epoch: number, epochs: number, logs: Logs, ms: number, samples: number): string {
  const values = Object.entries(logs).map(([k, v]) => `${k} ${fmt(v)}`);
  return `epoch ${epoch + 1}/${epochs}  ${values.join('  ')}  ${seconds(ms / 1000)}  ${Math.round((samples * 1000) / Math.max(ms, 1e-3))} samples/s`;
}

export function createProgress(verbose: 1 | 2, stream: ProgressStream = process.stdout, now: () => number = () => performance.now()): Callback {
  const live = verbose === 1 && stream.isTTY === true;
  let start = 0;
  let lastDraw = 0;
  let seen = 0;
  let lossSum = 0;
  return {
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
      const elapsed = (t - start) / 1000;
      const rate = seen / Math.max(elapsed, 1e-6);
      const eta = (ctx.params.samples - seen) / Math.max(rate, 1e-6);
      const { epoch, params } = ctx;
      stream.write(
        `\r\x1b[2Kepoch ${epoch + 1}/${params.epochs}  batch ${batch + 1}/${params.steps}  loss ${fmt(lossSum / seen)}  ${Math.round(rate)} samples/s  ETA ${seconds(eta)}`,
      );
    },
    onEpochEnd(epoch, logs, ctx) {
      const line = formatEpoch(epoch, ctx.params.epochs, logs, now() - start, seen);
      stream.write(live ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}
