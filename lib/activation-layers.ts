// The activation layer classes under their public names. The classes are
// derived from the activation family's list (lib/backend/families/activations.ts,
// see lib/layers/activations.ts); a new entry there needs only its name here.
// Kept outside lib/layers so that adding an activation edits no layer code.
import { ACTIVATION_LAYERS } from './layers/activations.js';

export const { ReLU, LeakyReLU, ELU, Sigmoid, Tanh, GELU, SiLU } = ACTIVATION_LAYERS;
export type ReLU = InstanceType<typeof ReLU>;
export type LeakyReLU = InstanceType<typeof LeakyReLU>;
export type ELU = InstanceType<typeof ELU>;
export type Sigmoid = InstanceType<typeof Sigmoid>;
export type Tanh = InstanceType<typeof Tanh>;
export type GELU = InstanceType<typeof GELU>;
export type SiLU = InstanceType<typeof SiLU>;
