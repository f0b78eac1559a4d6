import type { Tensor } from './tensor.js';

/**
 * A trainable parameter: its value and its gradient, both views into the
 * model's flat arenas (all values in one Float32Array, all gradients in
 * another), so one optimizer step over the model can be one native call.
 */
export interface Parameter {
  /** e.g. "0.weight", "0.bias", "2.alpha". */
  readonly name: string;
  readonly value: Tensor;
  readonly grad: Tensor;
}
