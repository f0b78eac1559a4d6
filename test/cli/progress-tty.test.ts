// The progress display in a real terminal: the CLI runs inside tmux at 50,
// 80 and 120 columns and the screen is read back while it trains. No line
// may be wider than the terminal (a wider one wraps, and a redraw then
// leaves stale lines behind), the live line must update in place (at most
// one on screen at any moment), and each finished epoch leaves one line.
// Piped, the output is plain text: no carriage returns, no escape codes.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnistDir } from '../../lib/cli/mnist.js';
import { buildJs } from '../train/helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `nodegrad-progress-${process.pid}`;
let cli = '';

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  cli = join(buildJs('progress'), 'cli.js');
});
afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server']);
});

// A live line: "epoch 1/2  batch 5/338 ..." in any of its shortened forms, with the ETA.
const LIVE = /ETA /;
// A finished epoch's line: starts with the epoch count, has the loss, no ETA.
const DONE = /^(epoch )?\d+\/2 {2}loss .*val_loss/;

describe.skipIf(!hasTmux || !mnistDir())('progress display in a pseudo-terminal (tmux)', () => {
  for (const cols of [50, 80, 120]) {
    it(`${cols} columns: never wider than the terminal, redrawn in place, one line per finished epoch`, async () => {
      const session = `w${cols}`;
      // `sleep` keeps the pane (and its screen) after the CLI exits; the session is killed below.
      tmux('new-session', '-d', '-s', session, '-x', String(cols), '-y', '50', `${process.execPath} ${cli} train --epochs 2 --backend native; sleep 120`);
      const screens: string[][] = [];
      try {
        const deadline = Date.now() + 90_000;
        for (;;) {
          const screen = tmux('capture-pane', '-p', '-J', '-t', session).split('\n').map((l) => l.trimEnd());
          screens.push(screen);
          if (screen.some((l) => l.startsWith('test accuracy')) || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        tmux('kill-session', '-t', session);
      }
      const last = screens[screens.length - 1]!;
      expect(last.some((l) => l.startsWith('test accuracy'))).toBe(true);
      for (const screen of screens) {
        // -J joins a wrapped line back into one: its length is what was written.
        for (const line of screen) expect({ line, length: line.length }).toEqual({ line, length: Math.min(line.length, cols) });
        expect(screen.filter((l) => LIVE.test(l)).length).toBeLessThanOrEqual(1);
      }
      // The live line was seen while training ran, with its ETA.
      expect(screens.some((s) => s.some((l) => LIVE.test(l) && /^(epoch )?1\/2/.test(l)))).toBe(true);
      // At the end: exactly one line per epoch, and no live line left over.
      expect(last.filter((l) => DONE.test(l)).length).toBe(2);
      expect(last.filter((l) => LIVE.test(l)).length).toBe(0);
    });
  }
});

describe('progress when piped', () => {
  it('is plain text: one line per epoch, no carriage return, no escape code', () => {
    if (!mnistDir()) return;
    const r = spawnSync(process.execPath, [cli, 'train', '--epochs', '2', '--layers', '32', '--augment', '0'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('\r');
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout.match(/^epoch \d\/2 {2}loss [\d.]+ {2}accuracy [\d.]+ {2}val_loss .* samples\/s$/gm)!.length).toBe(2);
  });
});
