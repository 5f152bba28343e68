/**
 * The picture-independent graph: nodes (leaves, ops, collapsed runs) with their label lines and
 * edges, built from a tensor's tape. DOT, Mermaid and SVG are renderings of this one model.
 */
import { expectInteger, show } from '../validate.js';
import { tape } from '../engine/tape.js';
import { Tensor } from '../tensor.js';
import { findRuns, linearChains } from './collapse.js';
import { attrsText, shapeText, summarize, wrap } from './format.js';
import { allGradients } from './grads.js';
import type { ReportLike } from './report.js';
import { verdicts } from './report.js';

/** Options shared by {@link toDot}, {@link toMermaid} and {@link toSvg}. */
export interface GraphOptions {
  /**
   * Which gradients to show. `true` (default): every node's d(root)/d(node), computed by one extra
   * reverse pass that retains the graph and leaves every `.grad` untouched (needs a scalar root
   * whose graph was not yet freed by `backward()`; otherwise leaves show their `.grad`).
   * `false`: only leaves' `.grad`. A Map: exactly these gradients, keyed by tensor.
   */
  grads?: boolean | ReadonlyMap<Tensor, Tensor>;
  /** A gradcheck or verifyGradients report: nodes named like a failing entry get a red border and a note. */
  highlight?: ReportLike;
  /** Significant digits of every number. Default 4. */
  digits?: number;
  /** Tensors with at most this many elements show their values; bigger ones min/mean/max. Default 6. */
  inline?: number;
  /** Above this many nodes, repeated chains collapse into "×N" boxes, then the oldest ops hide. Default 60. */
  maxNodes?: number;
  /** Label each edge with the VJP formula of that input (e.g. 'g · y · (1 − y)'). Default false. */
  formulas?: boolean;
  /** A caption; default names the root and counts ops and leaves. */
  title?: string;
  /** Layout: inputs on the left ('LR') or at the top ('TB'). Default LR up to 10 drawn ops, TB beyond (long chains stay on screen). */
  direction?: 'LR' | 'TB';
}

/** One box of the picture. */
export interface VizNode {
  /** Stable id: `L<k>` leaves in order of first use, `N<k>` the k-th tape record, `G<k>` a run starting there, `H` hidden ops. */
  readonly id: string;
  readonly kind: 'leaf' | 'constant' | 'op' | 'group' | 'hidden';
  readonly title: string;
  readonly lines: readonly string[];
  /** 'bad': a report says this node's gradient disagrees; 'ok': a report checked it. */
  readonly status: 'plain' | 'ok' | 'bad';
  /** The tensor whose value the node shows (a run's last output), null for the hidden-ops box. */
  readonly tensor: Tensor | null;
}

/** An arrow from an input to the op that used it. */
export interface VizEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/** What the renderers draw. `notes` are printed on the picture (collapsing, missing gradients, legend). */
export interface VizGraph {
  readonly title: string;
  readonly nodes: readonly VizNode[];
  readonly edges: readonly VizEdge[];
  readonly notes: readonly string[];
  readonly direction: 'LR' | 'TB';
}

interface Unit {
  id: string;
  records: number[];
  /** For runs: the op pattern and its repetitions. */
  pattern?: { ops: string[]; reps: number };
  folded: number;
}

/**
 * Builds the graph model of everything `root` depends on.
 * @example
 * const w = tensor(2, { requiresGrad: true, name: 'w' });
 * const g = buildGraph(w.mul(3).tanh());
 * g.nodes.map((n) => n.title); // ['w', 'const', 'mul', 'tanh']
 */
export function buildGraph(root: Tensor, options: GraphOptions = {}): VizGraph {
  checkGraphArgs('buildGraph', root, options);
  const digits = options.digits ?? 4;
  const inline = options.inline ?? 6;
  const maxNodes = Math.max(options.maxNodes ?? 60, 4);
  const records = tape(root).toArray();
  const notes: string[] = [];

  const producer = new Map<Tensor, number>();
  records.forEach((r, k) => producer.set(r.output, k));
  const uses = new Map<Tensor, number>([[root, 1]]);
  const leaves: Tensor[] = [];
  const leafIndex = new Map<Tensor, number>();
  for (const r of records) {
    for (const input of r.inputs) {
      uses.set(input, (uses.get(input) ?? 0) + 1);
      if (!producer.has(input) && !leafIndex.has(input)) {
        leafIndex.set(input, leaves.length);
        leaves.push(input);
      }
    }
  }
  if (records.length === 0) {
    leafIndex.set(root, 0);
    leaves.push(root);
  }

  // Gradients: computed for every node, given, or leaves' .grad.
  let grads: ReadonlyMap<Tensor, Tensor> = new Map();
  if (options.grads instanceof Map) {
    grads = options.grads;
  } else if (options.grads !== false && records.length > 0) {
    const result = allGradients(root, [...leaves, ...records.map((r) => r.output)]);
    if ('grads' in result) grads = result.grads;
    else notes.push(result.reason);
  }
  const gradOf = (t: Tensor): Tensor | null => grads.get(t) ?? (producer.has(t) ? null : t.grad);

  // Units: one per record, then runs folded when the picture would be too big.
  let units: Unit[] = records.map((_, k) => ({ id: `N${k}`, records: [k], folded: 0 }));
  const leafUsers = (units: readonly Unit[]): Map<Tensor, Set<string>> => {
    const m = new Map<Tensor, Set<string>>();
    for (const u of units) {
      for (const k of u.records) {
        for (const input of records[k]!.inputs) {
          if (!leafIndex.has(input)) continue;
          let s = m.get(input);
          if (s === undefined) m.set(input, (s = new Set()));
          s.add(u.id);
        }
      }
    }
    return m;
  };
  const hiddenLeaves = new Set<Tensor>();
  if (records.length + leaves.length > maxNodes) {
    units = collapseRuns(records.map((r) => r.op), (s) => soleProducers(s), notes);
    const foldable = new Map<string, Tensor[]>();
    for (const [leaf, users] of leafUsers(units)) {
      const only = [...users][0]!;
      // Only anonymous constants fold away: parameters and named inputs always keep their box.
      if (users.size === 1 && only.startsWith('G') && !leaf.requiresGrad && leaf.name === undefined) {
        const list = foldable.get(only);
        if (list === undefined) foldable.set(only, [leaf]);
        else list.push(leaf);
      }
    }
    for (const u of units) {
      const mine = foldable.get(u.id) ?? [];
      if (mine.length <= 2) continue;
      u.folded = mine.length;
      for (const l of mine) hiddenLeaves.add(l);
    }
  }
  function soleProducers(s: number): number[] {
    const out: number[] = [];
    for (const input of records[s]!.inputs) {
      const r = producer.get(input);
      if (r !== undefined && uses.get(input) === 1) out.push(r);
    }
    return out;
  }

  // Hard cap: keep the newest units (nearest the root), hide the rest behind one box.
  const unitOf = new Map<number, Unit>();
  for (const u of units) for (const k of u.records) unitOf.set(k, u);
  const hidden = new Set<Unit>();
  const visibleLeafCount = leaves.filter((l) => !hiddenLeaves.has(l)).length;
  if (units.length + visibleLeafCount > maxNodes) {
    const lastRecord = (u: Unit): number => u.records.reduce((m, k) => Math.max(m, k), -1);
    const order = units.map((u) => ({ u, last: lastRecord(u) })).sort((a, b) => b.last - a.last).map((x) => x.u);
    const counted = new Set<Tensor>();
    let used = 1;
    for (const u of order) {
      const fresh = new Set<Tensor>();
      for (const k of u.records) {
        for (const input of records[k]!.inputs) if (leafIndex.has(input) && !hiddenLeaves.has(input) && !counted.has(input)) fresh.add(input);
      }
      // The root's own box is always drawn, even if its inputs alone would exceed the cap.
      if (hidden.size > 0 || (used > 1 && used + 1 + fresh.size > maxNodes)) {
        hidden.add(u);
        continue;
      }
      used += 1 + fresh.size;
      for (const l of fresh) counted.add(l);
    }
    for (const l of leaves) if (!counted.has(l)) hiddenLeaves.add(l);
    const hiddenOps = [...hidden].reduce((n, u) => n + u.records.length, 0);
    notes.push(`capped at ${maxNodes} nodes: ${hiddenOps} earlier ops are hidden in one box`);
  }

  // Nodes.
  const nodes: VizNode[] = [];
  const lines = (t: Tensor): string[] => {
    // A 0-d tensor's shape says nothing its single value does not: scalar graphs stay compact.
    const out = t.shape.length === 0 ? [] : [shapeText(t.shape)];
    out.push(`value ${summarize(t, digits, inline)}`);
    const g = gradOf(t);
    if (g !== null) out.push(`grad ${summarize(g, digits, inline)}`);
    return out;
  };
  leaves.forEach((leaf, k) => {
    if (hiddenLeaves.has(leaf)) return;
    const constant = !leaf.requiresGrad;
    const title = leaf.name ?? (constant ? (leaf.size === 1 ? 'const' : 'input') : `leaf ${k}`);
    nodes.push({ id: `L${k}`, kind: constant ? 'constant' : 'leaf', title, lines: lines(leaf), status: 'plain', tensor: leaf });
  });
  const visibleUnits = units.filter((u) => !hidden.has(u));
  for (const u of visibleUnits) {
    const last = records[u.records[u.records.length - 1]!]!;
    if (u.pattern === undefined) {
      const extra = attrsText(last.attrs);
      const op = extra === '' ? last.op : `${last.op} ${extra}`;
      const title = last.output.name === undefined ? op : `${last.output.name} = ${op}`;
      nodes.push({ id: u.id, kind: 'op', title, lines: lines(last.output), status: 'plain', tensor: last.output });
    } else {
      const head = [`${u.records.length} ops collapsed`];
      if (u.folded > 0) head.push(`+${u.folded} constants folded in`);
      const title = `${u.pattern.ops.join(' → ')} ×${u.pattern.reps}`;
      nodes.push({ id: u.id, kind: 'group', title, lines: [...head, ...lines(last.output)], status: 'plain', tensor: last.output });
    }
  }
  if (hidden.size > 0) {
    const histogram = new Map<string, number>();
    for (const u of hidden) for (const k of u.records) histogram.set(records[k]!.op, (histogram.get(records[k]!.op) ?? 0) + 1);
    const parts = [...histogram].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([op, n]) => `${op} ×${n}`);
    const count = [...hidden].reduce((n, u) => n + u.records.length, 0);
    nodes.push({ id: 'H', kind: 'hidden', title: `… ${count} earlier ops`, lines: [parts.join(', ')], status: 'plain', tensor: null });
  }

  // Edges, deduplicated (a run or the hidden box may receive the same input many times).
  const edges: VizEdge[] = [];
  const seen = new Set<string>();
  const idOf = (t: Tensor): string | null => {
    const k = producer.get(t);
    if (k === undefined) return hiddenLeaves.has(t) ? null : `L${leafIndex.get(t)!}`;
    const u = unitOf.get(k)!;
    return hidden.has(u) ? 'H' : u.id;
  };
  for (const u of visibleUnits) {
    for (const k of u.records) {
      const r = records[k]!;
      r.inputs.forEach((input, slot) => {
        const from = idOf(input);
        if (from === null || from === u.id) return;
        const label = options.formulas === true && u.pattern === undefined ? (r.formulas[slot] ?? '') : '';
        const key = u.pattern === undefined && from !== 'H' ? `${from}>${u.id}>${slot}` : `${from}>${u.id}`;
        if (seen.has(key)) return;
        seen.add(key);
        edges.push({ from, to: u.id, label });
      });
    }
  }

  const marked = applyHighlight(nodes, options.highlight, digits, notes);
  const title = options.title ?? `${root.name ?? 'output'}: ${records.length} ops, ${leaves.length} leaves`;
  const ops = nodes.filter((n) => n.kind === 'op' || n.kind === 'group').length;
  return { title, nodes: marked, edges, notes, direction: options.direction ?? (ops > 10 ? 'TB' : 'LR') };
}

/** Folds periodic runs of every linear chain into group units; other records stay one unit each. */
function collapseRuns(ops: readonly string[], soleProducers: (s: number) => number[], notes: string[]): Unit[] {
  const inRun = new Map<number, Unit>();
  for (const chain of linearChains(ops.length, soleProducers)) {
    const chainOps = chain.map((k) => ops[k]!);
    for (const run of findRuns(chainOps)) {
      const ks = chain.slice(run.start, run.start + run.period * run.reps);
      const unit: Unit = {
        id: `G${ks[0]!}`, records: ks, pattern: { ops: chainOps.slice(run.start, run.start + run.period), reps: run.reps }, folded: 0,
      };
      for (const k of ks) inRun.set(k, unit);
      notes.push(`collapsed ${ks.length} ops: (${unit.pattern!.ops.join(' → ')}) ×${run.reps} drawn as one box`);
    }
  }
  const units: Unit[] = [];
  const added = new Set<Unit>();
  for (let k = 0; k < ops.length; k++) {
    const u = inRun.get(k);
    if (u === undefined) units.push({ id: `N${k}`, records: [k], folded: 0 });
    else if (!added.has(u)) {
      added.add(u);
      units.push(u);
    }
  }
  return units;
}

function applyHighlight(nodes: VizNode[], report: ReportLike | undefined, digits: number, notes: string[]): VizNode[] {
  if (report === undefined) return nodes;
  const list = verdicts(report, digits);
  const out = nodes.map((n) => {
    const v = list.find((x) => n.tensor !== null && n.tensor.name === x.name && n.kind !== 'group');
    if (v === undefined) return n;
    return { ...n, status: v.ok ? 'ok' as const : 'bad' as const, lines: [...n.lines, ...v.note.split('\n').flatMap((l) => wrap(l))] };
  });
  for (const v of list) {
    if (!v.ok && !out.some((n) => n.tensor?.name === v.name)) notes.push(`report: '${v.name}' disagrees, but no node is named '${v.name}'`);
  }
  if (list.some((v) => !v.ok)) notes.push('red border: this gradient disagrees with finite differences or the hand formula');
  return out;
}

/** The checks every picture function makes first, so its errors carry its own name. */
export function checkGraphArgs(fn: string, root: unknown, options: unknown): void {
  if (!(root instanceof Tensor)) throw new Error(`${fn}: expected the Tensor to draw, got ${show(root)}`);
  if (options === null || typeof options !== 'object') throw new Error(`${fn}: options must be an object, got ${show(options)}`);
  const o = options as GraphOptions;
  if (o.digits !== undefined) expectInteger(fn, 'digits', o.digits, 1);
  if (o.digits !== undefined && o.digits > 17) throw new Error(`${fn}: digits must be at most 17, got ${o.digits}`);
}

/** A graph argument must look like buildGraph's result. */
export function checkVizGraph(fn: string, g: unknown): void {
  const v = g as Partial<VizGraph> | null;
  if (v === null || typeof v !== 'object' || !Array.isArray(v.nodes) || !Array.isArray(v.edges) || !Array.isArray(v.notes)) {
    throw new Error(`${fn}: expected a graph from buildGraph() ({ nodes, edges, notes, … }), got ${show(g)}`);
  }
}
