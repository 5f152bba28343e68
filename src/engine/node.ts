/** One entry of the tape: which op ran, on which inputs, what it produced and what it saved for backward. */
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op.js';

let recorded = 0;

/**
 * A recorded op application. Nodes are reachable only from the tensors they produced, so the
 * records of a finished training step are garbage once its loss is dropped: nothing piles up.
 * @example
 * const y = tensor([1], { requiresGrad: true }).mul(3);
 * y.node!.op;             // 'mul'
 * y.node!.inputs.length;  // 2
 */
export class TapeNode {
  /** Order of recording, global and increasing: sorts any set of records into tape order. */
  readonly index: number = recorded++;
  /** Set by a backward pass that did not retain the graph: saved values are gone. */
  released = false;
  /** Scratch mark used by graph walks so each node is visited once per walk. */
  mark = 0;
  /**
   * The versions of the inputs (then of the output) when the op ran, or null when none had a
   * version counter (all at version 0): backward checks them (see Tensor.markModified).
   */
  versions: number[] | null = null;

  constructor(
    readonly def: OpDef<any>,
    readonly inputs: readonly Tensor[],
    readonly output: Tensor,
    readonly attrs: unknown,
    public saved: unknown,
  ) {}

  get op(): string {
    return this.def.name;
  }
}

let walkCounter = 0;

/** A fresh mark value for one graph walk. */
function newWalkMark(): number {
  return ++walkCounter;
}

/**
 * The nodes that produced `roots`, inputs before the ops that use them (post-order, iterative so
 * graphs of any depth fit: no recursion, no stack overflow).
 */
export function topologicalOrder(roots: readonly Tensor[]): TapeNode[] {
  const mark = newWalkMark();
  const order: TapeNode[] = [];
  const stack: TapeNode[] = [];
  const nextInput: number[] = [];
  for (const root of roots) {
    const start = root.node;
    if (start === null || start.mark === mark) continue;
    start.mark = mark;
    stack.push(start);
    nextInput.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const node = stack[top]!;
      const i = nextInput[top]!;
      if (i < node.inputs.length) {
        nextInput[top] = i + 1;
        const child = node.inputs[i]!.node;
        if (child !== null && child.mark !== mark) {
          child.mark = mark;
          stack.push(child);
          nextInput.push(0);
        }
      } else {
        stack.pop();
        nextInput.pop();
        order.push(node);
      }
    }
  }
  return order;
}
