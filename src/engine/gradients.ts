/**
 * d(root)/d(t) for any set of recorded tensors, leaves or intermediates, in one reverse pass that
 * retains the graph and touches no leaf's `.grad`: what pictures of a graph and the numpy checker's
 * line-by-line comparison both need.
 */
import { allocate } from '../dtype.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { show } from '../validate.js';
import { runBackward } from './backward.js';

/**
 * The walk asks its target list `includes(t)` for every node it visits; asking for every tensor of a
 * graph would make that quadratic, so a Set answers instead.
 */
class TargetList extends Array<Tensor> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  private readonly members: Set<Tensor>;

  constructor(items: readonly Tensor[]) {
    super();
    for (const t of items) this.push(t);
    this.members = new Set(items);
  }

  override includes(t: Tensor): boolean {
    return this.members.has(t);
  }
}

/**
 * d(root)/d(t) for every `t` of `tensors` that requires grad and lies on a path to `root` (others
 * are absent from the map; `root` itself maps to 1). `root` must be a scalar that requires grad.
 * The graph is retained, so a later `root.backward()` still works; a graph already freed by
 * `backward()` throws the engine's "second time" error.
 * @example
 * const x = tensor([1, 2], { requiresGrad: true });
 * const y = x.mul(x);            // an intermediate
 * const loss = y.sum();
 * const g = gradientsOf(loss, [x, y]);
 * g.get(y)!.toArray();           // [1, 1]
 * g.get(x)!.toArray();           // [2, 4]
 * x.grad;                        // null: no leaf was touched
 */
export function gradientsOf(root: Tensor, tensors: readonly Tensor[]): Map<Tensor, Tensor> {
  if (!(root instanceof Tensor)) throw new Error(`gradientsOf: root must be a Tensor, got ${show(root)}`);
  if (!Array.isArray(tensors) || !tensors.every((t) => t instanceof Tensor)) {
    throw new Error(`gradientsOf: tensors must be an array of Tensors, got ${show(tensors)}`);
  }
  if (!root.requiresGrad) throw new Error('gradientsOf: the root does not require grad (no recorded op leads to it)');
  if (root.size !== 1) throw new Error(`gradientsOf: the root must be a scalar, got shape ${formatShape(root.shape)}`);
  const targets = new TargetList(tensors.filter((t) => t.requiresGrad));
  const seed = allocate(root.dtype, 1);
  seed[0] = 1;
  const found = runBackward([root], [new Tensor(seed, root.shape)], { retainGraph: true, createGraph: false, targets });
  found.set(root, new Tensor(seed, root.shape));
  return found;
}
