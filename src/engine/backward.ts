/**
 * Reverse mode: walk the recorded nodes from the outputs back to the inputs, calling each op's VJP
 * and summing the gradients that reach a tensor along several paths. Knows no op by name.
 */
import { allocate, convertStorage } from '../dtype.js';
import { formatShape, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add } from '../ops/arithmetic.js';
import { forwardMode } from './forward.js';
import { withGradMode } from './mode.js';
import { recordingAtTop, traceHooks } from './trace-hooks.js';
import { expectFlag, expectOptions, show } from '../validate.js';
import type { TapeNode } from './node.js';
import { topologicalOrder } from './node.js';

/** Options of {@link backward}. */
export interface BackwardOptions {
  /** Keep saved values so the same graph can be walked again. Defaults to `createGraph`. */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradients can be differentiated again. */
  createGraph?: boolean;
}

interface Pass {
  retainGraph: boolean;
  createGraph: boolean;
  /** When set, gradients are wanted only for these tensors and no leaf's `.grad` is touched. */
  targets: readonly Tensor[] | null;
  /** The public function that started the walk, for error messages (default 'backward'). */
  caller?: string;
}

/**
 * The core walk. Returns the gradient reaching each target (grad mode), or accumulates into the
 * `.grad` of every leaf that requires grad (backward mode, targets null).
 */
export function runBackward(roots: readonly Tensor[], seeds: readonly Tensor[], pass: Pass): Map<Tensor, Tensor> {
  const grads = new Map<Tensor, Tensor>();
  const leafGrads = new Map<Tensor, Tensor>();
  for (let i = 0; i < roots.length; i++) {
    // A root that is itself a leaf (a parameter, or an op that handed back its input unchanged:
    // same-shape reshape, identity transpose, same-dtype cast) gets its seed, as in PyTorch.
    const root = roots[i]!;
    if (root.node !== null) accumulate(grads, root, seeds[i]!);
    else if (pass.targets === null ? root.requiresGrad : pass.targets.includes(root)) accumulate(leafGrads, root, seeds[i]!);
  }
  const order = topologicalOrder(roots);
  const relevant = pass.targets === null ? null : nodesLeadingTo(order, pass.targets);

  withGradMode(pass.createGraph, () => {
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k]!;
      if (relevant !== null && !relevant.has(node)) continue;
      const g = grads.get(node.output);
      if (g === undefined) continue; // nothing flowed here (an unused branch)
      if (pass.targets === null || !pass.targets.includes(node.output)) grads.delete(node.output);
      const inputGrads = callVjp(node, g, pass, relevant);
      for (let i = 0; i < node.inputs.length; i++) {
        const gi = inputGrads[i];
        if (gi === null || gi === undefined) continue;
        const input = node.inputs[i]!;
        if (input.node !== null) accumulate(grads, input, gi);
        else if (pass.targets === null ? input.requiresGrad : pass.targets.includes(input)) {
          accumulate(leafGrads, input, gi);
        }
      }
      if (!pass.retainGraph) {
        node.released = true;
        node.saved = undefined;
      }
    }
    if (pass.targets === null) {
      const recorder = recordingAtTop();
      for (const [leaf, g0] of leafGrads) {
        // Setting .grad is a side effect a compiled step repeats on every replay.
        if (recorder !== null) recorder.effect(([g]) => setLeafGrad(leaf, g!, false), [g0], leaf);
        else setLeafGrad(leaf, g0, pass.createGraph);
      }
    }
  });
  for (const [leaf, g] of leafGrads) grads.set(leaf, g);
  return grads;
}

/** leaf.grad ← g (or leaf.grad + g when it already holds one). */
function setLeafGrad(leaf: Tensor, g0: Tensor, createGraph: boolean): void {
  // A tracked seed can reach a leaf unchanged (through add, or a leaf root): without
  // createGraph, .grad holds values only, never a piece of the seed's graph.
  const g = !createGraph && g0.requiresGrad ? g0.detach() : g0;
  leaf.grad = leaf.grad === null ? g : add(leaf.grad, g);
}

function accumulate(map: Map<Tensor, Tensor>, key: Tensor, g: Tensor): void {
  const previous = map.get(key);
  map.set(key, previous === undefined ? g : add(previous, g));
}

/** Nodes on some path from a target to the roots: the only ones a grad() call needs to visit. */
function nodesLeadingTo(order: readonly TapeNode[], targets: readonly Tensor[]): Set<TapeNode> {
  const leads = new Set<TapeNode>();
  for (const node of order) {
    for (const input of node.inputs) {
      if (targets.includes(input) || (input.node !== null && leads.has(input.node))) {
        leads.add(node);
        break;
      }
    }
  }
  return leads;
}

function callVjp(node: TapeNode, g: Tensor, pass: Pass, relevant: Set<TapeNode> | null): readonly (Tensor | null)[] {
  const { createGraph } = pass;
  if (node.released) {
    throw new Error(
      `${pass.caller ?? 'backward'}: trying to go backward through op '${node.op}' a second time, but its saved values were ` +
        `freed by the first backward; pass { retainGraph: true } to the first backward() if you need this`,
    );
  }
  checkVersions(node, pass.caller ?? 'backward');
  // A plain loop (no closure per call): this runs once per node of every backward pass.
  const inputs = node.inputs;
  const needsGrad = new Array<boolean>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i]!;
    needsGrad[i] = t.requiresGrad && (relevant === null || t.node === null || relevant.has(t.node));
  }
  // Inside jvp (forward over reverse) tangents flow through the VJP's ops: saved constants must
  // not replace them, exactly as when the backward is recorded.
  const ctx = { inputs: node.inputs, output: node.output, attrs: node.attrs, saved: node.saved, needsGrad, createGraph: createGraph || forwardMode.depth !== 0 };
  const recorder = recordingAtTop();
  const result = recorder !== null
    ? recorder.vjp(node, g, needsGrad, () => node.def.vjp(ctx, g))
    : node.def.vjp(ctx, g);
  checkVjpResult(node, result);
  return result;
}

/**
 * Every VJP may read its op's inputs and output, so all of them count as saved: one changed in place
 * since the op ran (its version moved on, see Tensor.markModified) would give gradients of values
 * that are gone. PyTorch raises the same error, though only for the tensors a formula saves.
 */
function checkVersions(node: TapeNode, caller: string): void {
  const { inputs, versions } = node;
  const n = inputs.length;
  for (let i = 0; i <= n; i++) {
    const t = i < n ? inputs[i]! : node.output;
    if (t.versionCell === null) continue; // never modified, never viewed: still at version 0
    const expected = versions === null ? 0 : versions[i]!;
    if (t.version === expected) continue;
    const what = t.name !== undefined ? t.name
      : `an unnamed ${t.dtype} tensor ${formatShape(t.shape)} (${i < n ? `input ${i}` : 'the output'} of ${node.op})`;
    throw new Error(
      `${caller}: one of the tensors needed for gradient computation has been modified by an inplace operation: ` +
        `${what} is at version ${t.version}; expected version ${expected} (saved by ${node.op}). Run the forward ` +
        `again after changing it (an optimizer step), or finish every backward through it first`,
    );
  }
}

/** The engine checks every VJP: count, shape and dtype, naming the op and input when one is wrong. */
function checkVjpResult(node: TapeNode, result: readonly (Tensor | null)[]): void {
  if (!Array.isArray(result) || result.length !== node.inputs.length) {
    throw new Error(
      `backward of '${node.op}' returned ${Array.isArray(result) ? result.length : typeof result} gradients ` +
        `for ${node.inputs.length} inputs`,
    );
  }
  for (let i = 0; i < result.length; i++) {
    const gi = result[i];
    const input = node.inputs[i]!;
    if (gi === null || gi === undefined) continue;
    if (!(gi instanceof Tensor)) {
      throw new Error(`backward of '${node.op}' returned a ${typeof gi} for input ${i}, expected a Tensor or null`);
    }
    if (!sameShape(gi.shape, input.shape)) {
      throw new Error(
        `backward of '${node.op}' returned a gradient of shape ${formatShape(gi.shape)} for input ${i}, ` +
          `which has shape ${formatShape(input.shape)}`,
      );
    }
    if (gi.dtype !== input.dtype) {
      throw new Error(
        `backward of '${node.op}' returned a ${gi.dtype} gradient for input ${i}, which is ${input.dtype}`,
      );
    }
  }
}

/**
 * `loss.backward()`: accumulate d(loss)/d(leaf) into every leaf's `.grad`.
 * A non-scalar tensor needs an explicit `gradient` of its own shape.
 * @example
 * const x = tensor([1, 2], { requiresGrad: true });
 * backward(x.mul(x).sum());
 * x.grad!.toArray(); // [2, 4]
 */
export function backward(root: Tensor, gradient?: Tensor, options: BackwardOptions = {}): void {
  if (!(root instanceof Tensor)) throw new Error(`backward: expected a Tensor to differentiate, got ${show(root)}`);
  expectOptions('backward', options, ['retainGraph', 'createGraph']);
  expectFlag('backward', 'retainGraph', options.retainGraph);
  expectFlag('backward', 'createGraph', options.createGraph);
  if (!root.requiresGrad) {
    throw new Error(
      `backward: this tensor ${formatShape(root.shape)} does not require grad: no input of the ops ` +
        `that made it has requiresGrad, or it was computed inside noGrad()`,
    );
  }
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new Error(
        `backward: a gradient argument is needed for a non-scalar output of shape ${formatShape(root.shape)} ` +
          `(pass a tensor of that shape, e.g. ones(${formatShape(root.shape)}))`,
      );
    }
    const one = allocate(root.dtype, 1);
    one[0] = 1;
    seed = new Tensor(one, root.shape);
  } else {
    if (!(gradient instanceof Tensor)) throw new Error(`backward: gradient must be a Tensor, got ${show(gradient)}`);
    if (!sameShape(gradient.shape, root.shape)) {
      throw new Error(
        `backward: gradient has shape ${formatShape(gradient.shape)} but the output has shape ${formatShape(root.shape)}`,
      );
    }
    seed = gradient.dtype === root.dtype ? gradient : new Tensor(convertStorage(gradient.storage, root.dtype), root.shape);
  }
  const createGraph = options.createGraph ?? false;
  if (createGraph && traceHooks.recorder !== null) traceHooks.recorder.refuse('backward({ createGraph: true })');
  runBackward([root], [seed], { createGraph, retainGraph: options.retainGraph ?? createGraph, targets: null });
}
