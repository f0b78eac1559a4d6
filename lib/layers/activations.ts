// The elementwise activation layers, one class per entry of the activation
// family's list (lib/backend/families/activations.ts): ReLU, LeakyReLU, ELU,
// Sigmoid, Tanh, GELU, SiLU... Each keeps what its backward kernel needs: the
// input x, or the output y where the entry's backwardInput is 'y' (sigmoid,
// tanh: the derivative is a function of y). A new list entry gets its class
// here with no edit; lib/index.ts gives it its public name.
import type { RawBackend } from '../backend/index.js';
import type { Rng } from '../random.js';
import type { Tensor } from '../tensor.js';
import {
  ACTIVATIONS,
  activationParam,
  bindActivation,
  type ActivationEntry,
  type ActivationName,
  type ActivationParam,
  type BoundActivation,
  type GeluApproximate,
} from './activation-kernels.js';
import { typeError } from '../errors.js';
import { BatchBuffer, Layer, registerLayer } from './layer.js';

/** What every activation layer shares: feature-preserving, no parameters, reused buffers. */
export abstract class ActivationLayer extends Layer {
  /** The kernel name of this layer's activation ('relu', 'gelu', ...). */
  abstract readonly activation: ActivationName;
  protected abstract readonly param: ActivationParam;
  private readonly yBuf = new BatchBuffer();
  private readonly dxBuf = new BatchBuffer();
  private kernels!: BoundActivation;
  private x: Tensor | undefined;
  private y: Tensor | undefined;

  expectedInFeatures(): undefined {
    return undefined;
  }

  protected outFeaturesFor(inFeatures: number): number {
    return inFeatures;
  }

  describe(): string {
    const p = this.param;
    return `${this.className}(${p.kind === 'alpha' ? p.alpha : p.kind === 'approximate' && p.approximate !== 'none' ? p.approximate : ''})`;
  }

  config(): Record<string, unknown> {
    const p = this.param;
    return p.kind === 'alpha' ? { alpha: p.alpha } : p.kind === 'approximate' ? { approximate: p.approximate } : {};
  }

  override build(inFeatures: number, raw: RawBackend, rng: Rng): void {
    // Resolved first: a backend without the kernels fails before the layer counts as built.
    this.kernels = bindActivation(this.className, raw, entryOf(this.activation), this.param);
    super.build(inFeatures, raw, rng);
  }

  forward(x: Tensor, _training = true): Tensor {
    const y = this.yBuf.get(x.shape[0]!, x.shape[1]!);
    this.kernels.forward(x.data, y.data);
    this.x = x;
    this.y = y;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const x = this.x!;
    const dx = this.dxBuf.get(x.shape[0]!, x.shape[1]!);
    this.kernels.backward(this.kernels.fromOutput ? this.y!.data : x.data, dy.data, dx.data);
    return dx;
  }
}

function entryOf(name: ActivationName): ActivationEntry {
  return ACTIVATIONS.find((e) => e.name === name)!;
}

/** The constructor of an entry's layer: `new LeakyReLU(alpha?)`, `new GELU({ approximate? })` (PyTorch's keyword), `new ReLU()`. */
export type ActivationLayerClass<E extends ActivationEntry> = E['param'] extends 'alpha'
  ? new (alpha?: number) => ActivationLayer & { readonly className: E['layer']; readonly alpha: number }
  : E['param'] extends 'approximate'
    ? new (options?: { approximate?: GeluApproximate }) => ActivationLayer & { readonly className: E['layer']; readonly approximate: GeluApproximate }
    : new () => ActivationLayer & { readonly className: E['layer'] };

/** The constructor argument of an entry's layer as the registry and the classes read it from a config. */
function argFromConfig(entry: ActivationEntry, c: Record<string, unknown>): unknown {
  if (entry.param === 'alpha') return c.alpha;
  if (entry.param === 'approximate') return { approximate: c.approximate };
  return undefined;
}

function layerClass(entry: ActivationEntry): new (value?: unknown) => ActivationLayer {
  const name = entry.layer;
  const cls = class extends ActivationLayer {
    readonly className: string = name;
    readonly activation: ActivationName = entry.name;
    protected readonly param: ActivationParam;
    constructor(value?: unknown) {
      super();
      if (entry.param === 'approximate') {
        // An options object { approximate? }, as PyTorch's keyword argument.
        if (value !== undefined && (value === null || typeof value !== 'object')) throw typeError(name, 'options', 'an object { approximate? }', value);
        this.param = activationParam(name, entry, 'options.approximate', (value as { approximate?: unknown } | undefined)?.approximate);
      } else {
        this.param = activationParam(name, entry, 'alpha', value);
      }
    }
    /** α (entries with an α parameter). */
    get alpha(): number | undefined {
      return this.param.kind === 'alpha' ? this.param.alpha : undefined;
    }
    /** GELU's form (entries with an `approximate` parameter). */
    get approximate(): GeluApproximate | undefined {
      return this.param.kind === 'approximate' ? this.param.approximate : undefined;
    }
  };
  // `constructor.name` and stack traces say ReLU, not an anonymous class.
  Object.defineProperty(cls, 'name', { value: name });
  registerLayer(name, (c) => new cls(argFromConfig(entry, c)));
  return cls;
}

/** Every activation layer class by its class name, derived from the list. */
export const ACTIVATION_LAYERS = Object.freeze(Object.fromEntries(ACTIVATIONS.map((e) => [e.layer, layerClass(e)]))) as {
  readonly [E in ActivationEntry as E['layer']]: ActivationLayerClass<E>;
};
