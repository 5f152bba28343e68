/**
 * Every node's gradient for a picture: one extra reverse pass over the existing graph that asks the
 * core engine for d(root)/d(t) of each recorded tensor, without touching any leaf's `.grad`.
 */
import { allocate } from '../dtype.js';
import { runBackward } from '../engine/backward.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * The engine asks its target list `includes(t)` for every node it visits; a picture targets every
 * tensor of the graph, so a Set-backed `includes` keeps that linear instead of quadratic.
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

/** The gradients, or the reason they could not be computed (shown on the picture). */
export type GradientsResult = { grads: Map<Tensor, Tensor> } | { reason: string };

/**
 * d(root)/d(t) for every tensor of `tensors` that requires grad. The walk retains the graph, so a
 * later `root.backward()` still works; a graph already freed by `backward()` gives a reason instead.
 */
export function allGradients(root: Tensor, tensors: readonly Tensor[]): GradientsResult {
  if (!root.requiresGrad) return { reason: 'no gradients: the root does not require grad' };
  if (root.size !== 1) {
    return { reason: `no intermediate gradients: the root ${formatShape(root.shape)} is not a scalar (pass a grads map)` };
  }
  const targets = new TargetList(tensors.filter((t) => t.requiresGrad));
  const seed = allocate(root.dtype, 1);
  seed[0] = 1;
  try {
    const found = runBackward([root], [new Tensor(seed, root.shape)], { retainGraph: true, createGraph: false, targets });
    found.set(root, new Tensor(seed, root.shape));
    return { grads: found };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/second time|freed/.test(message)) {
      return { reason: 'intermediate gradients unavailable: backward() already freed this graph (draw first, or pass { retainGraph: true })' };
    }
    throw e;
  }
}
