/**
 * A recorded forward pass as plain data, and back: the worker runs the student's code and sends the
 * tape (leaf values, op names, attributes, which tensor feeds which op); the page re-applies the same
 * ops to rebuild a live graph it can step backward through with numbers. Worker and page run the same
 * tapegrad code, so re-applying an op to the same inputs gives the same output bit for bit; the page
 * checks that on the loss before trusting the rebuilt graph.
 */
import { PRIMITIVES, Tensor, applyOp } from '../../../src/index.js';
import { topologicalOrder } from '../../../src/engine/node.js';
import type { OpDef, TapeNode } from '../../../src/index.js';

/** A leaf (parameter, data, constant) of the tape. */
export interface LeafData {
  readonly id: number;
  readonly data: Float64Array | Float32Array;
  readonly shape: number[];
  readonly requiresGrad: boolean;
  readonly name: string | null;
}

/** One recorded op: `output = op(inputs…; attrs)`. */
export interface OpData {
  readonly op: string;
  readonly inputs: number[];
  readonly attrs: unknown;
  readonly output: number;
  readonly name: string | null;
  /** The source line that bound the output, when a statement named it. */
  readonly line: number | null;
}

/** The whole forward pass of one loss. */
export interface TapeData {
  readonly leaves: LeafData[];
  readonly ops: OpData[];
  readonly root: number;
  /** Parameter name → leaf id. */
  readonly params: Record<string, number>;
  /** The loss as the worker computed it: the rebuilt graph must give exactly this. */
  readonly lossValue: number;
}

/** A rebuilt graph, as pg's StepperHost takes it. */
export interface LiveGraph {
  readonly loss: Tensor;
  readonly names: Map<Tensor, string>;
  readonly params: Record<string, Tensor>;
  /** Source line per named tensor (for linking the picture to the code). */
  readonly lines: Map<Tensor, number>;
}

type Apply = (inputs: readonly Tensor[], attrs: unknown) => Tensor;

/** Every op the interpreter records, by name: the primitive table (numpy indexing records the ops' own getItem/setItem). */
const APPLY: ReadonlyMap<string, Apply> = new Map<string, Apply>([
  ...Object.values(PRIMITIVES as Record<string, OpDef<any>>).map((def) => [def.name, (ins: readonly Tensor[], attrs: unknown) => applyOp(def, ins, attrs)] as [string, Apply]),
]);

/** True when structured clone keeps `v` as it is (plain data, typed arrays; no functions or class instances). */
function plain(v: unknown, depth = 0): boolean {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v !== 'object' || depth > 6) return false;
  if (ArrayBuffer.isView(v)) return true;
  if (Array.isArray(v)) return v.every((x) => plain(x, depth + 1));
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  return Object.values(v as Record<string, unknown>).every((x) => plain(x, depth + 1));
}

/**
 * The tape of `loss` as plain data, or a reason why it cannot travel (an op the page cannot re-apply,
 * or attributes that are not plain data).
 * @example
 * const t = tapeData(trace.loss, trace.names, trace.lines, trace.params);
 * if (typeof t !== 'string') worker.postMessage(t);
 */
export function tapeData(
  loss: Tensor, names: ReadonlyMap<Tensor, string>, lines: ReadonlyMap<Tensor, number>, params: Readonly<Record<string, Tensor>>,
): TapeData | string {
  const nodes: TapeNode[] = topologicalOrder([loss]);
  const recorded = new Set(nodes);
  const ids = new Map<Tensor, number>();
  const leaves: LeafData[] = [];
  const ops: OpData[] = [];
  const idOf = (t: Tensor): number => {
    let id = ids.get(t);
    if (id === undefined) {
      id = ids.size;
      ids.set(t, id);
      if (t.node === null || !recorded.has(t.node)) {
        leaves.push({ id, data: t.storage.slice(), shape: [...t.shape], requiresGrad: t.requiresGrad, name: names.get(t) ?? null });
      }
    }
    return id;
  };
  for (const p of Object.values(params)) idOf(p);
  for (const n of nodes) {
    if (!APPLY.has(n.op)) return `the op '${n.op}' cannot be re-applied in the page`;
    if (!plain(n.attrs)) return `the attributes of '${n.op}' are not plain data`;
    const inputs = n.inputs.map(idOf);
    ops.push({ op: n.op, inputs, attrs: n.attrs, output: idOf(n.output), name: names.get(n.output) ?? null, line: lines.get(n.output) ?? null });
  }
  return {
    leaves, ops, root: idOf(loss),
    params: Object.fromEntries(Object.entries(params).map(([k, t]) => [k, ids.get(t)!])),
    lossValue: Number(loss.storage[0]),
  };
}

/**
 * Re-applies a tape's ops to fresh leaves: a live graph with the student's names, whose loss is checked
 * against the worker's value (same code, same inputs: the same bits).
 * @example
 * const live = rebuild(reply.checks[0].tape!);
 * stepper.show(live);
 */
export function rebuild(data: TapeData): LiveGraph {
  const tensors = new Map<number, Tensor>();
  const names = new Map<Tensor, string>();
  const lines = new Map<Tensor, number>();
  for (const l of data.leaves) {
    const t = new Tensor(l.data.slice(), [...l.shape]);
    t.requiresGrad = l.requiresGrad;
    if (l.name !== null) {
      t.name = l.name;
      names.set(t, l.name);
    }
    tensors.set(l.id, t);
  }
  for (const o of data.ops) {
    const apply = APPLY.get(o.op);
    if (apply === undefined) throw new Error(`rebuild: the op '${o.op}' is unknown to the page`);
    const inputs = o.inputs.map((i) => {
      const t = tensors.get(i);
      if (t === undefined) throw new Error(`rebuild: op '${o.op}' reads tensor #${i} before it exists`);
      return t;
    });
    const out = apply(inputs, o.attrs);
    if (o.name !== null) {
      out.name = o.name;
      names.set(out, o.name);
    }
    if (o.line !== null) lines.set(out, o.line);
    tensors.set(o.output, out);
  }
  const loss = tensors.get(data.root);
  if (loss === undefined) throw new Error('rebuild: the tape has no loss');
  const value = Number(loss.storage[0]);
  if (!Object.is(value, data.lossValue)) throw new Error(`rebuild: the rebuilt loss is ${value}, the worker's ${data.lossValue}`);
  return { loss, names, lines, params: Object.fromEntries(Object.entries(data.params).map(([k, id]) => [k, tensors.get(id)!])) };
}
