/**
 * The backward pass one op at a time: the same reverse walk as the engine (tape order reversed, each op's own
 * VJP, gradients summed where a value is used twice), but kept as a list of steps a page can move through.
 */
import { Tensor, noGrad, ones, add, tape } from '../../src/index.js';
import type { TapeRecord } from '../../src/index.js';

/** One op's turn in the backward pass. */
export interface BackwardStep {
  readonly record: TapeRecord;
  /** The gradient arriving at the op's output (d loss / d output), or null when none flows there. */
  readonly upstream: Tensor | null;
  /** What the op's VJP sends to each input (null: not needed, or nothing flowed). */
  readonly inputGrads: readonly (Tensor | null)[];
}

/** Every step of one backward pass, from the loss back to the leaves. */
export interface BackwardTrace {
  readonly loss: Tensor;
  readonly steps: readonly BackwardStep[];
}

/**
 * Runs the backward walk of `loss` step by step with each op's registered VJP; nothing is accumulated into `.grad`.
 * @example
 * const w = tensor(2, { requiresGrad: true });
 * const trace = traceBackward(w.mul(w).sum());
 * gradientsAfter(trace, trace.steps.length).get(w)!.item(); // 4
 */
export function traceBackward(loss: Tensor): BackwardTrace {
  if (loss.size !== 1) throw new Error(`traceBackward: the loss must have one element, got shape [${loss.shape.join(',')}]`);
  const records = tape(loss).toArray().reverse();
  const pending = new Map<Tensor, Tensor>([[loss, ones([...loss.shape], { dtype: loss.dtype })]]);
  const steps: BackwardStep[] = [];
  noGrad(() => {
    for (const record of records) {
      const upstream = pending.get(record.output) ?? null;
      const node = record.output.node;
      if (upstream === null || node === null) {
        steps.push({ record, upstream: null, inputGrads: record.inputs.map(() => null) });
        continue;
      }
      const needsGrad = record.inputs.map((t) => t.requiresGrad);
      const result = node.def.vjp(
        { inputs: node.inputs, output: node.output, attrs: node.attrs, saved: node.saved, needsGrad, createGraph: false },
        upstream,
      );
      const inputGrads = record.inputs.map((input, i) => (needsGrad[i] ? result[i] ?? null : null));
      inputGrads.forEach((g, i) => {
        if (g === null) return;
        const input = record.inputs[i]!;
        const before = pending.get(input);
        pending.set(input, before === undefined ? g : add(before, g));
      });
      steps.push({ record, upstream, inputGrads });
    }
  });
  return { loss, steps };
}

/**
 * d loss / d t for every tensor reached after the first `done` steps (the loss itself is known before any step).
 * @example
 * gradientsAfter(trace, 0).get(trace.loss)!.item(); // 1
 */
export function gradientsAfter(trace: BackwardTrace, done: number): Map<Tensor, Tensor> {
  const grads = new Map<Tensor, Tensor>([[trace.loss, ones([...trace.loss.shape], { dtype: trace.loss.dtype })]]);
  noGrad(() => {
    for (const step of trace.steps.slice(0, done)) {
      step.inputGrads.forEach((g, i) => {
        if (g === null) return;
        const input = step.record.inputs[i]!;
        const before = grads.get(input);
        grads.set(input, before === undefined ? g : add(before, g));
      });
    }
  });
  return grads;
}
