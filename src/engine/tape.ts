/** `t.tape()`: the ordered, immutable record of the ops that produced a tensor. */
import { List, Record } from 'immutable';
import type { RecordOf } from 'immutable';
import { Tensor } from '../tensor.js';
import { show } from '../validate.js';
import { topologicalOrder } from './node.js';

/** One op application as the tape shows it. */
export interface TapeEntry {
  /** Order of recording (increasing along the tape). */
  index: number;
  /** The op's name, e.g. 'matmul'. */
  op: string;
  inputs: readonly Tensor[];
  output: Tensor;
  /** The op's attributes (axes, flags…), or undefined. */
  attrs: unknown;
  /** One VJP formula per input, e.g. 'g · (1 − y²)'. */
  formulas: readonly string[];
}

/** An immutable (Immutable.js) record of one {@link TapeEntry}. */
export type TapeRecord = RecordOf<TapeEntry>;

const makeRecord = Record<TapeEntry>({
  index: 0, op: '', inputs: [], output: undefined as unknown as Tensor, attrs: undefined, formulas: [],
});

/**
 * The records of every op that `t` depends on, in the order they ran. Records are built on demand
 * from the graph reachable from `t` (recording itself stays cheap, and a dropped step's records
 * are garbage collected with it).
 * @example
 * const x = tensor([1, 2], { requiresGrad: true });
 * tape(x.mul(2).sum()).map((r) => r.op).toArray(); // ['mul', 'sum']
 */
export function tape(t: Tensor): List<TapeRecord> {
  if (!(t instanceof Tensor)) throw new Error(`tape: expected a Tensor, got ${show(t)}`);
  const nodes = topologicalOrder([t]).sort((a, b) => a.index - b.index);
  return List(nodes.map((n) => makeRecord({
    index: n.index, op: n.op, inputs: n.inputs, output: n.output, attrs: n.attrs, formulas: n.def.formulas,
  })));
}
