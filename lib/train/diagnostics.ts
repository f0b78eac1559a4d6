// The lecture note's two failure modes made visible, per layer and epoch:
// - vanishing gradients: the L2 norm of each layer's parameter gradient
//   (mean over the epoch's batches), and the fraction of sigmoid/tanh outputs
//   in the saturated range, where the derivative is nearly 0;
// - dying ReLUs: the fraction of ReLU units that were 0 for every sample of
//   the epoch (their gradient was 0 throughout, so they did not learn).
import type { ActivationName } from '../layers/activation-kernels.js';
import { ActivationLayer } from '../layers/activations.js';
import { typeError } from '../errors.js';
import { Dense } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';
import type { Tensor } from '../tensor.js';
import type { Callback, TrainingContext } from './types.js';

export interface LayerDiagnostics {
  /** Index of the layer in the model. */
  index: number;
  /** The layer's description, e.g. "Dense(784→256, relu)". */
  layer: string;
  /** Mean over the epoch's batches of ‖∂loss/∂θ‖₂ over the layer's parameters; null without parameters. */
  gradNorm: number | null;
  /** ReLU outputs only: fraction of units that were 0 on every training sample of the epoch. */
  deadFraction: number | null;
  /** sigmoid/tanh outputs only: fraction of outputs in the saturated range. */
  saturatedFraction: number | null;
}

export interface DiagnosticsOptions {
  /** Called after each epoch with that epoch's figures. */
  onEpoch?(epoch: number, layers: LayerDiagnostics[]): void;
  /** A sigmoid output is saturated below this or above 1 − this (default 0.01: derivative < 4% of its peak). */
  sigmoidMargin?: number;
  /** A tanh output is saturated when |y| exceeds this (default 0.99: derivative < 2% of its peak). */
  tanhLimit?: number;
}

/** The activations diagnostics track (names of the activation list): dead units for relu, saturation for sigmoid and tanh. */
const TRACKED = ['relu', 'sigmoid', 'tanh'] as const satisfies readonly ActivationName[];
type Kind = (typeof TRACKED)[number] | null;

function kindOf(layer: Layer): Kind {
  const a = layer instanceof Dense || layer instanceof ActivationLayer ? layer.activation : null;
  return (TRACKED as readonly (ActivationName | null)[]).includes(a) ? (a as Kind) : null;
}

interface Track {
  layer: Layer;
  kind: Kind;
  params: Float32Array[];
  last: Tensor | undefined;
  gradSum: number;
  everActive: Uint8Array;
  saturated: number;
  outputs: number;
  restore?: () => void;
}

export interface DiagnosticsCallback extends Callback {
  /** Every epoch's figures so far. */
  readonly epochs: LayerDiagnostics[][];
}

/** A callback collecting per-layer diagnostics; the model must have `layers` (a Sequential). */
export function diagnostics(options: DiagnosticsOptions = {}): DiagnosticsCallback {
  const margin = options.sigmoidMargin ?? 0.01;
  const limit = options.tanhLimit ?? 0.99;
  const epochs: LayerDiagnostics[][] = [];
  let tracks: Track[] = [];
  let batches = 0;

  const unwrap = (): void => {
    for (const t of tracks) t.restore?.();
    tracks = [];
  };

  return {
    epochs,
    onTrainBegin(ctx: TrainingContext) {
      unwrap(); // a previous fit that threw never reached onTrainEnd
      const model = ctx.model as unknown as { layers?: readonly Layer[] };
      if (!Array.isArray(model.layers)) throw typeError('diagnostics', 'the trained model', 'a Sequential (it needs the layer list)', ctx.model);
      const params = ctx.model.parameters();
      tracks = model.layers.map((layer, i) => {
        const t: Track = {
          layer,
          kind: kindOf(layer),
          params: params.filter((p) => p.name.startsWith(`${i}.`)).map((p) => p.grad.data),
          last: undefined,
          gradSum: 0,
          everActive: new Uint8Array(layer.outFeatures),
          saturated: 0,
          outputs: 0,
        };
        if (t.kind) {
          // Keep a reference to the layer's output of each forward pass; it is
          // read in onBatchForward, i.e. only for training batches.
          const original = layer.forward;
          layer.forward = function (this: Layer, x: Tensor, training: boolean): Tensor {
            const y = original.call(this, x, training);
            t.last = y;
            return y;
          };
          t.restore = () => {
            delete (layer as { forward?: unknown }).forward;
          };
        }
        return t;
      });
    },
    onEpochBegin() {
      batches = 0;
      for (const t of tracks) {
        t.gradSum = 0;
        t.everActive.fill(0);
        t.saturated = 0;
        t.outputs = 0;
      }
    },
    onBatchForward() {
      for (const t of tracks) {
        const y = t.last;
        if (!t.kind || !y) continue;
        const d = y.data;
        if (t.kind === 'relu') {
          const f = t.everActive.length;
          for (let i = 0; i < d.length; i++) if (d[i]! > 0) t.everActive[i % f] = 1;
        } else {
          let s = 0;
          if (t.kind === 'sigmoid') {
            for (let i = 0; i < d.length; i++) if (d[i]! < margin || d[i]! > 1 - margin) s++;
          } else {
            for (let i = 0; i < d.length; i++) if (Math.abs(d[i]!) > limit) s++;
          }
          t.saturated += s;
          t.outputs += d.length;
        }
      }
    },
    onBatchEnd() {
      batches++;
      for (const t of tracks) {
        if (t.params.length === 0) continue;
        let ss = 0;
        for (const g of t.params) for (let i = 0; i < g.length; i++) ss += g[i]! * g[i]!;
        t.gradSum += Math.sqrt(ss);
      }
    },
    onEpochEnd(epoch) {
      const out = tracks.map((t, index): LayerDiagnostics => {
        let dead: number | null = null;
        if (t.kind === 'relu') {
          let n = 0;
          for (let i = 0; i < t.everActive.length; i++) n += t.everActive[i]! ? 0 : 1;
          dead = n / Math.max(t.everActive.length, 1);
        }
        return {
          index,
          layer: t.layer.describe(),
          gradNorm: t.params.length ? t.gradSum / Math.max(batches, 1) : null,
          deadFraction: dead,
          saturatedFraction: t.kind === 'sigmoid' || t.kind === 'tanh' ? t.saturated / Math.max(t.outputs, 1) : null,
        };
      });
      epochs.push(out);
      options.onEpoch?.(epoch, out);
    },
    onTrainEnd() {
      unwrap();
    },
  };
}

/** A small fixed-width table of one epoch's diagnostics, for the CLI. */
export function formatDiagnostics(layers: readonly LayerDiagnostics[]): string {
  const pct = (v: number | null): string => (v === null ? '-' : `${(100 * v).toFixed(1)}%`);
  const rows = layers.map((l) => [`${l.index}`, l.layer, l.gradNorm === null ? '-' : l.gradNorm.toExponential(2), pct(l.deadFraction), pct(l.saturatedFraction)]);
  const head = ['#', 'layer', 'grad norm', 'dead ReLU', 'saturated'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => '  ' + r.map((s, c) => (c < 2 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
