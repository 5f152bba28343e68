/**
 * Every node's gradient for a picture: the engine's {@link gradientsOf} over the whole graph, with the
 * reasons it cannot run said in the picture's words instead of thrown.
 */
import { gradientsOf } from '../engine/gradients.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

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
  try {
    return { grads: gradientsOf(root, tensors) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/second time|freed/.test(message)) {
      return { reason: 'intermediate gradients unavailable: backward() already freed this graph (draw first, or pass { retainGraph: true })' };
    }
    throw e;
  }
}
