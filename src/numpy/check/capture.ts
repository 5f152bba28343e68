/**
 * Statement events turned into plain records at the moment they happen: which arrays a line bound
 * and which it read, as tensors. Arrays are mutable boxes in the interpreter (an in-place edit
 * rebinds them), so the tensor must be taken then, not later.
 */
import type { PyValue, StatementEvent } from '../host.js';
import { asTensor, dictEntries, isNdArray, listItems, pyStr } from '../host.js';
import type { Tensor } from '../../tensor.js';

/** One executed statement, with its arrays. */
export interface Captured {
  /** Execution order within the traced call. */
  readonly seq: number;
  readonly line: number;
  readonly endLine: number;
  readonly text: string;
  readonly kind: StatementEvent['kind'];
  readonly depth: number;
  readonly functionName: string;
  readonly callId: number;
  readonly assigned: ReadonlyArray<{ target: string; tensor: Tensor }>;
  readonly reads: ReadonlyArray<{ name: string; tensor: Tensor }>;
}

/** The arrays inside a value: itself, or the items of a list/tuple/dict (two levels deep). */
export function arraysIn(v: PyValue, label: string, depth = 0): { name: string; tensor: Tensor }[] {
  if (isNdArray(v)) {
    const t = asTensor(v);
    return t === null ? [] : [{ name: label, tensor: t }];
  }
  if (depth >= 2) return [];
  const items = listItems(v);
  if (items !== null) return items.flatMap((x, i) => arraysIn(x, `${label}[${i}]`, depth + 1));
  const entries = dictEntries(v);
  if (entries !== null) return entries.flatMap(([k, x]) => arraysIn(x, `${label}[${JSON.stringify(pyStr(k))}]`, depth + 1));
  return [];
}

/** Captures one event (see the module comment for why now). */
export function capture(e: StatementEvent, seq: number): Captured {
  return {
    seq, line: e.line, endLine: e.endLine, text: e.text, kind: e.kind,
    depth: e.frame.depth, functionName: e.frame.functionName, callId: e.frame.callId,
    assigned: e.assigned.flatMap((a) => arraysIn(a.value, a.target).map((x) => ({ target: x.name, tensor: x.tensor }))),
    reads: e.reads.flatMap((r) => arraysIn(r.value, r.name)),
  };
}
