/**
 * Steepest descent on the page's parameters, in slices short enough that the page keeps responding: one compiled
 * step (traced once, replayed over preallocated buffers) when the program allows it, else the eager step.
 */
import { SGD, Tensor, compile, valueAndGrad } from '../../src/index.js';

type LossFn = (params: Record<string, Tensor>) => Tensor;

/** A descent that can be advanced a few iterations at a time. */
export interface Descent {
  /** Runs iterations until `budgetMs` has passed or `max` iterations ran; returns the losses seen. */
  advance(budgetMs: number, max: number): number[];
  /** How the iterations run: 'compiled' (one traced step replayed), 'eager', or 'pending' before the first one. */
  readonly mode: 'pending' | 'compiled' | 'eager';
}

/** Options of {@link steepestDescent}. */
export interface DescentOptions {
  /** Try `compile(step)` first (default true); false keeps the eager step (the reference the tests compare with). */
  compile?: boolean;
}

/** One iteration: the loss at the parameters before the update; the parameters are updated in place. */
type Iteration = () => number;

const lossIsFinite = (v: number, done: number): void => {
  if (!Number.isFinite(v)) throw new Error(`train: the loss became ${v} after ${done} iterations; lower the rate`);
};

/**
 * The eager iteration: valueAndGrad, then p ← p − rate·g in place (outside any recording). The loss is checked
 * before the update, so a non-finite loss leaves the parameters as they were.
 */
function eagerIteration(loss: LossFn, names: readonly string[], leaves: readonly Tensor[], rate: number, done: () => number): Iteration {
  const f = valueAndGrad((...ts: Tensor[]) => loss(Object.fromEntries(names.map((n, i) => [n, ts[i]!]))));
  return () => {
    const { value, grads } = f(...leaves);
    const v = value.item();
    lossIsFinite(v, done());
    leaves.forEach((p, i) => {
      const g = grads[i]!.data();
      const s = p.storage;
      for (let k = 0; k < s.length; k++) s[k] = s[k]! - rate * g[k]!;
      p.markModified();
    });
    return v;
  };
}

/**
 * The compiled iteration: loss, backward and SGD (whose update w ← w − lr·g is the eager loop's, operation for
 * operation) as one step that `compile` traces on the first call and replays after. A replay updates the
 * parameters before the loss can be read, so the loss is checked after the update (the run stops with the same
 * error at the same iteration; only the parameters left behind by the failed iteration differ, and the worker
 * reports none after an error).
 */
function compiledIteration(loss: LossFn, params: Record<string, Tensor>, leaves: readonly Tensor[], rate: number): () => Tensor {
  const opt = new SGD(leaves, { lr: rate });
  return compile(() => {
    const value = loss(params);
    value.backward();
    opt.step();
    opt.zeroGrad();
    return value;
  });
}

/** compile's refusals (a step it cannot replay) are Errors whose message starts with 'compile:'. */
const refusedByCompile = (e: unknown): boolean => e instanceof Error && e.message.startsWith('compile:');

/**
 * Steepest descent p ← p − rate·∂loss/∂p, updating each parameter leaf's storage in place. The step is compiled
 * when the program allows it (fixed shapes, no values read inside the loss); when `compile` refuses it, while
 * tracing the first iteration (before any parameter was touched), the descent goes on eagerly with the same numbers.
 * @example
 * const w = tensor(3, { requiresGrad: true });
 * steepestDescent((p) => p.w!.mul(p.w!), { w }, 0.25).advance(50, 1); // [9]; w is now 1.5
 */
export function steepestDescent(loss: LossFn, params: Record<string, Tensor>, rate: number, options: DescentOptions = {}): Descent {
  if (!Number.isFinite(rate) || rate <= 0) throw new Error(`train: rate must be a positive number, got ${rate}`);
  const names = Object.keys(params);
  if (names.length === 0) throw new Error('train: there are no parameters to train (every value is data)');
  const leaves = names.map((n) => params[n]!);
  let losses: number[] = [];
  const done = (): number => losses.length;
  let mode: Descent['mode'] = 'pending';
  let iteration: Iteration = eagerIteration(loss, names, leaves, rate, done);
  if (options.compile !== false) {
    const step = compiledIteration(loss, params, leaves, rate);
    const compiled: Iteration = () => {
      const v = step().item();
      lossIsFinite(v, done());
      return v;
    };
    // The first call traces: it runs the step eagerly, and compile refuses before backward or the update.
    iteration = () => {
      let value: Tensor;
      try {
        value = step();
      } catch (e) {
        if (!refusedByCompile(e)) throw e;
        for (const p of leaves) p.grad = null;
        iteration = eagerIteration(loss, names, leaves, rate, done);
        mode = 'eager';
        return iteration();
      }
      iteration = compiled;
      mode = 'compiled';
      const v = value.item();
      lossIsFinite(v, done());
      return v;
    };
  } else {
    mode = 'eager';
  }
  return {
    get mode() {
      return mode;
    },
    advance(budgetMs, max) {
      const start = performance.now();
      losses = [];
      while (losses.length < max && (losses.length === 0 || performance.now() - start < budgetMs)) losses.push(iteration());
      return losses;
    },
  };
}
