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
import { stripGradientPrefix } from './forward.js';
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
  line: number;
  text: string;
  target: string;
  readonly depth: number;
  readonly tensor: Tensor;
  readonly producers: BNode[];
  readonly consumers: BNode[];
  kind: Kind;
  match?: GradMatch;
  local?: LocalEdge;
  final?: FinalGradient;
  right: boolean;
  /** No judged line reads it (the last `dh_next` of a loop through time): it confirms nothing. */
  dead?: boolean;
  /** A partial sum of an accumulation in a loop (`dWh += …` before the last step): stands for its total. */
  partialOf?: BNode;
  /** When wrong: the constant factor by which everything downstream is off (if one). */
  off?: number;
  /** Wrong because a reader whose line is right elsewhere got wrong input from it. */
  upstream?: boolean;
}

/** `grads["b2"] = dscores`: a statement of its own that stores one array (not a dict literal packing many). */
function assignsOnly(text: string, target: string): boolean {
  const m = /^\s*([^=]+?)\s*=(?!=)/.exec(text);
  return m !== null && m[1]!.replace(/\s+/g, '') === target.replace(/\s+/g, '');
}

const gradLike = (n: BNode): boolean => n.kind === 'grad' || n.kind === 'other' || n.final !== undefined;

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function partial(q: Quantity): string {
  if (q.named) return `∂loss/∂${q.name}`;
  return q.label !== undefined ? `∂loss/∂(${q.label})` : `∂loss/∂(${q.name}: \`${q.text.trim()}\`)`;
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
      if (before !== undefined && (a.target.startsWith('<return>') || (/[[.]/.test(a.target) && !assignsOnly(e.text, a.target)))) continue;
      if (before !== undefined && before.depth > e.depth && !producers.includes(before)) {
        // `dA_prev, dW, db = linear_backward(dZ, cache)` binds what the helper computed: the helper's
        // line stays the one that computed it; a bare `return (logits - target)` takes the caller's name.
        if (before.target.startsWith('<return>')) Object.assign(before, { line: e.line, text: e.text, target: a.target });
        continue;
      }
      // `grads["dW2"] = dW_temp` stores what another line computed: that line is all it read (not
      // every array already in `grads`).
      const store = before !== undefined && /[[.]/.test(a.target);
      const from = store ? [before] : before === undefined || producers.includes(before) ? producers : [...producers, before];
      const n: BNode = { seq: e.seq, line: e.line, text: e.text, target: a.target, depth: e.depth, tensor: a.tensor, producers: from, consumers: [], kind: 'const', right: true };
      nodes.push(n);
      latest.set(a.tensor, n);
    }
  }
  for (const n of nodes) for (const p of n.producers) if (p !== n) p.consumers.push(n);
  // `dWh += dz @ hs[t].T` in a loop: every sum but the last is a partial of the last one.
  for (const n of [...nodes].reverse()) {
    const next = n.consumers.find((c) => c.line === n.line && c.target === n.target && c.producers.includes(n));
    if (next !== undefined) n.partialOf = next.partialOf ?? next;
  }
  for (const f of finals) {
    const n = latest.get(f.tensor);
    if (n !== undefined) originOf(n).final = f;
  }
  for (const n of nodes) classify(n, fwd);

  // Judge from the final gradients back (reverse execution order).
  const judged = (n: BNode): BNode[] => [...new Set(n.consumers.map((c) => c.partialOf ?? c))].filter((c) => c !== n && gradLike(c) && c.dead !== true);
  for (const n of [...nodes].reverse()) {
    if (n.final !== undefined) {
      n.right = n.final.ok;
      if (!n.right && n.match !== undefined && n.match.q === n.final.quantity && n.match.layout === 'same') n.off = n.match.factor;
      else if (!n.right && n.tensor.size === 1) {
        // One number is always some multiple of the gradient; only a round one (½, 6, −1) says "a factor".
        const g = fwd.gradOf(n.final.quantity, fwd.epsFree !== null) ?? fwd.gradOf(n.final.quantity);
        const c = g === undefined || float64(g)[0] === 0 ? NaN : float64(n.tensor)[0]! / float64(g)[0]!;
        const round = (x: number): boolean => Math.abs(x - Math.round(x)) <= 1e-9 * Math.abs(x) && Math.round(x) !== 0;
        if (Number.isFinite(c) && (round(c) || round(1 / c))) n.off = c;
      }
      continue;
    }
    if (!gradLike(n) || n.partialOf !== undefined) continue;
    const cons = judged(n);
    if (cons.length === 0) {
      n.dead = true;
      continue;
    }
    if (cons.some((c) => c.right)) continue;
    if (n.kind === 'other') {
      n.right = false;
      continue;
    }
    const f = n.match!.factor;
    // The nearest effect: readers further down may compound it (divided by m in every layer).
    const offs = cons.flatMap((c) => (c.off === undefined ? [] : [c.off])).sort((a, b) => Math.abs(Math.log(Math.abs(a))) - Math.abs(Math.log(Math.abs(b))));
    const k = offs[0];
    const proven = cons.some((c) => c.upstream === true || nodes.some((o) => o !== c && o.line === c.line && o.final !== undefined && o.final.ok));
    if (k !== undefined && (proven || offs.every((o) => Math.abs(o - k) <= 1e-9 * Math.abs(k)))) {
      // What reads it is off by k (readers that add a term of their own, `+ 2 * reg * W1`, are not
      // off by a constant). A reader whose line computes right gradients elsewhere (the same helper
      // for another layer) got wrong input from this line; otherwise a line that carries exactly k, or
      // a factor no convention has (a sign, a ½), is where it came from; one carrying 1 or a size of
      // the data is right and the reader is wrong.
      // Carrying exactly k with k a plausible convention (the un-averaged m): the slip is this line's
      // only when it feeds several gradients that are all off (dy = y - t without the / T in an RNN);
      // feeding one, the line that should have divided is that gradient's own (J = J @ x.T without / N).
      if (!proven && plausibleConvention(f, fwd) && (Math.abs(f - k) > 1e-9 * Math.abs(k) || finalsBelow(n) < 2)) continue;
      n.right = false;
      n.off = k;
      n.upstream = proven;
      continue;
    }
    // `dZ1 = dA1` (or `dz = dh`): the value is ∂loss/∂A1 where the name (or the plain copy) says the
    // step through tanh′ to Z1 was to be taken: the factor was dropped here, not in the readers.
    const q = n.match!.q;
    const paired = fwd.pairedWith(n.target);
    const copy = n.producers.some((p) => p.tensor === n.tensor);
    if (n.tensor.size > 1 && fwd.locals.some((l) => l.to === q && l.value.length === n.tensor.size && (paired.includes(l.from) || (copy && !paired.includes(q))))) {
      n.right = false;
      continue;
    }
    // A single number matches some gradient by accident more easily than an array: judge it by
    // what its readers needed (a factor dropped one step early shows only in the next line).
    if (n.tensor.size === 1 && (cons.length >= 2 || droppedEarly(n, cons[0]!, fwd))) n.right = false;
  }
  const wrong = nodes.filter((n) => !n.right && n.partialOf === undefined && n.producers.every((p) => p.right));
  const first = wrong.sort((a, b) => a.seq - b.seq)[0];
  return {
    firstWrongLine: first === undefined ? null : explain(first, fwd, nodes),
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

/** How many final gradients a line feeds. */
function finalsBelow(n: BNode): number {
  const seen = new Set<BNode>();
  const finals = new Set<string>();
  const stack = [n];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    if (x.final !== undefined) finals.add(x.final.param);
    stack.push(...x.consumers);
  }
  return finals.size;
}

/** 1, or a size of the data (≥ 3): factors a backward may carry by convention (un-averaged sums). */
function plausibleConvention(f: number, fwd: ForwardFacts): boolean {
  if (Math.abs(f - 1) < 1e-9) return true;
  const n = Math.round(f);
  return n >= 3 && Math.abs(f - n) <= 1e-9 * n && fwd.dims.has(n);
}

/**
 * What a single-number backward value should have been, solved from a reader that returned a final
 * gradient: the reader is linear in it, so expected = value × (reader's expected ÷ reader's value).
 */
function backsolved(n: BNode, reader: BNode, fwd: ForwardFacts): number | null {
  if (reader.final === undefined || reader.tensor.size !== 1) return null;
  const g = fwd.gradOf(reader.final.quantity, fwd.epsFree !== null) ?? fwd.gradOf(reader.final.quantity);
  const r = float64(reader.tensor)[0]!;
  if (g === undefined || r === 0) return null;
  return float64(n.tensor)[0]! * (float64(g)[0]! / r);
}

/**
 * `delta1 = delta2 * w2` where `delta1 = delta2 * w2 * a1 * (1 - a1)` was meant: the value is
 * exactly ∂loss/∂a1, one step before ∂loss/∂z1 that its reader needed; the missing factor is the
 * local derivative of that step (σ′(z1)), so this line dropped it, not the reader.
 */
function droppedEarly(n: BNode, reader: BNode, fwd: ForwardFacts): boolean {
  const want = backsolved(n, reader, fwd);
  const m = n.match;
  if (want === null || m === undefined || want === 0) return false;
  const c = float64(n.tensor)[0]! / want;
  return fwd.locals.some((l) => l.to === m.q && l.value.length === 1 && Math.abs(c * l.value[0]! - 1) <= 1e-6);
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
  // `dy = ys[t] - targets[t]` is also a value the loss computes; a gradient's name says which it is.
  const gradName = stripGradientPrefix(n.target) !== null || /^(delta|J\b|J_|grad|err)/i.test(n.target);
  const m = bestGradMatch(n, fwd);
  if ((m === null || !gradName) && fwd.quantities.some((q) => q.tensor.size === t.size && sameNumbers(t, q.tensor))) {
    n.kind = 'forward';
    return;
  }
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
  // A factor the lines it reads already carry (J = 2(a2 − y) is 6 × ∂loss/∂a2; J * σ′ keeps the 6).
  const carried = n.producers.filter((p) => p.kind === 'grad').map((p) => p.match!.factor);
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
        + (Math.abs(m.factor - 1) < 1e-9 || carried.some((f) => Math.abs(f - m.factor) <= 1e-9 * Math.abs(f)) ? 0 : 3)
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
  if (near(abs, n) && n >= 3 && fwd.dims.has(n)) return `it is ${n}×${sign} the expected value: a missing 1/${n} (m = ${n}, a size of the data: the batch?)`;
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
  // Without the log guard where that is finite (log(0) at a saturated softmax is not).
  const gradOf = (q: Quantity): Tensor | undefined => {
    const free = fwd.epsFree === null ? undefined : fwd.gradOf(q, true);
    return free !== undefined && float64(free).every(Number.isFinite) ? free : fwd.gradOf(q);
  };
  if (n.final !== undefined) {
    const g = gradOf(n.final.quantity);
    return g === undefined ? null : { q: n.final.quantity, factor: 1, grad: g };
  }
  if (n.kind === 'grad' && n.off !== undefined) {
    const g = gradOf(n.match!.q);
    return g === undefined ? null : { q: n.match!.q, factor: n.match!.factor / n.off, grad: g };
  }
  const solved = solvedExpectation(n, fwd);
  if (solved !== null) return solved;
  const fromProducer = n.producers.find((p) => p.kind === 'grad');
  const factor = fromProducer?.match?.factor ?? 1;
  const sized = (qs: readonly Quantity[]): Quantity[] => qs.filter((q) => q.tensor.size === n.tensor.size || q.tensor.shape.length === n.tensor.shape.length);
  let candidates = sized(fwd.pairedWith(n.target));
  if (candidates.length === 0 && fromProducer !== undefined) {
    const q = fromProducer.match!.q;
    const back = fwd.locals.filter((l) => l.to === q).map((l) => l.from);
    // The step the producer's quantity came from: its activation's input first, else a named input.
    const fromLocal = sized(back).filter((c) => c.tensor.size === n.tensor.size);
    candidates = fromLocal.length > 0 ? fromLocal : sized(upstreamNamed(q, fwd)).filter((c) => c.tensor.size === n.tensor.size);
  }
  // Several forward values share a name (`Z` in every layer, `h` at every time step): the one of
  // this line's shape whose gradient is nearest to what the line computed.
  const sameShape = (q: Quantity): number => (q.tensor.shape.join() === n.tensor.shape.join() ? 0 : 1);
  const distance = (g: Tensor): number => {
    if (g.size !== n.tensor.size) return Infinity;
    const v = float64(n.tensor), w = float64(g);
    let d = 0, scale = 0;
    for (let i = 0; i < v.length; i++) {
      d += (v[i]! - factor * w[i]!) ** 2;
      scale += (factor * w[i]!) ** 2;
    }
    return scale === 0 ? Infinity : d / scale;
  };
  const ranked = candidates.flatMap((q) => {
    const g = gradOf(q);
    return g === undefined ? [] : [{ q, g, key: sameShape(q), d: distance(g) }];
  }).sort((a, b) => a.key - b.key || a.d - b.d);
  const best = ranked[0];
  return best === undefined ? null : { q: best.q, factor, grad: best.g };
}

/** For a single number: the quantity whose gradient its final reader needed it to be (see backsolved). */
function solvedExpectation(n: BNode, fwd: ForwardFacts): Expectation | null {
  if (n.tensor.size !== 1) return null;
  for (const reader of n.consumers) {
    const want = backsolved(n, reader, fwd);
    if (want === null || want === 0) continue;
    let best: { q: Quantity; g: Tensor; score: number } | null = null;
    for (const q of fwd.quantities) {
      const g = fwd.gradOf(q, fwd.epsFree !== null) ?? fwd.gradOf(q);
      if (g === undefined || g.size !== 1 || Math.abs(float64(g)[0]! - want) > 1e-9 * Math.abs(want)) continue;
      const score = (q.named ? 0 : 2) + (q.isParam ? 1 : 0) + q.depth / 16;
      if (best === null || score < best.score) best = { q, g, score };
    }
    if (best !== null) return { q: best.q, factor: 1, grad: best.g };
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

function explain(n: BNode, fwd: ForwardFacts, nodes: readonly BNode[]): WrongLine {
  const base = { line: n.line, text: n.text.trim(), variable: n.target.startsWith('<return>') ? 'the value it returns' : n.target };
  // Never entering the forward pass is a gradient the loss does not have (not one that is 0 here:
  // a saturated softmax has exact zeros too).
  if (n.final !== undefined && fwd.gradOf(n.final.quantity) === undefined && fwd.gradOf(n.final.quantity, true) === undefined) {
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
  return { ...base, expected, quantity, shape: [...ex.q.tensor.shape], factor: ex.factor, why: overwritten(n, ex, nodes) ?? difference(n, ex, fwd) };
}

/**
 * `dWh = dz @ hs[t].T` inside `for t in reversed(range(T))`: the line ran once per step and each
 * run replaced the last; when the values of all its runs add up to the expected gradient, say so.
 */
function overwritten(n: BNode, ex: Expectation, nodes: readonly BNode[]): string | null {
  const runs = nodes.filter((o) => o.line === n.line && o.target === n.target && o.tensor.size === n.tensor.size);
  if (runs.length < 2 || /^[^=]*[-+*/]=/.test(n.text)) return null;
  const total = new Float64Array(n.tensor.size);
  for (const r of runs) float64(r.tensor).forEach((x, i) => { total[i] = total[i]! + x; });
  const want = float64(ex.grad).map((x) => x * ex.factor);
  const fit = fitFactor(total, want);
  if (fit === null || fit.residual > 1e-6 || Math.abs(fit.factor - 1) > 1e-6) return null;
  return `${n.target} is overwritten on every pass of the loop (line ${n.line} ran ${runs.length} times) and keeps only the last pass's term; the sum of all ${runs.length} is ${partial(ex.q)}: accumulate with \`+=\``;
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
