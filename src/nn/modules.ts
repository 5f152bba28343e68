/** Layers and containers: Linear (row- or column-major), activations, Sequential and MLP, with named parameters. */
import { checkDType } from '../dtype.js';
import { expectFlag, expectOptions, show } from '../validate.js';
import seedrandom from 'seedrandom';
import { allocate, type DType } from '../dtype.js';
import type { Rng } from '../random.js';
import { Tensor } from '../tensor.js';
import { add } from '../ops/arithmetic.js';
import { matmul } from '../ops/matmul.js';
import { linear, type LinearActivation } from '../ops/linear.js';
import { relu, sigmoid, tanh } from '../ops/unary.js';
import { formatInit, initBias, initWeight, parseInit, type InitScheme } from './init.js';
import type { Layout } from '../data/batches.js';

/**
 * A differentiable function with parameters. Subclasses implement `forward` and `namedParameters`;
 * `parameters()` and `zeroGrad()` follow from them.
 */
export abstract class Module {
  /** The module applied to `x` (recorded on the tape like any op). */
  abstract forward(x: Tensor): Tensor;

  /** Parameters with stable, unique, dotted names (`'0.weight'`), in a fixed order. */
  abstract namedParameters(): [string, Tensor][];

  /** The parameters in the order of {@link Module.namedParameters}. @example opt = new SGD(model.parameters(), { lr: 0.1 }); */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Resets every parameter's gradient to null. @example model.zeroGrad(); */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Short description, e.g. `Linear(784→128, col)`. */
  abstract toString(): string;
}

/** Options of {@link Linear}: layout, init scheme, dtype, bias and seed. */
export interface LinearOptions {
  /** `row`: y = x W + b with x `[m, in]`, W `[in, out]`, b `[out]`. `col`: y = W x + b with x `[in, m]`, W `[out, in]`, b `[out, 1]`. */
  layout?: Layout;
  init?: InitScheme | string;
  dtype?: DType;
  bias?: boolean;
  /** Random source; default a generator seeded with `seed` (default 0). */
  rng?: Rng;
  seed?: string | number;
}

/**
 * A fully connected layer, in either the row-major layout of seeds 001–003 or the column-major
 * layout of seeds 000 and 004.
 *
 * @example
 * ```ts
 * const layer = new Linear(784, 128, { layout: 'col', init: 'normal:0.3', seed: 1 });
 * const z = layer.forward(x); // x: [784, m] → z: [128, m]
 * ```
 */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly layout: Layout;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    for (const [what, n] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`Linear: ${what} must be a positive integer, got ${n}`);
    }
    expectOptions('Linear', options, ['layout', 'init', 'dtype', 'bias', 'rng', 'seed']);
    const { layout = 'row', dtype = 'float64', bias = true } = options;
    if (layout !== 'row' && layout !== 'col') throw new Error(`Linear: layout must be 'row' or 'col', got ${JSON.stringify(layout)}`);
    checkDType('Linear', dtype);
    expectFlag('Linear', 'bias', bias);
    let scheme: InitScheme;
    try {
      scheme = typeof options.init === 'string' ? parseInit(options.init) : options.init ?? { kind: 'xavier' };
    } catch (e) {
      throw new Error(`Linear: ${(e as Error).message}`);
    }
    const rng = options.rng ?? seedrandom(String(options.seed ?? 0));
    this.layout = layout;
    const w = allocate(dtype, inFeatures * outFeatures);
    initWeight(w, inFeatures, outFeatures, scheme, rng);
    this.weight = leaf(w, layout === 'row' ? [inFeatures, outFeatures] : [outFeatures, inFeatures]);
    if (bias) {
      const b = allocate(dtype, outFeatures);
      initBias(b, scheme, rng);
      this.bias = leaf(b, layout === 'row' ? [outFeatures] : [outFeatures, 1]);
    } else {
      this.bias = null;
    }
    this.initName = formatInit(scheme);
  }

  private readonly initName: string;

  /** The module applied to `x` (recorded on the tape like any op). */
  forward(x: Tensor): Tensor {
    if (this.fuses(x)) return linear(x, this.weight, this.bias!);
    const z = this.layout === 'row' ? matmul(x, this.weight) : matmul(this.weight, x);
    return this.bias === null ? z : add(z, this.bias);
  }

  /**
   * @internal Whether `x` can go through the fused `linear` op (row layout with a bias, a 2-d
   * input of the weight's dtype): the same numbers as matmul then add, in one op.
   */
  fuses(x: Tensor): boolean {
    return this.layout === 'row' && this.bias !== null && x instanceof Tensor && x.ndim === 2 &&
      x.shape[1] === this.inFeatures && x.dtype === this.weight.dtype;
  }

  namedParameters(): [string, Tensor][] {
    return this.bias === null ? [['weight', this.weight]] : [['weight', this.weight], ['bias', this.bias]];
  }

  toString(): string {
    return `Linear(${this.inFeatures}→${this.outFeatures}, ${this.layout}, ${this.initName})`;
  }
}

function leaf(storage: Float64Array | Float32Array, shape: number[]): Tensor {
  const t = new Tensor(storage, shape);
  t.requiresGrad = true;
  return t;
}

/** Names of the element-wise activations. */
export type ActivationName = 'tanh' | 'sigmoid' | 'relu' | 'identity';

const ACTIVATIONS: Record<ActivationName, (x: Tensor) => Tensor> = {
  tanh: (x) => tanh(x),
  sigmoid: (x) => sigmoid(x),
  relu: (x) => relu(x),
  identity: (x) => x,
};

/**
 * An element-wise activation as a parameter-free module.
 * @example
 * ```ts
 * new Activation('tanh').forward(tensor([0, 1])); // [0, 0.7616]
 * ```
 */
export class Activation extends Module {
  readonly name: ActivationName;
  constructor(name: ActivationName | string) {
    super();
    if (!(name in ACTIVATIONS)) {
      throw new Error(`Activation: unknown activation '${name}' (expected ${Object.keys(ACTIVATIONS).join(', ')})`);
    }
    this.name = name as ActivationName;
  }
  /** The module applied to `x` (recorded on the tape like any op). */
  forward(x: Tensor): Tensor {
    return ACTIVATIONS[this.name](x);
  }
  namedParameters(): [string, Tensor][] {
    return [];
  }
  toString(): string {
    return this.name;
  }
}

/** `new Activation('tanh')`. @example new Sequential(new Linear(2, 3), Tanh()); */
export const Tanh = (): Activation => new Activation('tanh');
/** `new Activation('sigmoid')`. @example new Sequential(new Linear(2, 3), Sigmoid()); */
export const Sigmoid = (): Activation => new Activation('sigmoid');
/** `new Activation('relu')`. @example new Sequential(new Linear(2, 3), ReLU()); */
export const ReLU = (): Activation => new Activation('relu');

/**
 * Modules applied one after another; parameter names are prefixed with the module's index (`'2.weight'`).
 * @example
 * ```ts
 * const net = new Sequential(new Linear(784, 128), Tanh(), new Linear(128, 10));
 * const logits = net.forward(x);
 * ```
 */
export class Sequential extends Module {
  readonly layers: readonly Module[];
  constructor(...layers: Module[]) {
    super();
    layers.forEach((l, i) => {
      if (!(l instanceof Module)) throw new Error(`Sequential: layer ${i} must be a Module, got ${show(l)}`);
    });
    this.layers = layers;
  }
  /** The module applied to `x` (recorded on the tape like any op). */
  forward(x: Tensor): Tensor {
    let h = x;
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      const next = layers[i + 1];
      // A plain Linear followed by a plain tanh/sigmoid/relu runs as one fused op (same numbers).
      if (layer.constructor === Linear && next !== undefined && next.constructor === Activation && (next as Activation).name !== 'identity' &&
        (layer as Linear).fuses(h)) {
        const l = layer as Linear;
        h = linear(h, l.weight, l.bias!, (next as Activation).name as LinearActivation);
        i++;
      } else {
        h = layer.forward(h);
      }
    }
    return h;
  }
  namedParameters(): [string, Tensor][] {
    return this.layers.flatMap((layer, i) => layer.namedParameters().map(([n, p]): [string, Tensor] => [`${i}.${n}`, p]));
  }
  toString(): string {
    return this.layers.map(String).join(' → ');
  }
}

/** Options of {@link MLP}. */
export interface MLPOptions {
  /** Layer widths from input to output, e.g. [784, 128, 10]. */
  sizes: readonly number[];
  /** Activation after every hidden layer. */
  activation?: ActivationName;
  /** Activation after the last layer: 'identity' for logits fed to softmaxCrossEntropy, 'sigmoid' for seed 004. */
  outputActivation?: ActivationName;
  /** False drops the last layer's bias (reproduces seed 002, whose forward pass never adds b3). */
  outputBias?: boolean;
  layout?: Layout;
  init?: InitScheme | string;
  dtype?: DType;
  /** All layers draw, in order (W1, b1, W2, b2, …), from one generator seeded with this. */
  seed?: string | number;
}

/**
 * A multi-layer perceptron: Linear layers with an activation between them.
 * @example
 * ```ts
 * const mlp = new MLP({ sizes: [784, 128, 10], activation: 'tanh', init: 'normal:0.3', layout: 'col', seed: 1 });
 * mlp.namedParameters().map(([n]) => n); // ['0.weight', '0.bias', '2.weight', '2.bias']
 * ```
 */
export class MLP extends Sequential {
  readonly options: Readonly<MLPOptions>;
  constructor(options: MLPOptions) {
    if (options === null || typeof options !== 'object') throw new Error(`MLP: options must be an object { sizes, … }, got ${show(options)}`);
    const { sizes, activation = 'relu', outputActivation = 'identity', layout = 'row', dtype = 'float64' } = options;
    if (!Array.isArray(sizes) || sizes.length < 2) throw new Error(`MLP: sizes needs at least input and output widths, got ${show(sizes)}`);
    if (!sizes.every((n) => Number.isInteger(n) && n >= 1)) throw new Error(`MLP: sizes must be positive integers, got [${sizes.join(',')}]`);
    for (const [what, name] of [['activation', activation], ['outputActivation', outputActivation]] as const) {
      if (name !== 'identity' && !(name in ACTIVATIONS)) {
        throw new Error(`MLP: unknown ${what} '${name}' (expected identity, ${Object.keys(ACTIVATIONS).join(', ')})`);
      }
    }
    const rng = seedrandom(`tapegrad-init:${options.seed ?? 0}`);
    const layers: Module[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const init = options.init ?? { kind: 'xavier' };
      const bias = i + 2 < sizes.length || options.outputBias !== false;
      layers.push(new Linear(sizes[i]!, sizes[i + 1]!, { layout, dtype, init, rng, bias }));
      const act = i + 2 < sizes.length ? activation : outputActivation;
      if (act !== 'identity') layers.push(new Activation(act));
    }
    super(...layers);
    this.options = { ...options, activation, outputActivation, layout, dtype };
  }
}
