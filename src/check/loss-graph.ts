/**
 * What the recorded graph of a loss tells a diagnosis beyond its gradients: the small constants
 * added inside a log (`log(p + 1e-8)`), the gradients the loss would have without them, and the
 * local derivatives on scalar paths (σ′ of each sigmoid), so "off by ×5.086" can be said as "leaves
 * out σ′ = 0.1966, the derivative of the inner sigmoid".
 */
import { gradientsOf } from '../engine/gradients.js';
import type { TapeNode } from '../engine/node.js';
import { topologicalOrder } from '../engine/node.js';
import { replay } from '../engine/replay.js';
import { Tensor } from '../tensor.js';
import { allocate } from '../dtype.js';
import { show } from '../validate.js';

/** The largest constant still read as a guard against log(0) rather than part of the model. */
export const LOG_EPSILON_MAX = 1e-3;

/** The value of a constant operand: an unrecorded, grad-free tensor of one element. */
function constantValue(t: Tensor): number | null {
  return !t.requiresGrad && t.node === null && t.size === 1 ? t.storage[0]! : null;
}

/** Which operand of an `add` node is the guard constant, and its value; null when the node is not `x + ε`. */
function epsilonOperand(node: TapeNode): { keep: number; value: number } | null {
  if (node.op !== 'add' || node.inputs.length !== 2) return null;
  for (let k = 0; k < 2; k++) {
    const c = constantValue(node.inputs[k]!);
    const other = node.inputs[1 - k]!;
    if (c !== null && c > 0 && c <= LOG_EPSILON_MAX && other.requiresGrad && other.shape.join() === node.output.shape.join()) {
      return { keep: 1 - k, value: c };
    }
  }
  return null;
}

/** The `x + ε` nodes whose result is read by a log: the guards a hand backward usually drops. */
export function logEpsilonNodes(root: Tensor): { node: TapeNode; value: number }[] {
  const order = topologicalOrder([root]);
  const readByLog = new Set<Tensor>();
  for (const n of order) if (n.op === 'log') readByLog.add(n.inputs[0]!);
  const out: { node: TapeNode; value: number }[] = [];
  for (const n of order) {
    const e = epsilonOperand(n);
    if (e !== null && readByLog.has(n.output)) out.push({ node: n, value: e.value });
  }
  return out;
}

/** The loss replayed without its log guards, and the gradients of that loss. */
export interface WithoutEpsilon {
  /** The guard constants removed, in tape order (e.g. [1e-8]). */
  readonly epsilons: number[];
  /** The words for them: "the 1e-8 in the log". */
  readonly phrase: string;
  /** d(loss without guards)/d(t), keyed by the original tensors of `targets`. */
  readonly grads: Map<Tensor, Tensor>;
}

/**
 * Replays `root`'s graph with every `log(x + ε)` read as `log(x)` and returns the gradients of that
 * loss with respect to `targets` (original tensors: leaves or intermediates); null when the loss has
 * no such guard.
 * @example
 * const p = tensor([0.2, 0.8], { requiresGrad: true });
 * const loss = log(p.add(1e-8)).sum().neg();
 * withoutLogEpsilon(loss, [p])!.grads.get(p)!.toArray(); // [-5, -1.25] exactly
 */
export function withoutLogEpsilon(root: Tensor, targets: readonly Tensor[]): WithoutEpsilon | null {
  if (!(root instanceof Tensor)) throw new Error(`withoutLogEpsilon: root must be a Tensor, got ${show(root)}`);
  const guards = logEpsilonNodes(root);
  if (guards.length === 0) return null;
  const skip = new Set(guards.map((g) => g.node));
  const { root: replayed, map } = replay(root, (node, inputs) => {
    if (!skip.has(node)) return undefined;
    return inputs[epsilonOperand(node)!.keep];
  });
  const mapped = targets.map((t) => map.get(t) ?? t);
  const found = gradientsOf(replayed, mapped);
  const grads = new Map<Tensor, Tensor>();
  targets.forEach((t, i) => {
    const g = found.get(mapped[i]!);
    if (g !== undefined) grads.set(t, g);
  });
  const epsilons = guards.map((g) => g.value);
  const distinct = [...new Set(epsilons.map((e) => String(e)))];
  return { epsilons, phrase: `the ${distinct.join(' and the ')} in the log`, grads };
}

/** A local derivative on the loss's path, with the words for it. */
export interface LocalFactor {
  readonly value: number;
  /** e.g. "σ′ = 0.1966, the derivative of the inner sigmoid". */
  readonly text: string;
}

/** The elementwise primitives whose derivative has a name, and how to write it. */
const NAMED: Readonly<Record<string, { symbol: string; what: string }>> = {
  sigmoid: { symbol: 'σ′', what: 'sigmoid' },
  tanh: { symbol: 'tanh′', what: 'tanh' },
  exp: { symbol: 'exp′', what: 'exp' },
  log: { symbol: 'log′', what: 'log' },
  sqrt: { symbol: 'sqrt′', what: 'sqrt' },
  relu: { symbol: 'relu′', what: 'relu' },
};

/**
 * The symbol in the user's names when the tensors have them: `σ′(z1) = a1(1 − a1)`, `tanh′(z) = 1 − h²`,
 * `exp′(u) = e`, `log′(p)`; the bare symbol (`σ′`) otherwise.
 */
function namedSymbol(op: string, symbol: string, input: string | undefined, output: string | undefined): string {
  if (input === undefined) return symbol;
  const at = `${symbol}(${input})`;
  if (output === undefined) return at;
  const out = /^[\p{L}_][\p{L}\p{N}_]*$/u.test(output) ? output : `(${output})`;
  if (op === 'sigmoid') return `${at} = ${out}(1 − ${out})`;
  if (op === 'tanh') return `${at} = 1 − ${out}²`;
  if (op === 'exp') return `${at} = ${out}`;
  return at;
}

/** Four significant digits: how a factor is quoted in words (0.1966). */
export function short(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** "inner"/"outer" for two, ordinals for more, nothing for one. */
export function positionWord(i: number, n: number): string {
  if (n <= 1) return '';
  if (n === 2) return i === 0 ? 'inner ' : 'outer ';
  const ord = ['1st', '2nd', '3rd'][i] ?? `${i + 1}th`;
  return `${ord} `;
}

/**
 * The derivatives of the scalar (one-element) sigmoid, tanh, exp, log, sqrt and relu nodes of a
 * loss graph, innermost first: the factors a hand chain rule may drop or repeat.
 * @example
 * const w = tensor([0.5], { requiresGrad: true });
 * localFactors(sigmoid(sigmoid(w.mul(2)).mul(-1.5)).sum()).map((f) => f.text);
 * // ['σ′ = 0.1966, the derivative of the inner sigmoid', 'σ′ = …, the derivative of the outer sigmoid']
 */
export function localFactors(root: Tensor): LocalFactor[] {
  if (!(root instanceof Tensor)) throw new Error(`localFactors: root must be a Tensor, got ${show(root)}`);
  const nodes = topologicalOrder([root]).filter((n) => n.output.size === 1 && NAMED[n.op] !== undefined && !n.released);
  const out: LocalFactor[] = [];
  for (const [op, { symbol, what }] of Object.entries(NAMED)) {
    const same = nodes.filter((n) => n.op === op).sort((a, b) => a.index - b.index);
    same.forEach((n, i) => {
      const seed = allocate(n.output.dtype, 1);
      seed[0] = 1;
      const one = new Tensor(seed, n.output.shape);
      const [g] = n.def.vjp({ inputs: n.inputs, output: n.output, attrs: n.attrs, saved: n.saved, needsGrad: [true], createGraph: false }, one);
      const value = g?.storage[0];
      if (value !== undefined && value !== 0 && Number.isFinite(value)) {
        out.push({ value, text: `${namedSymbol(op, symbol, n.inputs[0]?.name, n.output.name)} = ${short(value)}, the derivative of the ${positionWord(i, same.length)}${what}` });
      }
    });
  }
  return out;
}
