/** Functional transforms: grad(f) and valueAndGrad(f), nestable for higher derivatives. */
import { allocate } from '../dtype.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { runBackward } from './backward.js';
import { copyTangents, forwardMode } from './forward.js';
import { gradMode, withGradMode } from './mode.js';
import { show } from '../validate.js';

/** A function of tensors returning a scalar (size-1) tensor: what grad and valueAndGrad differentiate. */
export type ScalarFn = (...args: Tensor[]) => Tensor;

/**
 * `f` and its gradient at once. `argnums` picks the arguments to differentiate (default: all).
 * Leaves' `.grad` is untouched. Inside another grad's function the backward pass is recorded, so
 * `grad(x => grad(f)(x)[0].sum())` gives second derivatives. Inside `noGrad` it still computes the
 * gradient (a function transform does not depend on the mode around it), returning constants.
 * @example
 * const { value, grads } = valueAndGrad((x: Tensor) => x.mul(x).sum())(tensor([3]));
 * value.item(); grads[0]!.toArray(); // 9, [6]
 */
export function valueAndGrad(f: ScalarFn, argnums?: number | readonly number[]): (...args: Tensor[]) => { value: Tensor; grads: Tensor[] } {
  return transform('valueAndGrad', f, argnums);
}

/** Checks f and argnums once, when the transform is made, with errors in the caller's name. */
function checkTransform(fn: string, f: unknown, argnums: unknown): void {
  if (typeof f !== 'function') throw new Error(`${fn}: f must be a function, got ${show(f)}`);
  if (argnums === undefined) return;
  const list = typeof argnums === 'number' ? [argnums] : argnums;
  if (!Array.isArray(list) || !list.every((i) => Number.isInteger(i) && i >= 0)) {
    throw new Error(`${fn}: argnums must be a non-negative integer or a list of them, got ${show(argnums)}`);
  }
  if (new Set(list).size !== list.length) throw new Error(`${fn}: argnums ${show(argnums)} repeats an argument`);
}

function transform(fn: string, f: ScalarFn, argnums?: number | readonly number[]): (...args: Tensor[]) => { value: Tensor; grads: Tensor[] } {
  checkTransform(fn, f, argnums);
  return (...args: Tensor[]) => {
    const which = argnums === undefined ? args.map((_, i) => i) : typeof argnums === 'number' ? [argnums] : [...argnums];
    for (const i of which) {
      if (i >= args.length) throw new Error(`${fn}: argnum ${i} is out of range for ${args.length} arguments`);
      if (!(args[i] instanceof Tensor)) throw new Error(`${fn}: argument ${i} must be a Tensor, got ${show(args[i])}`);
    }
    // Arguments that are not tracked become fresh leaves sharing their storage.
    const inputs = args.map((a, i) => {
      if (!which.includes(i) || a.requiresGrad) return a;
      const leaf = a.shareVersion(new Tensor(a.storage, a.shape));
      leaf.requiresGrad = true;
      leaf.name = a.name;
      if (forwardMode.depth !== 0) copyTangents(a, leaf); // inside jvp: the leaf carries a's tangents
      return leaf;
    });
    // Recorded only when an enclosing transform differentiates this one (and no noGrad is between).
    const createGraph = gradMode.enabled && gradMode.transformDepth > 0;
    gradMode.transformDepth++;
    let value: Tensor;
    try {
      // NOTE: grad is a function transform: its result depends on f alone, not on a noGrad around
      // the call (torch.func.grad and JAX behave the same; torch.autograd.grad raises instead). So
      // f runs with recording on; a noGrad inside f is still honoured, and around the call it makes
      // the result a constant (untracked), which is what stops an outer transform.
      value = withGradMode(true, () => f(...inputs));
    } finally {
      gradMode.transformDepth--;
    }
    if (!(value instanceof Tensor) || value.size !== 1) {
      throw new Error(
        `${fn}: f must return a scalar Tensor, got ${value instanceof Tensor ? `shape ${formatShape(value.shape)}` : show(value)}`,
      );
    }
    const targets = which.map((i) => inputs[i]!);
    let found = new Map<Tensor, Tensor>();
    if (value.requiresGrad) {
      const seed = allocate(value.dtype, 1);
      seed[0] = 1;
      found = runBackward([value], [new Tensor(seed, value.shape)], { createGraph, retainGraph: createGraph, targets, caller: fn });
    }
    const grads = targets.map((t) => found.get(t) ?? new Tensor(allocate(t.dtype, t.size), t.shape));
    const detached = createGraph ? value : value.detach();
    if (forwardMode.depth !== 0 && detached !== value) copyTangents(value, detached);
    return { value: detached, grads };
  };
}

/**
 * The gradient function of a scalar-valued `f`: one gradient per argument (or per `argnums`).
 * @example
 * const dsq = grad((x: Tensor) => x.mul(x).sum());
 * dsq(tensor([1, 2]))[0]!.toArray(); // [2, 4]
 * // second derivative of x³ at 2: 12
 * grad((x: Tensor) => grad((y: Tensor) => y.pow(3).sum())(x)[0]!.sum())(tensor([2]))[0]!.item();
 */
export function grad(f: ScalarFn, argnums?: number | readonly number[]): (...args: Tensor[]) => Tensor[] {
  const vg = transform('grad', f, argnums);
  return (...args: Tensor[]) => vg(...args).grads;
}
