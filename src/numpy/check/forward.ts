/**
 * What the traced forward pass offers a backward line to be compared with: every quantity the loss
 * computed (named by the statement that assigned it), d loss / d quantity for each (with and without
 * the log guard), and the local derivatives of its elementwise steps (σ′(z1) = a1(1 − a1)).
 */
import { gradientsOf } from '../../engine/gradients.js';
import { topologicalOrder } from '../../engine/node.js';
import { withoutLogEpsilon, positionWord, short } from '../../check/loss-graph.js';
import { mul } from '../../ops/arithmetic.js';
import { sum } from '../../ops/reduce.js';
import { Tensor } from '../../tensor.js';
import type { Captured } from './capture.js';
import { float64 } from './match.js';

/** A forward quantity: a parameter, a named intermediate, or an unnamed one inside a line. */
export interface Quantity {
  readonly tensor: Tensor;
  /** `Z1`, `W1`, or `an intermediate of line 14` for a value no statement named. */
  readonly name: string;
  readonly named: boolean;
  readonly isParam: boolean;
  readonly line: number;
  readonly text: string;
  /** Position in the forward pass (parameters first). */
  readonly order: number;
  /** For an unnamed activation input, the text of the argument (`W1 @ X + b1`), set with the local edge. */
  label?: string;
  /** Call depth of the statement that named it (0 for parameters): `Z1` in forward() beats `x` in softmax(). */
  readonly depth: number;
}

/** d to / d from for an elementwise step `to = f(from)` of the forward pass, with the words for it. */
export interface LocalEdge {
  readonly from: Quantity;
  readonly to: Quantity;
  /** The elementwise derivative, in `to`'s layout. */
  readonly value: Float64Array;
  /** `σ′(z1) = a1(1 − a1)` */
  readonly formula: string;
  /** `the derivative of the inner sigmoid` */
  readonly what: string;
  readonly line: number;
}

const ACTIVATIONS: ReadonlyArray<{ re: RegExp; kind: string; formula: (to: string, from: string) => string }> = [
  { re: /\b(sigmoid|sigma|logistic|expit)\s*\(|(1\s*\/\s*\(\s*1\s*\+\s*(?:np\.)?exp\s*\(\s*-)/, kind: 'sigmoid', formula: (to, from) => `σ′(${from}) = ${to}(1 − ${to})` },
  { re: /\btanh\s*\(/, kind: 'tanh', formula: (to, from) => `tanh′(${from}) = 1 − ${to}²` },
  { re: /\b(relu|maximum)\s*\(/, kind: 'relu', formula: (_to, from) => `relu′(${from}) = 1(${from} > 0)` },
  { re: /\bexp\s*\(/, kind: 'exp', formula: (to, from) => `exp′(${from}) = ${to}` },
  { re: /\blog\s*\(/, kind: 'log', formula: (_to, from) => `log′(${from}) = 1/${from}` },
];

/** A tiny deterministic generator for the elementwise probe (no dependence on Math.random). */
function probeValues(n: number): Float64Array {
  const out = new Float64Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = 0.5 + s / 2147483648;
  }
  return out;
}

/** The forward side of one `tapegrad.verify`. */
export class ForwardFacts {
  readonly quantities: Quantity[] = [];
  readonly byTensor = new Map<Tensor, Quantity>();
  readonly grads: Map<Tensor, Tensor>;
  /** The gradients of the loss without its log guard, or null when it has none. */
  readonly epsFree: Map<Tensor, Tensor> | null;
  readonly epsPhrase: string;
  readonly locals: LocalEdge[] = [];
  /** Every size that appears in a forward shape: a factor equal to one may be the batch size. */
  readonly dims = new Set<number>();
  /** Every statement the loss ran, once per source line. */
  readonly lines: { line: number; text: string }[] = [];

  constructor(readonly root: Tensor, params: ReadonlyArray<{ name: string; tensor: Tensor }>, events: readonly Captured[]) {
    let order = 0;
    const add = (q: Omit<Quantity, 'order' | 'depth'> & { depth?: number }): void => {
      if (this.byTensor.has(q.tensor)) return;
      const full = { ...q, depth: q.depth ?? 0, order: order++ };
      this.quantities.push(full);
      this.byTensor.set(q.tensor, full);
      for (const d of q.tensor.shape) this.dims.add(d);
    };
    for (const p of params) add({ tensor: p.tensor, name: p.name, named: true, isParam: true, line: 0, text: '' });
    // Names first: plain names before entries of containers (`Z2` in forward() beats the caller's
    // `outputs["Z2"]`), then the shallowest frame (`A1` in forward() beats `x` inside tanh()).
    const entry = (t: string): number => (/[[.]/.test(t) ? 1 : 0);
    const assigned = events.flatMap((e) => e.assigned.map((a) => ({ e, a })))
      .filter(({ a }) => a.tensor.requiresGrad && !a.target.startsWith('<return>'))
      .sort((x, y) => entry(x.a.target) - entry(y.a.target) || x.e.depth - y.e.depth || x.e.seq - y.e.seq);
    for (const { e, a } of assigned) add({ tensor: a.tensor, name: a.target, named: true, isParam: false, line: e.line, text: e.text, depth: e.depth });
    for (const e of events) for (const r of e.reads) for (const d of r.tensor.shape) this.dims.add(d);
    for (const e of events) if (!this.lines.some((l) => l.line === e.line)) this.lines.push({ line: e.line, text: e.text });
    // Every recorded value inside a line is a quantity too (A2 = softmax(W2 @ A1 + b2) has W2 @ A1 + b2).
    const seen = new Set<Tensor>();
    for (const e of [...events].sort((x, y) => x.seq - y.seq)) {
      for (const a of e.assigned) {
        if (!a.tensor.requiresGrad) continue;
        for (const n of topologicalOrder([a.tensor])) {
          if (seen.has(n.output)) continue;
          seen.add(n.output);
          add({ tensor: n.output, name: `an intermediate of line ${e.line}`, named: false, isParam: false, line: e.line, text: e.text, depth: e.depth });
        }
      }
    }
    for (const n of topologicalOrder([root])) {
      add({ tensor: n.output, name: 'an intermediate of the loss', named: false, isParam: false, line: 0, text: '' });
    }
    const targets = this.quantities.map((q) => q.tensor);
    this.grads = gradientsOf(root, targets);
    const without = withoutLogEpsilon(root, targets);
    this.epsFree = without?.grads ?? null;
    this.epsPhrase = without?.phrase ?? '';
    this.findLocals(events);
  }

  /** d loss / d q (zero-free: absent when q does not reach the loss). */
  gradOf(q: Quantity, epsFree = false): Tensor | undefined {
    return (epsFree ? this.epsFree : this.grads)?.get(q.tensor);
  }

  /** Named quantities whose name pairs with a backward variable (`dZ1` ↔ `Z1`, `d_wo` ↔ `w_o`, `J_W3` ↔ `W3`). */
  pairedWith(variable: string): Quantity[] {
    const stripped = stripGradientPrefix(variable);
    if (stripped === null) return [];
    // `dh_next` carries ∂loss/∂h of the step before (backprop through time): it pairs with `h`.
    const base = this.quantities.some((q) => q.named && q.name === stripped) ? stripped : stripped.replace(/_(next|prev)$/, '');
    const exact = this.quantities.filter((q) => q.named && q.name === base);
    if (exact.length > 0) return exact;
    const norm = (s: string): string => s.replace(/_/g, '').toLowerCase();
    return this.quantities.filter((q) => q.named && norm(q.name) === norm(base));
  }

  private findLocals(events: readonly Captured[]): void {
    const found: { from: Quantity; to: Quantity; value: Float64Array; kind: string | null; line: number; text: string; label: string }[] = [];
    for (const e of [...events].sort((x, y) => x.seq - y.seq)) {
      for (const a of e.assigned) {
        const to = this.byTensor.get(a.tensor);
        if (to === undefined || !to.named || to.isParam || !a.tensor.requiresGrad || a.target.startsWith('<return>')) continue;
        for (const r of e.reads) {
          const from = this.byTensor.get(r.tensor);
          // Not a parameter: h = tanh(Wx·x + Wh·h + b) is elementwise in b too, but b is used at every
          // step; the step's own input is the pre-activation below.
          if (from === undefined || from === to || !from.named || from.isParam || r.tensor.shape.join() !== a.tensor.shape.join()) continue;
          const d = elementwiseDerivative(a.tensor, r.tensor);
          if (d === null) continue;
          const kind = ACTIVATIONS.find((x) => x.re.test(rhs(e.text)))?.kind ?? null;
          found.push({ from, to, value: d, kind, line: e.line, text: e.text, label: from.name });
        }
        // `a1 = sigmoid(W1 @ x)`, `h = np.tanh(Wx @ x + Wh @ h + b)`: the activation's input has no
        // name of its own; it is the pre-activation, where the elementwise steps of the line begin.
        if (found.some((f) => f.to === to)) continue;
        const pre = preActivation(a.tensor);
        const from = pre === null ? undefined : this.byTensor.get(pre);
        if (from === undefined || from === to) continue;
        const d = elementwiseDerivative(a.tensor, pre!);
        if (d === null) continue;
        const act = ACTIVATIONS.find((x) => x.re.test(rhs(e.text)));
        if (act === undefined || !['sigmoid', 'tanh', 'relu'].includes(act.kind)) continue;
        const m = act === undefined ? null : new RegExp(`(?:${act.re.source})(.*)\\)\\s*$`, 's').exec(rhs(e.text));
        const arg = m === null ? null : m[m.length - 1] ?? null;
        const label = arg === null ? `the input of line ${e.line}` : arg.replace(/^\s*0\s*,\s*|\s*,\s*0\s*$/g, '').trim();
        if (!from.named && from.label === undefined && arg !== null) from.label = label;
        found.push({ from, to, value: d, kind: act?.kind ?? null, line: e.line, text: e.text, label });
      }
    }
    // One edge per pair of quantities (sigmoid's own line and the caller's `A = sigmoid(Z)` are one step).
    const unique = found.filter((f, i) => found.findIndex((g) => g.from === f.from && g.to === f.to) === i);
    found.length = 0;
    found.push(...unique);
    for (const f of found) {
      const act = ACTIVATIONS.find((x) => x.kind === f.kind);
      const same = found.filter((g) => g.kind !== null && g.kind === f.kind);
      const pos = positionWord(same.indexOf(f), same.length);
      const formula = act === undefined ? `∂${f.to.name}/∂${f.label}` : act.formula(f.to.name, f.label);
      const what = act === undefined ? `the derivative of line ${f.line} (\`${f.text.trim()}\`)` : `the derivative of the ${pos}${act.kind}`;
      this.locals.push({ from: f.from, to: f.to, value: f.value, formula: f.value.length === 1 ? `${formula} = ${short(f.value[0]!)}` : formula, what, line: f.line });
    }
  }
}

/**
 * Where the elementwise steps that produced `t` begin: back through ops with one recorded input of
 * t's shape (tanh, exp, 1 + ·, 1 / ·), stopping at an op with several (a matmul, Wx·x + Wh·h + b).
 */
function preActivation(t: Tensor): Tensor | null {
  let cur = t;
  for (let steps = 0; steps < 32; steps++) {
    const inputs = cur.node?.inputs.filter((x) => x.requiresGrad) ?? [];
    if (inputs.length !== 1 || inputs[0]!.shape.join() !== t.shape.join()) break;
    cur = inputs[0]!;
  }
  return cur === t ? null : cur;
}

/** The right-hand side of an assignment's text (the whole text otherwise). */
function rhs(text: string): string {
  const m = /^[^=]*?[^=!<>]=(?!=)(.*)$/s.exec(text);
  return m === null ? text : m[1]!;
}

/** `dZ1` → `Z1`, `d_wo` → `wo`, `J_W3` → `W3`, `grad_b1` → `b1`, `delta1` → null. */
export function stripGradientPrefix(variable: string): string | null {
  const key = /\[\s*['"]([^'"]+)['"]\s*\]\s*$/.exec(variable)?.[1] ?? /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(variable)?.[1] ?? variable;
  const m = /^(?:grad_|J_|d_|d)(?=[A-Za-z])(.+)$/.exec(key);
  return m === null ? null : m[1]!;
}

/**
 * d out / d inp when out depends on inp elementwise (a diagonal Jacobian), else null: probed with
 * two vector-Jacobian products, ones and a fixed positive vector r, which agree as r ⊙ d only then.
 */
export function elementwiseDerivative(out: Tensor, inp: Tensor): Float64Array | null {
  if (!out.requiresGrad || !inp.requiresGrad || out.size !== inp.size) return null;
  const ones = gradientsOf(sum(out), [inp]).get(inp);
  if (ones === undefined) return null;
  const d = Float64Array.from(float64(ones));
  if (out.size === 1) return d[0] === 0 ? null : d;
  const r = probeValues(out.size);
  const probed = gradientsOf(sum(mul(out, new Tensor(r, out.shape))), [inp]).get(inp);
  if (probed === undefined) return null;
  const p = float64(probed);
  let scale = 0;
  for (let i = 0; i < d.length; i++) scale = Math.max(scale, Math.abs(d[i]!));
  if (scale === 0) return null;
  for (let i = 0; i < d.length; i++) if (Math.abs(p[i]! - r[i]! * d[i]!) > 1e-9 * scale) return null;
  return d;
}
