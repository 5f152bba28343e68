/**
 * The chain rule of one backward step in the user's own names, with the numbers put in
 * ("∂J/∂a1 = ∂J/∂z2 · w2 = −0.1465 × −1.2 = 0.1758"); tensors get shapes and a summary instead.
 */
import { Tensor, tape } from '../../src/index.js';
import type { TapeRecord } from '../../src/index.js';
import { formatNumber, summarize } from './dot.js';
import type { BackwardStep, BackwardTrace } from './stepper.js';

/** A name for every tensor of the graph, as the page shows it. */
export type Namer = (t: Tensor) => string;

/** Longest sub-expression text used as a name; longer ones fall back to `op#k`. */
const MAX_NAME = 32;

/**
 * Names from a map (the user's names and sub-expression texts), else a constant's value, else `op#k`.
 * @example
 * const w = tensor(2, { requiresGrad: true });
 * namerFor(new Map([[w, 'w']]))(w); // 'w'
 */
export function namerFor(names: ReadonlyMap<Tensor, string>): Namer {
  const ops = new Map<Tensor, string>();
  let leaves = 0;
  return (t) => {
    const given = names.get(t);
    if (given !== undefined && given.length <= MAX_NAME) return given.replace(/\s+/g, ' ');
    if (t.node === null && !t.requiresGrad && t.size === 1) return formatNumber(t.data()[0]!);
    let n = ops.get(t);
    if (n === undefined) {
      n = t.node ? `${t.node.op}#${ops.size + 1}` : `input#${++leaves}`;
      ops.set(t, n);
    }
    return n;
  };
}

/** A name as an operand: bare when it is one identifier or number, else in parentheses. */
const operand = (name: string): string => (/^[\p{L}_][\p{L}\p{N}_]*$|^−?[\d.]+(e[−+]?\d+)?$/u.test(name) ? name : `(${name})`);

/**
 * ∂J/∂v with v as an operand.
 * @example
 * partial('J', 'yhat - y'); // '∂J/∂(yhat - y)'
 */
export const partial = (loss: string, v: string): string => `∂${loss}/∂${operand(v)}`;

/** What the letters of an op's VJP formula stand for: unary ops x → input, y → output; binary a, b (pow's e), A, B. */
function symbolTable(r: TapeRecord): [string, Tensor][] {
  const [i0, i1] = r.inputs;
  const table: [string, Tensor | undefined][] = r.inputs.length === 1
    ? [['x', i0], ['y', r.output]]
    : [['a', i0], ['b', i1], ['A', i0], ['B', i1], ['e', r.op === 'pow' ? i1 : undefined], ['y', r.output]];
  return table.filter((e): e is [string, Tensor] => e[1] !== undefined);
}

/** The formula with `g` and the op's letters replaced (letters only where they stand alone). */
function substitute(formula: string, g: string, symbols: readonly [string, Tensor][], sub: (t: Tensor) => string): string {
  return formula.replace(/(?<![\p{L}_.])(g|[abxyeAB])(?![\p{Ll}\p{Lu}\p{N}_(])/gu, (m: string, _s: string, offset: number, whole: string) => {
    const hit = symbols.find(([s]) => s === m);
    if (/\p{N}$/u.test(whole.slice(0, offset))) {
      // A coefficient written against its letter ('2x'): keep the letter unless it stands for a tensor here.
      return hit === undefined ? m : ` · ${sub(hit[1])}`;
    }
    const text = m === 'g' ? g : hit === undefined ? m : sub(hit[1]);
    // A negative number after a minus or before a power reads wrongly without parentheses: 1 − (−0.2), (−0.7)^2.
    const before = whole.slice(0, offset).trimEnd();
    const after = whole.slice(offset + m.length);
    const wrap = text.startsWith('−') && (before.endsWith('−') || before.endsWith('-') || /^[\^²]/.test(after));
    return wrap ? `(${text})` : text;
  });
}

/**
 * The op as the user would write it, over its inputs' names.
 * @example
 * opText(tape(z2).last()!, name); // 'w2 · a1'
 */
export function opText(r: TapeRecord, name: Namer): string {
  const n = r.inputs.map((t) => operand(name(t)));
  const infix: Record<string, string> = { add: '+', sub: '−', mul: '·', div: '/', pow: '^', matmul: '@' };
  const sym = infix[r.op];
  if (sym !== undefined && n.length === 2) return `${n[0]} ${sym} ${n[1]}`;
  if (r.op === 'neg' && n.length === 1) return `−${n[0]}`;
  return `${r.op}(${r.inputs.map((t) => name(t)).join(', ')})`; // arguments need no parentheses of their own
}

/**
 * A value for the text: the number (scalar) or shape and range (tensor).
 * @example
 * valueText(tensor(-0.14651876)); // '−0.1465'
 */
export const valueText = (t: Tensor): string => summarize(t);

const shapeOf = (t: Tensor): string => (t.ndim === 0 ? 'scalar' : t.shape.join('×'));

/** One input's line of a backward step. */
export interface InputLine {
  readonly input: string;
  /** ∂J/∂input = formula in names = formula in numbers = value (scalar); or with shapes and a summary. */
  readonly text: string;
  /** When this input already had a gradient from another path: that sum, written out. */
  readonly meet?: string;
}

/** What a backward step says, in words and numbers. */
export interface StepText {
  /** "a1 = sigmoid(z1)": the op being differentiated. */
  readonly title: string;
  /** ∂J/∂output = value, or the sum of the paths that meet there. */
  readonly upstream: string;
  readonly inputs: readonly InputLine[];
  /** True when every number is a scalar (the formulas carry numbers, not shapes). */
  readonly scalar: boolean;
}

/** Contributions to d loss / d t from the steps before `before`, in walk order: (consumer, gradient). */
function contributions(trace: BackwardTrace, t: Tensor, before: number): { via: Tensor; g: Tensor }[] {
  const out: { via: Tensor; g: Tensor }[] = [];
  for (let j = 0; j < before; j++) {
    const s = trace.steps[j]!;
    s.record.inputs.forEach((input, i) => {
      const g = s.inputGrads[i];
      if (input === t && g !== null && g !== undefined) out.push({ via: s.record.output, g });
    });
  }
  return out;
}

const total = (gs: readonly Tensor[]): Tensor => gs.slice(1).reduce((acc, g) => acc.add(g), gs[0]!);

/**
 * The chain rule of step `k` (1-based) of the trace, in the user's names with the numbers substituted.
 * @example
 * // seed 000: z2 = w2·a1, step 5 of 7
 * describeStep(trace, 5, name, 'J').inputs[1]!.text; // '∂J/∂a1 = ∂J/∂z2 · w2 = −0.1465 × −1.2 = 0.1758'
 */
export function describeStep(trace: BackwardTrace, k: number, name: Namer, lossName: string): StepText {
  const step: BackwardStep | undefined = trace.steps[k - 1];
  if (step === undefined) throw new Error(`describeStep: step ${k} is outside 1…${trace.steps.length}`);
  const r = step.record;
  const out = name(r.output);
  const written = opText(r, name);
  // An unnamed step is named by its own text: say it once ("W1 @ x", not "W1 @ x = W1 @ x").
  const title = out.replace(/\s+/g, '') === written.replace(/[\s()]+/g, '').replace(/·/g, '*').replace(/−/g, '-') || out.replace(/\s+/g, '') === written.replace(/\s+/g, '') ? written : `${out} = ${written}`;
  const up = partial(lossName, out);
  const symbols = symbolTable(r);
  const scalar = r.output.size === 1 && r.inputs.every((t) => t.size === 1);
  if (step.upstream === null) {
    return { title, upstream: `no gradient reaches ${out}: it does not lead to ${lossName}`, inputs: [], scalar };
  }
  const parts = r.output === trace.loss ? [] : contributions(trace, r.output, k - 1);
  let upstream: string;
  if (parts.length > 1) {
    const sum = total(parts.map((p) => p.g));
    upstream = scalar
      ? `${parts.length} paths meet at ${out}: ${up} = ${parts.map((p) => `${formatNumber(p.g.item())} (via ${name(p.via)})`).join(' + ')} = ${formatNumber(sum.item())}`
      : `${parts.length} paths meet at ${out}: ${up} = ${parts.map((p) => `via ${name(p.via)}`).join(' + ')} → ${valueText(sum)}`;
  } else {
    upstream = r.output === trace.loss ? `${up} = 1 (the backward pass starts here)` : `${up} = ${valueText(step.upstream)}`;
  }
  const g = step.upstream;
  const inputs: InputLine[] = r.inputs.map((input, i) => {
    const iname = name(input);
    const grad = step.inputGrads[i];
    if (grad === null || grad === undefined) {
      const why = input.node === null && !input.requiresGrad ? (input.size === 1 && !input.name ? 'a constant' : 'data') : 'not needed';
      return { input: iname, text: `${iname}: ${why}, no gradient` };
    }
    const formula = r.formulas[i] ?? '?';
    const named = substitute(formula, up, symbols, (t) => operand(name(t)));
    const lhs = partial(lossName, iname);
    let text: string;
    if (scalar) {
      const numbers = substitute(formula, formatNumber(g.item()), symbols, (t) => formatNumber(t.item())).replace(/ · /g, ' × ');
      const result = formatNumber(grad.item());
      text = numbers === result || named === numbers ? `${lhs} = ${named} = ${result}` : `${lhs} = ${named} = ${numbers} = ${result}`;
    } else {
      const where = [...new Set(symbols.filter(([s]) => new RegExp(`(?<![\\p{L}\\p{N}_.])${s}(?![\\p{Ll}\\p{Lu}\\p{N}_(])`, 'u').test(formula)).map(([, t]) => t))]
        .filter((t) => t.size > 1).map((t) => `${name(t)} is ${shapeOf(t)}`);
      const shapes = [`${up} is ${shapeOf(g)}`, ...where].join(', ');
      const reduced = shapeOf(grad) !== shapeOf(g) && ['add', 'sub', 'mul', 'div', 'pow'].includes(r.op)
        ? ` (summed over the broadcast axes to ${iname}'s shape ${shapeOf(grad)})` : '';
      text = `${lhs} = ${named}   [${shapes}]   → ${valueText(grad)}${reduced}`;
    }
    // Earlier steps' contributions, and this op's own earlier slots when it reads the same tensor twice (w·w).
    const already = [
      ...contributions(trace, input, k - 1),
      ...r.inputs.slice(0, i).flatMap((t, j) => (t === input && step.inputGrads[j] ? [{ via: r.output, g: step.inputGrads[j]! }] : [])),
    ];
    if (already.length === 0) return { input: iname, text };
    const sum = total([...already.map((p) => p.g), grad]);
    const meet = scalar && sum.size === 1
      ? `paths meet at ${iname}: ${lhs} so far = ${[...already.map((p) => `${formatNumber(p.g.item())} (via ${name(p.via)})`), `${formatNumber(grad.item())} (via ${out})`].join(' + ')} = ${formatNumber(sum.item())}`
      : `paths meet at ${iname}: ${lhs} so far = the sum over ${already.length + 1} paths (${[...already.map((p) => name(p.via)), out].join(', ')}) → ${valueText(sum)}`;
    return { input: iname, text, meet };
  });
  return { title, upstream, inputs, scalar };
}

/** Where a non-finite value first appears in the forward pass. */
export interface NonFinite {
  /** The name of the tensor that first holds NaN or ±∞. */
  readonly name: string;
  /** "log(p)": the op that produced it, over its inputs' names. */
  readonly op: string;
  readonly value: 'NaN' | '∞' | '−∞';
}

/**
 * The first op of the forward pass (tape order) whose output holds NaN or ±∞; null when every value is finite.
 * @example
 * const w = tensor(-1, { requiresGrad: true });
 * firstNonFinite(w.log().mul(2), namerFor(new Map([[w, 'w']])))?.op; // 'log(w)'
 */
export function firstNonFinite(loss: Tensor, name: Namer): NonFinite | null {
  for (const r of tape(loss)) {
    const d = r.output.data();
    for (let i = 0; i < d.length; i++) {
      const x = d[i]!;
      if (!Number.isFinite(x)) return { name: name(r.output), op: opText(r, name), value: Number.isNaN(x) ? 'NaN' : x > 0 ? '∞' : '−∞' };
    }
  }
  return null;
}

/**
 * The tensors the loss reads: every input of every op on its tape (a parameter outside this set is not in the loss).
 * @example
 * const [a, b] = [tensor(1, { requiresGrad: true }), tensor(2, { requiresGrad: true })];
 * inputsOfLoss(a.mul(3)).has(b); // false
 */
export function inputsOfLoss(loss: Tensor): Set<Tensor> {
  const out = new Set<Tensor>([loss]);
  for (const r of tape(loss)) for (const t of r.inputs) out.add(t);
  return out;
}
