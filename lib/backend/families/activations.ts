// The activation family's one list (TypeScript side). Everything else about
// the elementwise activations is derived from it: the kernel names and
// signatures of the Backend interface, the checked wrappers, the reference
// dispatch, the fused-activation ids denseForward shares with C++ (checked
// against the addon's own list, native/kernels/activations_list.h), the
// layer classes, the CLI's --activation names, the fuzz specs, the arm64
// checks and the bench workloads.
//
// Per entry:
//   name           kernel name: `name(x, y, param?)`, `${name}Backward(input, dy, dx, param?)`
//   layer          the layer class name (lib/layers/activations.ts)
//   cli            the CLI's --activation spelling
//   param          'none'; 'alpha' (a float32 scalar with `alphaDefault`);
//                  or 'approximate' (one of `approximate`'s keys, default first)
//   fused          denseForward's epilogue id of the default form; for
//                  'approximate', `approximate[value]` is the id of each form
//   backwardInput  what the backward kernel's first argument is: the forward
//                  input x, or its output y (sigmoid, tanh: f' is a function of y)
//   init           Dense's default weight init with this activation
//
// PReLU is not in this list: its α is a learned per-feature tensor, so it has
// its own kernels (prelu, preluBackward) and layer, and is never fused.
export const ACTIVATIONS = [
  { name: 'relu', layer: 'ReLU', cli: 'relu', param: 'none', fused: 1, backwardInput: 'x', init: 'he' },
  { name: 'leakyRelu', layer: 'LeakyReLU', cli: 'leaky-relu', param: 'alpha', alphaDefault: 0.01, fused: 2, backwardInput: 'x', init: 'he' },
  { name: 'elu', layer: 'ELU', cli: 'elu', param: 'alpha', alphaDefault: 1, fused: 3, backwardInput: 'x', init: 'he' },
  { name: 'sigmoid', layer: 'Sigmoid', cli: 'sigmoid', param: 'none', fused: 4, backwardInput: 'y', init: 'glorot' },
  { name: 'tanh', layer: 'Tanh', cli: 'tanh', param: 'none', fused: 5, backwardInput: 'y', init: 'glorot' },
  {
    name: 'gelu',
    layer: 'GELU',
    cli: 'gelu',
    param: 'approximate',
    // x·Φ(x) with the exact erf (PyTorch's default), or the tanh approximation.
    approximate: { none: 6, tanh: 7 },
    fused: 6,
    backwardInput: 'x',
    init: 'he',
  },
  // x·σ(x), also called swish.
  { name: 'silu', layer: 'SiLU', cli: 'silu', param: 'none', fused: 8, backwardInput: 'x', init: 'he' },
] as const;

export type ActivationEntry = (typeof ACTIVATIONS)[number];
export type ActivationName = ActivationEntry['name'];
export type AlphaActivationName = Extract<ActivationEntry, { param: 'alpha' }>['name'];
export type GeluApproximate = keyof Extract<ActivationEntry, { param: 'approximate' }>['approximate'];
export const GELU_APPROXIMATE = ['none', 'tanh'] as const satisfies readonly GeluApproximate[];

/** The entry of `name`, or undefined. */
export function activationEntry(name: string): ActivationEntry | undefined {
  return ACTIVATIONS.find((e) => e.name === name);
}

type ApproxEntry = Extract<ActivationEntry, { param: 'approximate' }>;
type FusedTable = { readonly none: 0 } & { readonly [E in ActivationEntry as E['name']]: E['fused'] } & {
  readonly [K in GeluApproximate as K extends 'none' ? never : `${ApproxEntry['name']}${Capitalize<K>}`]: ApproxEntry['approximate'][K];
};

/**
 * denseForward's epilogue ids, derived from the list: `none` is 0, each entry
 * its `fused`, each non-default `approximate` form `${name}${Form}` (geluTanh).
 * Shared with C++ (NODEGRAD_FUSED_ACTIVATIONS in native/kernels/activations_list.h;
 * the addon exports its table as `fusedActivations`, compared by a test).
 */
export const FUSED_ACTIVATIONS: FusedTable = Object.freeze(
  Object.fromEntries([
    ['none', 0],
    ...ACTIVATIONS.flatMap((e) => [
      [e.name, e.fused] as const,
      ...('approximate' in e
        ? Object.entries(e.approximate)
            .filter(([k]) => k !== 'none')
            .map(([k, id]) => [`${e.name}${k[0]!.toUpperCase()}${k.slice(1)}`, id] as const)
        : []),
    ]),
  ]),
) as FusedTable;

export type FusedActivationId = FusedTable[keyof FusedTable];

/** The fused id of an activation (with GELU's `approximate` form). */
export function fusedActivationId(name: ActivationName | 'none', approximate: GeluApproximate = 'none'): FusedActivationId {
  if (name === 'none') return 0;
  const e = activationEntry(name)!;
  return 'approximate' in e ? e.approximate[approximate] : e.fused;
}
