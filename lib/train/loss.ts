// Losses by name over the backend's fused loss kernels. Targets arrive
// either as floats [n, width] or as integer class labels [n].
import { rawBackend } from '../backend/index.js';
import type { BackendName } from '../backend/index.js';
import type { LossName } from './types.js';

export const LOSS_NAMES: readonly LossName[] = ['mse', 'softmaxCrossEntropy', 'binaryCrossEntropy'];

/** A batch of targets: labels (softmax cross-entropy from class ids) or values shaped like the predictions. */
export type Targets = { kind: 'labels'; labels: Int32Array } | { kind: 'values'; values: Float32Array };

export interface TrainLoss {
  readonly name: LossName;
  /** Mean loss over the batch of `n` rows of `width`; writes d(mean loss)/d(pred) into grad. */
  compute(pred: Float32Array, target: Targets, grad: Float32Array, n: number, width: number): number;
}

export function createLoss(name: LossName, backendName?: BackendName): TrainLoss {
  const k = rawBackend(backendName);
  switch (name) {
    case 'mse':
      return { name, compute: (p, t, g) => k.mse(p, values(name, t), g) };
    case 'binaryCrossEntropy':
      return { name, compute: (p, t, g) => k.binaryCrossEntropy(p, values(name, t), g) };
    case 'softmaxCrossEntropy':
      return {
        name,
        compute: (p, t, g, n, width) =>
          t.kind === 'labels' ? k.softmaxCrossEntropyLabels(p, t.labels, g, n, width) : k.softmaxCrossEntropy(p, t.values, g, n, width),
      };
    default:
      throw new TypeError(`compile: loss must be one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(name)}`);
  }
}

function values(name: string, t: Targets): Float32Array {
  // Labels are only produced for softmax cross-entropy (see targets.ts).
  if (t.kind !== 'values') throw new Error(`${name}: internal error, integer labels given to a loss on values`);
  return t.values;
}
