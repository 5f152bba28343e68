/**
 * Re-running a recorded graph with some nodes replaced: each op of the tape is applied again, in tape
 * order, to the replayed versions of its inputs. The numpy checker uses it to ask "what is the
 * gradient of this loss without the 1e-8 inside its log?" without re-running the user's program.
 */
import { Tensor } from '../tensor.js';
import { expectFunction, show } from '../validate.js';
import { applyOp } from './op.js';
import type { TapeNode } from './node.js';
import { topologicalOrder } from './node.js';

/**
 * Replays the graph of `root`. For each node, `substitute(node, inputs)` may return a tensor to use
 * instead of re-applying the op (given the node's replayed inputs); returning undefined re-applies
 * it. Leaves and unrecorded constants are shared, not copied. Returns the replayed root and the map
 * from every original recorded tensor to its replayed counterpart.
 * @example
 * const x = tensor([2], { requiresGrad: true });
 * const loss = log(x.add(1e-8)).sum();
 * const { root } = replay(loss, (node, inputs) => (node.op === 'add' ? inputs[0] : undefined));
 * root.item(); // log(2) exactly, the 1e-8 dropped
 */
export function replay(
  root: Tensor,
  substitute: (node: TapeNode, inputs: readonly Tensor[]) => Tensor | undefined,
): { root: Tensor; map: Map<Tensor, Tensor> } {
  if (!(root instanceof Tensor)) throw new Error(`replay: root must be a Tensor, got ${show(root)}`);
  expectFunction('replay', 'substitute', substitute);
  const map = new Map<Tensor, Tensor>();
  for (const node of topologicalOrder([root])) {
    const inputs = node.inputs.map((t) => map.get(t) ?? t);
    const out = substitute(node, inputs) ?? applyOp(node.def, inputs, node.attrs);
    map.set(node.output, out);
  }
  return { root: map.get(root) ?? root, map };
}
