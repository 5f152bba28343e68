/**
 * `explain(loss, wrt)`: the chain rule with the actual numbers. Scalar graphs get every path from
 * `wrt` to `loss` as a product of local derivatives (each from the op's own VJP called with g = 1)
 * and the sum over paths, checked against autodiff; tensor graphs get the backward pass step by step.
 */
import { show } from '../validate.js';
import { allocate } from '../dtype.js';
import { noGrad } from '../engine/mode.js';
import { tape } from '../engine/tape.js';
import type { TapeRecord } from '../engine/tape.js';
import { Tensor } from '../tensor.js';
import { formatNumber, shapeText } from '../viz/format.js';
import { allGradients } from '../viz/grads.js';
import { localFormula, symbolsOf } from './formula.js';

/** Options of {@link explain}. */
export interface ExplainOptions {
  /** Paths printed (and stored) at most; the sum and the check always cover every path. Default 16. */
  maxPaths?: number;
  /** Significant digits in the text. Default 6. */
  digits?: number;
}

/** One local derivative ∂out/∂in on a path. */
export interface ChainFactor {
  /** E.g. '∂ŷ/∂z2'. */
  readonly symbol: string;
  readonly op: string;
  /** The op's VJP formula with g = 1, e.g. 'y · (1 − y)'. */
  readonly formula: string;
  /** What the formula's letters stand for here, e.g. 'y = ŷ = 0.2326'. */
  readonly where: string;
  readonly value: number;
}

/** One path from `wrt` to `loss`: its factors (loss side first) and their product. */
export interface ChainPath {
  /** Tensor names from the loss down to wrt. */
  readonly names: readonly string[];
  readonly factors: readonly ChainFactor[];
  readonly product: number;
  /**
   * The factors multiplied together between consecutive *named* tensors (plus loss and wrt): with
   * z1, a1, z2, ŷ named, seed 000's path reads ∂J/∂ŷ · ∂ŷ/∂z2 · ∂z2/∂a1 · ∂a1/∂z1 · ∂z1/∂w1, the
   * seed's five factors, however many unnamed ops (a `½`, a square) sit in between.
   */
  readonly grouped: readonly { symbol: string; value: number; factors: number }[];
}

/** One op of a tensor backward pass, in the order reverse mode visits it. */
export interface BackwardStep {
  readonly step: number;
  readonly op: string;
  /** The op's output: the incoming gradient has its shape. */
  readonly output: string;
  readonly incomingShape: readonly number[];
  /** ‖incoming gradient‖₂ when gradients could be computed. */
  readonly incomingNorm: number | null;
  readonly inputs: readonly { name: string; shape: readonly number[]; formula: string; flows: boolean }[];
}

/** What {@link explain} returns; `toString()` prints it. */
export interface Explanation {
  readonly mode: 'scalar' | 'tensor';
  readonly loss: string;
  readonly wrt: string | null;
  /** Scalar mode: the paths shown (at most maxPaths). */
  readonly paths: readonly ChainPath[];
  /** Scalar mode: how many paths there are in all. */
  readonly pathCount: number;
  /** Scalar mode: Σ over all paths of the product of local derivatives. */
  readonly sum: number | null;
  /** Scalar mode: d(loss)/d(wrt) from the engine's reverse pass. */
  readonly autodiff: number | null;
  /** Scalar mode: whether sum and autodiff agree to 1e-9 relative. */
  readonly agrees: boolean | null;
  /** Tensor mode: the backward pass, step by step. */
  readonly steps: readonly BackwardStep[];
  /** The explanation as text: every path's factors and the check (scalar), or the steps (tensor). */
  toString(): string;
}

/** A name for every tensor of the graph: its `.name`, else `op#k` (k-th tape record) or `leaf#k`/`const`. */
function namer(records: readonly TapeRecord[]): (t: Tensor) => string {
  const pos = new Map<Tensor, number>();
  records.forEach((r, k) => pos.set(r.output, k));
  const leaves = new Map<Tensor, number>();
  return (t) => {
    if (t.name !== undefined) return t.name;
    const k = pos.get(t);
    if (k !== undefined) return `${records[k]!.op}#${k}`;
    if (!t.requiresGrad && t.size === 1) return `const ${formatNumber(t.storage[0]!)}`;
    if (!leaves.has(t)) leaves.set(t, leaves.size);
    return `leaf#${leaves.get(t)!}`;
  };
}

/** ∂output/∂input[slot] of a scalar record: its VJP with g = 1, run outside the tape. */
function localDerivative(r: TapeRecord, slot: number): number {
  const node = r.output.node;
  if (node === null) throw new Error(`explain: record '${r.op}' has no tape node`);
  if (node.released) {
    throw new Error(`explain: the graph through '${r.op}' was freed by backward(); call explain before backward(), or backward({ retainGraph: true })`);
  }
  const one = allocate(r.output.dtype, r.output.size).fill(1);
  const g = new Tensor(one, r.output.shape);
  const result = noGrad(() => node.def.vjp({
    inputs: node.inputs, output: node.output, attrs: node.attrs, saved: node.saved, createGraph: false,
    needsGrad: node.inputs.map((t, i) => i === slot || t.requiresGrad),
  }, g));
  const d = result[slot];
  return d === null || d === undefined ? 0 : d.storage[0]!;
}

/**
 * Explains d(loss)/d(wrt). When `loss`, `wrt` and every tensor between them are scalars: each path
 * as a product of local derivatives with their values, the sum over paths, and a check against
 * autodiff. Otherwise: the backward pass step by step (op, incoming gradient shape, VJP formula,
 * outgoing shapes). Call it before `backward()` frees the graph (or backward with retainGraph).
 * @example
 * const w1 = tensor(0.8, { requiresGrad: true, name: 'w1' });
 * const x1 = tensor(1.7, { name: 'x1' });
 * const a1 = w1.mul(x1).sigmoid();
 * const e = explain(a1.pow(2), w1);
 * e.paths[0]!.factors.map((f) => f.formula); // ['e · a^(e−1)', 'y · (1 − y)', 'b']
 * e.agrees; // true
 * console.log(e.toString());
 */
export function explain(loss: Tensor, wrt?: Tensor, options: ExplainOptions = {}): Explanation {
  if (!(loss instanceof Tensor)) throw new Error(`explain: loss must be a Tensor, got ${show(loss)}`);
  if (wrt !== undefined && !(wrt instanceof Tensor)) throw new Error(`explain: wrt must be a Tensor, got ${show(wrt)}`);
  const records = tape(loss).toArray();
  const name = namer(records);
  const digits = options.digits ?? 6;
  // Records that lie on some path from wrt (all of them without wrt).
  const reaches = new Set<Tensor>(wrt === undefined ? [] : [wrt]);
  const relevant = records.filter((r) => {
    if (wrt === undefined || r.inputs.some((t) => reaches.has(t))) {
      reaches.add(r.output);
      return true;
    }
    return false;
  });
  if (wrt !== undefined && wrt !== loss && !reaches.has(loss)) {
    throw new Error(`explain: '${name(loss)}' does not depend on '${name(wrt)}' through recorded ops (does wrt have requiresGrad?)`);
  }
  const scalar = wrt !== undefined && loss.size === 1 && wrt.size === 1 && relevant.every((r) => r.output.size === 1);
  if (scalar) return explainScalar(loss, wrt, relevant, reaches, name, digits, options.maxPaths ?? 16);
  return explainTensor(loss, wrt, relevant, records, name, digits);
}

function explainScalar(
  loss: Tensor, wrt: Tensor, relevant: readonly TapeRecord[], reaches: ReadonlySet<Tensor>,
  name: (t: Tensor) => string, digits: number, maxPaths: number,
): Explanation {
  // Consumers of each tensor on the paths: (record, input slot).
  const consumers = new Map<Tensor, { r: TapeRecord; slot: number }[]>();
  for (const r of relevant) {
    r.inputs.forEach((t, slot) => {
      if (!reaches.has(t)) return;
      consumers.set(t, [...(consumers.get(t) ?? []), { r, slot }]);
    });
  }
  const factors = new Map<string, ChainFactor>();
  const factorOf = (r: TapeRecord, slot: number): ChainFactor => {
    const key = `${r.index}:${slot}`;
    const known = factors.get(key);
    if (known !== undefined) return known;
    const formula = localFormula(r.formulas[slot] ?? '?');
    const where = symbolsOf(formula, r).map(({ symbol, tensor }) => {
      const n = name(tensor);
      return n.startsWith('const ') ? `${symbol} = ${n.slice(6)}` : `${symbol} = ${n} = ${formatNumber(tensor.storage[0]!, digits)}`;
    });
    const factor = {
      symbol: `∂${name(r.output)}/∂${name(r.inputs[slot]!)}`, op: r.op, formula, where: where.join(', '),
      value: localDerivative(r, slot),
    };
    factors.set(key, factor);
    return factor;
  };
  // The exact count and sum over all paths by dynamic programming, loss to wrt in reverse tape
  // order (iterative: a 10 000-op chain must not overflow the stack).
  const total = new Map<Tensor, { count: number; sum: number }>([[loss, { count: 1, sum: 1 }]]);
  for (let k = relevant.length - 1; k >= 0; k--) {
    const r = relevant[k]!;
    const down = total.get(r.output);
    if (down === undefined) continue;
    r.inputs.forEach((t, slot) => {
      if (!reaches.has(t)) return;
      const acc = total.get(t) ?? { count: 0, sum: 0 };
      total.set(t, { count: acc.count + down.count, sum: acc.sum + down.sum * factorOf(r, slot).value });
    });
  }
  const all = total.get(wrt) ?? { count: 0, sum: 0 };
  // The first maxPaths paths, depth-first with an explicit stack.
  const paths: ChainPath[] = [];
  const stack: { t: Tensor; trail: ChainFactor[]; tensors: Tensor[] }[] = [{ t: wrt, trail: [], tensors: [wrt] }];
  while (stack.length > 0 && paths.length < maxPaths) {
    const { t, trail, tensors } = stack.pop()!;
    if (t === loss) {
      const factors = [...trail].reverse();
      const nodes = [...tensors].reverse();
      paths.push({
        names: nodes.map(name), factors, product: factors.reduce((p, f) => p * f.value, 1),
        grouped: groupByNames(nodes, factors, name),
      });
      continue;
    }
    const next = consumers.get(t) ?? [];
    for (let i = next.length - 1; i >= 0; i--) {
      const { r, slot } = next[i]!;
      stack.push({ t: r.output, trail: [...trail, factorOf(r, slot)], tensors: [...tensors, r.output] });
    }
  }
  const found = allGradients(loss, [wrt]);
  const autodiff = 'grads' in found ? (found.grads.get(wrt)?.storage[0] ?? 0) : null;
  const agrees = autodiff === null ? null : Math.abs(all.sum - autodiff) <= 1e-12 + 1e-9 * Math.abs(autodiff);
  const result = {
    mode: 'scalar' as const, loss: name(loss), wrt: name(wrt), paths, pathCount: all.count, sum: all.sum,
    autodiff, agrees, steps: [],
  };
  return { ...result, toString: () => scalarText(result, digits) };
}

/** Multiplies the factors between consecutive named tensors of a path (nodes: loss first, wrt last). */
function groupByNames(
  nodes: readonly Tensor[], factors: readonly ChainFactor[], name: (t: Tensor) => string,
): { symbol: string; value: number; factors: number }[] {
  const groups: { symbol: string; value: number; factors: number }[] = [];
  let start = 0, value = 1, count = 0;
  for (let i = 0; i < factors.length; i++) {
    value *= factors[i]!.value;
    count++;
    const below = nodes[i + 1]!;
    if (below.name !== undefined || i === factors.length - 1) {
      groups.push({ symbol: `∂${name(nodes[start]!)}/∂${name(below)}`, value, factors: count });
      start = i + 1;
      value = 1;
      count = 0;
    }
  }
  return groups;
}

function scalarText(e: Omit<Explanation, 'toString'>, digits: number): string {
  const f = (x: number): string => formatNumber(x, digits);
  const lines = [`d${e.loss}/d${e.wrt} by the chain rule: ${e.pathCount} path${e.pathCount === 1 ? '' : 's'} from ${e.wrt} to ${e.loss}`];
  e.paths.forEach((p, i) => {
    lines.push(`  path ${i + 1}: ${p.names.join(' ← ')}`);
    for (const factor of p.factors) {
      const where = factor.where === '' ? '' : `   [${factor.op}: ${factor.where}]`;
      const value = factor.formula === f(factor.value) ? '' : ` = ${f(factor.value)}`;
      lines.push(`    ${factor.symbol} = ${factor.formula}${value}${where}`);
    }
    lines.push(`    product = ${p.factors.map((x) => `(${f(x.value)})`).join(' · ')} = ${f(p.product)}`);
    if (p.grouped.length < p.factors.length) {
      lines.push(`    between named tensors: ${p.grouped.map((g) => g.symbol).join(' · ')}`);
      lines.push(`      = ${p.grouped.map((g) => `(${f(g.value)})`).join(' · ')} = ${f(p.product)}`);
    }
  });
  if (e.pathCount > e.paths.length) lines.push(`  … ${e.pathCount - e.paths.length} more paths not shown (the sum below covers all)`);
  lines.push(`  sum over ${e.pathCount === 1 ? 'the path' : `all ${e.pathCount} paths`} = ${f(e.sum!)}`);
  if (e.autodiff === null) lines.push('  autodiff: unavailable (the graph was freed by backward())');
  else {
    const verdict = e.agrees === true ? '✓ agrees with the chain-rule sum' : '✗ DISAGREES with the chain-rule sum';
    lines.push(`  autodiff d${e.loss}/d${e.wrt} = ${f(e.autodiff)}  ${verdict} (|difference| = ${formatNumber(Math.abs(e.sum! - e.autodiff), 3)})`);
  }
  return lines.join('\n');
}

function explainTensor(
  loss: Tensor, wrt: Tensor | undefined, relevant: readonly TapeRecord[], records: readonly TapeRecord[],
  name: (t: Tensor) => string, digits: number,
): Explanation {
  const found = loss.size === 1 ? allGradients(loss, records.map((r) => r.output)) : { reason: 'non-scalar loss' };
  const grads = 'grads' in found ? found.grads : null;
  const steps: BackwardStep[] = [...relevant].reverse().map((r, i) => {
    const g = grads?.get(r.output);
    return {
      step: i + 1, op: r.op, output: name(r.output), incomingShape: r.output.shape,
      incomingNorm: g === undefined ? null : Math.hypot(...g.storage),
      inputs: r.inputs.map((t, slot) => ({ name: name(t), shape: t.shape, formula: r.formulas[slot] ?? '?', flows: t.requiresGrad })),
    };
  });
  const result = {
    mode: 'tensor' as const, loss: name(loss), wrt: wrt === undefined ? null : name(wrt), paths: [], pathCount: 0,
    sum: null, autodiff: null, agrees: null, steps,
  };
  return { ...result, toString: () => tensorText(result, digits) };
}

function tensorText(e: Omit<Explanation, 'toString'>, digits: number): string {
  const target = e.wrt === null ? '' : ` (only the ops between ${e.wrt} and ${e.loss})`;
  const lines = [`backward pass of ${e.loss}: ${e.steps.length} ops in reverse tape order${target}; g is the incoming gradient`];
  for (const s of e.steps) {
    const norm = s.incomingNorm === null ? '' : `, ‖g‖ = ${formatNumber(s.incomingNorm, digits)}`;
    lines.push(`  step ${s.step}: ${s.op} → ${s.output}   g ${shapeText(s.incomingShape)}${norm}`);
    for (const input of s.inputs) {
      const flow = input.flows ? `${input.formula}   → gradient ${shapeText(input.shape)}` : '(no gradient: constant)';
      lines.push(`      d${input.name} = ${flow}`);
    }
  }
  return lines.join('\n');
}
