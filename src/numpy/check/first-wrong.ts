/**
 * The first wrong line of a hand-written backward. Every array a line of `grads` computes is
 * classified against the traced forward pass: recomputed forward value, constant, local derivative
 * (σ′(z1)), c × d loss / d quantity (paired by value, so reused names, `delta` and helpers per layer
 * work; a transpose or size-1 axes are the same numbers), or none of these. Then, from the final
 * gradients back, each line is judged right or wrong, and the report names the earliest wrong line
 * whose inputs are all right, says what it should have computed and how it differs.
 */
import { short } from '../../check/loss-graph.js';
import type { Tensor } from '../../tensor.js';
import type { Captured } from './capture.js';
import type { ForwardFacts, LocalEdge, Quantity } from './forward.js';
import type { Layout } from './match.js';
import { alignments, fitFactor, float64, matchScaled, MATCH_TOL, sameNumbers, sumOver, times } from './match.js';

/** A final gradient the user's `grads` returned, and the three-way verdict on it. */
export interface FinalGradient {
  readonly param: string;
  readonly quantity: Quantity;
  readonly tensor: Tensor;
  readonly ok: boolean;
}

/** The first wrong line, as the report states it. */
export interface WrongLine {
  readonly line: number;
  readonly text: string;
  /** The variable the line assigned (`dZ1`, `J`, `grads["W1"]`). */
  readonly variable: string;
  /** What it should have computed, in words: "8 × ∂loss/∂Z1, shape [5, 8]". */
  readonly expected: string;
  /** The quantity alone (`∂loss/∂Z1`), its shape, and the factor of the user's convention. */
  readonly quantity: string | null;
  readonly shape: number[] | null;
  readonly factor: number | null;
  /** How the line's value differs from that. */
  readonly why: string;
}

/** A constant factor carried consistently down to correct final gradients: reported, not an error. */
export interface Convention {
  readonly line: number;
  readonly text: string;
  readonly variable: string;
  readonly factor: number;
  readonly quantity: string;
  readonly message: string;
}

/** What the analysis of one `grads` call found. */
export interface BackwardAnalysis {
  readonly firstWrongLine: WrongLine | null;
  readonly conventions: Convention[];
  /** Lines that computed some d loss / d quantity, in order: what each one was recognised as. */
  readonly recognised: ReadonlyArray<{ line: number; variable: string; as: string }>;
}

type Kind = 'const' | 'forward' | 'local' | 'grad' | 'other';

interface GradMatch {
  readonly q: Quantity;
  readonly factor: number;
  readonly layout: Layout;
  readonly epsFree: boolean;
}

interface BNode {
  readonly seq: number;
  readonly line: number;
  readonly text: string;
  readonly target: string;
  readonly tensor: Tensor;
  readonly producers: BNode[];
  readonly consumers: BNode[];
  kind: Kind;
  match?: GradMatch;
  local?: LocalEdge;
  final?: FinalGradient;
  right: boolean;
  /** When wrong: the constant factor by which everything downstream is off (if one). */
  off?: number;
}

const gradLike = (n: BNode): boolean => n.kind === 'grad' || n.kind === 'other' || n.final !== undefined;

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function partial(q: Quantity): string {
  return q.named ? `∂loss/∂${q.name}` : `∂loss/∂(${q.name}: \`${q.text.trim()}\`)`;
}

/**
 * Classifies and judges every array `grads` computed and names the first wrong line (null when
 * every final gradient is right). `finals` maps each parameter to the array the user returned.
 */
export function analyseBackward(fwd: ForwardFacts, events: readonly Captured[], finals: readonly FinalGradient[]): BackwardAnalysis {
  const nodes: BNode[] = [];
  const latest = new Map<Tensor, BNode>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    const producers = [...new Set(e.reads.map((r) => latest.get(r.tensor)).filter((n): n is BNode => n !== undefined))];
    for (const a of e.assigned) {
      // A returned array, or one put into a list or dict (`grads = {"dW1": dW1}`), that a line
      // already computed is that line's value, not a new one; `db2 = dZ2` is a line of its own.
      const before = latest.get(a.tensor);
      if (before !== undefined && (a.target.startsWith('<return>') || /[[.]/.test(a.target))) continue;
      // `delta = grad_ce(...)` binds the array grad_ce returned: that return is what this line read.
      const from = before === undefined || producers.includes(before) ? producers : [...producers, before];
      const n: BNode = { seq: e.seq, line: e.line, text: e.text, target: a.target, tensor: a.tensor, producers: from, consumers: [], kind: 'const', right: true };
      nodes.push(n);
      latest.set(a.tensor, n);
    }
  }
  for (const n of nodes) for (const p of n.producers) if (p !== n) p.consumers.push(n);
  for (const f of finals) {
    const n = latest.get(f.tensor);
    if (n !== undefined) originOf(n).final = f;
  }
  for (const n of nodes) classify(n, fwd);

  // Judge from the final gradients back (reverse execution order).
  for (const n of [...nodes].reverse()) {
    if (n.final !== undefined) {
      n.right = n.final.ok;
      if (!n.right && n.match !== undefined && n.match.q === n.final.quantity && n.match.layout === 'same') n.off = n.match.factor;
      continue;
    }
    if (!gradLike(n)) continue;
    const cons = n.consumers.filter(gradLike);
    if (cons.length === 0 || cons.some((c) => c.right)) continue;
    if (n.kind === 'other') {
      n.right = false;
      continue;
    }
    const offs = cons.map((c) => c.off);
    const k = offs[0];
    if (k === undefined || offs.some((o) => o === undefined || Math.abs(o - k) > 1e-9 * Math.abs(k))) continue;
    if (isConvention(n.match!.factor, k, fwd)) continue;
    n.right = false;
    n.off = k;
  }
  const wrong = nodes.filter((n) => !n.right && n.producers.every((p) => p.right));
  const first = wrong.sort((a, b) => a.seq - b.seq)[0];
  return {
    firstWrongLine: first === undefined ? null : explain(first, fwd),
    conventions: conventions(upstreamOfFinals(nodes), fwd),
    recognised: nodes.filter((n) => n.kind === 'grad').map((n) => ({
      line: n.line, variable: n.target,
      as: `${n.match!.factor === 1 ? '' : `${short(n.match!.factor)} × `}${partial(n.match!.q)}${n.match!.layout === 'transpose' ? ' (transposed)' : ''}`,
    })),
  };
}

/**
 * The line that computed a final gradient. Usually the line that bound the returned array; but a
 * gradient read back from an update (`(w0 - w) / lr` after `w = w - lr * dW`, seed 002's
 * train_one_sample returns nothing) is the same numbers as the line that computed it (`dW = …`):
 * when no direct producer holds those numbers, the latest ancestor that does is the origin.
 */
function originOf(n: BNode): BNode {
  if (n.producers.some((p) => p.tensor.size === n.tensor.size && sameValues(p.tensor, n.tensor))) return n;
  let best: BNode | null = null;
  const seen = new Set<BNode>();
  const stack = [...n.producers];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (seen.has(a)) continue;
    seen.add(a);
    if (a.tensor.size === n.tensor.size && a.tensor.requiresGrad && (best === null || a.seq > best.seq) && sameValues(a.tensor, n.tensor)) best = a;
    stack.push(...a.producers);
  }
  return best ?? n;
}

/** The same numbers up to rounding (a read-back through `w - lr * g` keeps ~12 digits). */
function sameValues(a: Tensor, b: Tensor): boolean {
  const m = matchScaled(a, b, MATCH_TOL);
  return m !== null && Math.abs(m.factor - 1) <= MATCH_TOL;
}

/** The final gradients' lines and every line they depend on (lines after them are no convention). */
function upstreamOfFinals(nodes: readonly BNode[]): BNode[] {
  const keep = new Set<BNode>();
  const stack = nodes.filter((n) => n.final !== undefined);
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (keep.has(n)) continue;
    keep.add(n);
    stack.push(...n.producers);
  }
  return nodes.filter((n) => keep.has(n));
}

/** A factor that equals the batch size (or any size of the data ≥ 3) is the un-averaged convention. */
function isConvention(factor: number, off: number, fwd: ForwardFacts): boolean {
  if (Math.abs(factor - off) > 1e-9 * Math.abs(off)) return false;
  const n = Math.round(off);
  return n >= 3 && Math.abs(off - n) <= 1e-9 * n && fwd.dims.has(n);
}

function classify(n: BNode, fwd: ForwardFacts): void {
  const t = n.tensor;
  const v = float64(t);
  if (!t.requiresGrad || v.every((x) => x === 0)) return;
  if (fwd.quantities.some((q) => q.tensor.size === t.size && sameNumbers(t, q.tensor))) {
    n.kind = 'forward';
    return;
  }
  const m = bestGradMatch(n, fwd);
  if (m !== null) {
    n.kind = 'grad';
    n.match = m;
    return;
  }
  const local = fwd.locals.find((l) => l.value.length === t.size && fitsExactly(v, l.value));
  if (local !== undefined) {
    n.kind = 'local';
    n.local = local;
    return;
  }
  n.kind = 'other';
}

function fitsExactly(v: Float64Array, d: Float64Array): boolean {
  const fit = fitFactor(v, d);
  return fit !== null && fit.residual <= MATCH_TOL && Math.abs(fit.factor - 1) <= MATCH_TOL;
}

function bestGradMatch(n: BNode, fwd: ForwardFacts): GradMatch | null {
  const paired = new Set(fwd.pairedWith(n.target));
  let best: { m: GradMatch; score: number } | null = null;
  for (const q of fwd.quantities) {
    for (const epsFree of fwd.epsFree === null ? [false] : [false, true]) {
      const g = fwd.gradOf(q, epsFree);
      if (g === undefined || g.size !== n.tensor.size) continue;
      const m = matchScaled(n.tensor, g);
      if (m === null) continue;
      // Prefer factor 1, the quantity the name pairs with, the final's own parameter, named values,
      // then the shallowest frame (softmax's shifted `x` has the same gradient as the caller's `z_o`).
      const score = (Math.abs(m.factor - 1) < 1e-9 ? 0 : 8) + (paired.has(q) || n.final?.quantity === q ? 0 : 4)
        + (q.named ? 0 : 2) + (m.layout === 'same' ? 0 : 1) + Math.min(q.depth, 8) / 16 + m.residual / 1e3;
      if (best === null || score < best.score) best = { m: { q, factor: m.factor, layout: m.layout, epsFree }, score };
    }
  }
  return best?.m ?? null;
}

/** Lines where a non-unit factor first appears and is carried to correct final gradients. */
function conventions(nodes: readonly BNode[], fwd: ForwardFacts): Convention[] {
  const groups = new Map<string, { lines: number[]; n: BNode }>();
  const isReturn = (n: BNode): boolean => n.target.startsWith('<return>');
  for (const n of nodes) {
    if (n.kind !== 'grad' || !n.right || isReturn(n) || Math.abs(n.match!.factor - 1) < 1e-9) continue;
    const same = (p: BNode): boolean => p.kind === 'grad' && !isReturn(p) && Math.abs(p.match!.factor - n.match!.factor) <= 1e-9 * Math.abs(n.match!.factor);
    if (n.producers.some(same)) continue;
    // One entry per statement text: seed 004 repeats `J = 2 * (a3 - y)` in six functions.
    const key = `${n.text.trim()}|${n.target}|${short(n.match!.factor)}|${n.match!.q.name}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { lines: [n.line], n });
    else if (!g.lines.includes(n.line)) g.lines.push(n.line);
  }
  return [...groups.values()].map(({ lines, n }) => {
    const f = n.match!.factor;
    const q = partial(n.match!.q);
    const why = isConvention(f, f, fwd) ? `un-averaged over the batch; your later lines divide by ${Math.round(f)}` : 'your later lines undo it';
    const sorted = [...lines].sort((a, b) => a - b);
    const where = sorted.length === 1 ? `line ${sorted[0]}` : `lines ${sorted.join(', ')}`;
    return {
      line: sorted[0]!, text: n.text.trim(), variable: n.target, factor: f, quantity: q,
      message: `${where} \`${n.text.trim()}\`: ${n.target} is ${short(f)} × ${q} (${why}): a convention, not an error`,
    };
  }).sort((a, b) => a.line - b.line);
}

/**
 * "leaves out σ′(z1) = a1(1 − a1) = 0.1966, the derivative of the inner sigmoid" when the factor
 * c = yours ÷ expected is a scalar local derivative of the forward pass (or its inverse); else null.
 */
export function localFactorWords(c: number, fwd: ForwardFacts): string | null {
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.abs(b);
  for (const l of fwd.locals) {
    if (l.value.length !== 1) continue;
    const d = l.value[0]!;
    if (near(Math.abs(c), Math.abs(1 / d))) return `leaves out ${l.formula}, ${l.what}${c * d < 0 ? ', and flips the sign' : ''} (yours ÷ expected = ${short(c)})`;
    if (near(Math.abs(c), Math.abs(d))) return `has ${l.formula}, ${l.what}, once too often (yours ÷ expected = ${short(c)})`;
  }
  return null;
}

/** Words for a constant factor c = yours ÷ expected. */
function factorWords(c: number, fwd: ForwardFacts): string {
  const abs = Math.abs(c);
  const n = Math.round(abs);
  const inv = Math.round(1 / abs);
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.abs(b);
  const sign = c < 0 ? ' and the opposite sign' : '';
  if (near(c, -1)) return 'the sign is flipped (−1 × the expected value)';
  const local = localFactorWords(c, fwd);
  if (local !== null) return `it ${local}`;
  if (near(abs, n) && n >= 2) {
    const m = fwd.dims.has(n) && n >= 3 ? ` (m = ${n}, a size of the data: the batch?)` : '';
    return `it is ${n}×${sign} the expected value: ${n === 2 ? 'a factor 2 too many (a ½ dropped, or 2 counted twice)' : `a missing 1/${n}${m}`}`;
  }
  if (near(1 / abs, inv) && inv >= 2) {
    return `it is 1/${inv}${sign} of the expected value: ${inv === 2 ? 'a factor 2 missing (the 2 of a square?)' : `divided by ${inv} once too often`}`;
  }
  return `it is ${short(c)} × the expected value`;
}

/** The named quantities one linear step upstream of q (through unnamed intermediates). */
function upstreamNamed(q: Quantity, fwd: ForwardFacts): Quantity[] {
  const out: Quantity[] = [];
  const stack: Tensor[] = q.tensor.node === null ? [] : [...q.tensor.node.inputs];
  const seen = new Set<Tensor>();
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t) || !t.requiresGrad) continue;
    seen.add(t);
    const u = fwd.byTensor.get(t);
    if (u?.named === true) out.push(u);
    else if (t.node !== null) stack.push(...t.node.inputs);
  }
  return out;
}

interface Expectation {
  readonly q: Quantity;
  readonly factor: number;
  readonly grad: Tensor;
}

function expectationFor(n: BNode, fwd: ForwardFacts): Expectation | null {
  const gradOf = (q: Quantity): Tensor | undefined => fwd.gradOf(q, fwd.epsFree !== null) ?? fwd.gradOf(q);
  if (n.final !== undefined) {
    const g = gradOf(n.final.quantity);
    return g === undefined ? null : { q: n.final.quantity, factor: 1, grad: g };
  }
  if (n.kind === 'grad' && n.off !== undefined) {
    const g = gradOf(n.match!.q);
    return g === undefined ? null : { q: n.match!.q, factor: n.match!.factor / n.off, grad: g };
  }
  const fromProducer = n.producers.find((p) => p.kind === 'grad');
  const factor = fromProducer?.match?.factor ?? 1;
  const sized = (qs: readonly Quantity[]): Quantity[] => qs.filter((q) => q.tensor.size === n.tensor.size || q.tensor.shape.length === n.tensor.shape.length);
  let candidates = sized(fwd.pairedWith(n.target));
  if (candidates.length === 0 && fromProducer !== undefined) {
    const q = fromProducer.match!.q;
    const back = fwd.locals.filter((l) => l.to === q).map((l) => l.from);
    candidates = sized([...back, ...upstreamNamed(q, fwd)]).filter((c) => c.tensor.size === n.tensor.size);
  }
  for (const q of candidates) {
    const g = gradOf(q);
    if (g !== undefined) return { q, factor, grad: g };
  }
  return null;
}

/** The forward line that hands `param` to np.dot as its third argument or to any call as `out=`. */
function overwrittenAt(param: string, fwd: ForwardFacts): { line: number; text: string } | null {
  for (const l of fwd.lines) {
    if (new RegExp(`\\bout\\s*=\\s*${param.replace(/[[\]]/g, '\\$&')}\\s*[,)]`).test(l.text)) return l;
    const at = l.text.indexOf('np.dot(');
    if (at < 0) continue;
    let depth = 0;
    const args: string[] = [''];
    for (const ch of l.text.slice(at + 7)) {
      if (ch === '(' || ch === '[') depth++;
      if (ch === ')' || ch === ']') depth--;
      if (depth < 0) break;
      if (ch === ',' && depth === 0) args.push('');
      else args[args.length - 1] += ch;
    }
    if (args.length === 3 && args[2]!.trim() === param) return l;
  }
  return null;
}

function explain(n: BNode, fwd: ForwardFacts): WrongLine {
  const base = { line: n.line, text: n.text.trim(), variable: n.target };
  if (n.final !== undefined && !(fwd.gradOf(n.final.quantity)?.storage.some((x) => x !== 0) ?? false)) {
    const p = n.final.param;
    const at = overwrittenAt(p, fwd);
    const how = at === null ? '' : `: line ${at.line} \`${at.text.trim()}\` passes ${p} as numpy's out argument, so it is overwritten with the product and never added`;
    return {
      ...base, expected: `∂loss/∂${p} = 0, shape ${shapeText(n.final.quantity.tensor.shape)}`, quantity: `∂loss/∂${p}`, shape: [...n.final.quantity.tensor.shape], factor: 1,
      why: `${p} never enters the forward pass${how}; the loss does not depend on it, so ${n.target} is the gradient of nothing`,
    };
  }
  const ex = expectationFor(n, fwd);
  if (ex === null) {
    return {
      ...base, expected: 'a gradient of the loss', quantity: null, shape: null, factor: null,
      why: `${n.target} matches no gradient of the forward pass (nor a forward value or a local derivative), while everything this line reads is right`,
    };
  }
  const quantity = partial(ex.q);
  const conv = Math.abs(ex.factor - 1) < 1e-9 ? '' : `${short(ex.factor)} × `;
  const expected = `${conv}${quantity}, shape ${shapeText(ex.q.tensor.shape)}${conv === '' ? '' : ' (the factor your later lines divide by)'}`;
  return { ...base, expected, quantity, shape: [...ex.q.tensor.shape], factor: ex.factor, why: difference(n, ex, fwd) };
}

/** How the line's value differs from the expected one, in words. */
function difference(n: BNode, ex: Expectation, fwd: ForwardFacts): string {
  const v = n.tensor;
  const yours = `${n.target} ${shapeText(v.shape)}`;
  const want = float64(ex.grad).map((x) => x * ex.factor);
  const wantShape = ex.q.tensor.shape;
  const mine = float64(v);
  const sameShape = v.shape.join() === wantShape.join();
  if (!sameShape) {
    // The gradient of the broadcast intermediate itself, not summed (db2 = dZ2).
    if (n.match !== undefined && n.match.q !== ex.q) {
      const g = float64(fwd.gradOf(n.match.q, n.match.epsFree)!);
      for (let a = 0; a < n.match.q.tensor.shape.length; a++) {
        const s = sumOver(g, n.match.q.tensor.shape, a);
        const fit = fitFactor(s.values, want);
        if (s.values.length === want.length && fit !== null && fit.residual <= MATCH_TOL) {
          return `${yours} is ${partial(n.match.q)}; ${partial(ex.q)} ${shapeText(wantShape)} is its sum over axis ${a} (${ex.q.name} is broadcast along that axis): not summed`;
        }
      }
    }
    for (const p of n.producers.filter((x) => x.kind === 'grad')) {
      for (let a = 0; a < p.tensor.shape.length; a++) {
        const s = sumOver(float64(p.tensor), p.tensor.shape, a);
        const fit = s.values.length === want.length ? fitFactor(s.values, want) : null;
        if (fit !== null && fit.residual <= MATCH_TOL) {
          return `${yours} has the wrong shape: ${partial(ex.q)} is ${shapeText(wantShape)}, the sum of ${p.target} over axis ${a}${Math.abs(fit.factor - 1) > 1e-9 ? ` divided by ${short(fit.factor)}` : ''}; summed over the wrong axis?`;
        }
      }
    }
    for (const a of alignments(v, ex.grad)) {
      const fit = fitFactor(mine, a.values.map((x) => x * ex.factor));
      if (a.layout === 'transpose' && fit !== null && fit.residual <= MATCH_TOL && Math.abs(fit.factor - 1) < 1e-6) {
        return `${yours} is the transpose of ${partial(ex.q)} ${shapeText(wantShape)}: the product's operands are in the wrong order or transposed`;
      }
    }
    return `${yours} does not have the shape of ${partial(ex.q)} ${shapeText(wantShape)}`;
  }
  const fit = fitFactor(mine, want);
  if (fit !== null && fit.residual <= 1e-6) return factorWords(fit.factor, fwd);
  for (const l of fwd.locals) {
    if (l.value.length !== mine.length || l.value.length === 1) continue;
    const left = fitFactor(times(mine, l.value), want);
    if (left !== null && left.residual <= 1e-6 && Math.abs(left.factor - 1) < 1e-6) return `it leaves out ${l.formula}, ${l.what} (line ${l.line})`;
    const extra = fitFactor(mine, times(want, l.value));
    if (extra !== null && extra.residual <= 1e-6 && Math.abs(extra.factor - 1) < 1e-6) return `it has ${l.formula}, ${l.what}, once too often (line ${l.line})`;
  }
  let worst = 0;
  let bad = 0;
  const scale = Math.max(...want.map(Math.abs), 1e-300);
  for (let i = 0; i < mine.length; i++) {
    const d = Math.abs(mine[i]! - want[i]!);
    if (d > 1e-9 * scale) bad++;
    if (d > Math.abs(mine[worst]! - want[worst]!)) worst = i;
  }
  const chain = fwd.locals.find((l) => l.from === ex.q && n.producers.some((p) => p.match?.q === l.to));
  const via = chain === undefined ? '' : `; expected ${partial(ex.q)} = ${partial(chain.to)} ⊙ ${chain.formula}`;
  return `${bad} of ${mine.length} elements differ (e.g. element ${worst}: yours ${short(mine[worst]!)}, expected ${short(want[worst]!)})${via}`;
}
