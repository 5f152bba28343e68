/** What keeps a training run honest: divergence detection, and an output folder that is checked before anything is written. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTemps } from '../../io/atomic.js';

/** Thrown when training diverges: the loss is NaN/±Infinity, grows far past its start, or the weights blow up. */
export class DivergenceError extends Error {
  /** What to try instead, one sentence. */
  readonly advice: string;

  /**
   * @param step - the optimizer step (or iteration) at which divergence was seen, from 1.
   * @param epoch - the epoch (0 for runs without epochs), `batch` the batch within it.
   * @param what - what was seen, e.g. `loss is NaN` or `the loss grew from 2.3 to 5.8e6`.
   */
  constructor(readonly step: number, readonly epoch: number, readonly batch: number, readonly loss: number,
    what = `loss is ${loss}`, advice = 'Try a smaller --lr, pixels scaled to [0, 1] (--scale 255) or a smaller --init.') {
    const where = epoch > 0 ? `at step ${step} (epoch ${epoch}, batch ${batch})` : `at iteration ${step}`;
    super(`training diverged: ${what} ${where}; stopped. ${advice}`);
    this.name = 'DivergenceError';
    this.advice = advice;
  }
}

/** The smoothed loss may grow to this many times its reference before the run counts as diverged. */
export const LOSS_GROWTH_LIMIT = 10;
/** Weights past this magnitude are far outside any trained network's range (float32 keeps ~7 digits, so updates vanish). */
export const WEIGHT_LIMIT = 1e8;

/**
 * Watches a classifier's batch losses. The reference is the larger of the first batch's loss and
 * ln(classes) (a uniform guess's loss); the run diverges when the loss is not finite or when a
 * running mean over about 500 samples exceeds {@link LOSS_GROWTH_LIMIT} × the reference. Averaging
 * keeps one unlucky sample of a per-sample run (batch 1) from stopping it.
 *
 * @example
 * ```ts
 * const watch = new LossWatch(10, 'Try a smaller --lr.');
 * watch.observe(2.4, 50, 1, 1, 1); // fine
 * watch.observe(5e6, 50, 2, 1, 2); // throws DivergenceError: the loss grew from 2.4 to …
 * ```
 */
export class LossWatch {
  private reference = NaN;
  private smoothed = NaN;

  constructor(private readonly classes: number, private readonly advice: string) {}

  /** Records one batch's mean loss over `samples` samples; throws {@link DivergenceError} when the run diverged. */
  observe(loss: number, samples: number, step: number, epoch: number, batch: number): void {
    if (!Number.isFinite(loss)) throw new DivergenceError(step, epoch, batch, loss, `loss is ${loss}`, this.advice);
    if (Number.isNaN(this.reference)) {
      this.reference = Math.max(loss, Math.log(this.classes));
      this.smoothed = loss;
      return;
    }
    const weight = Math.min(1, samples / 500);
    this.smoothed += weight * (loss - this.smoothed);
    if (this.smoothed > LOSS_GROWTH_LIMIT * this.reference) {
      throw new DivergenceError(step, epoch, batch, loss,
        `the loss grew from ${fmt(this.reference)} to ${fmt(this.smoothed)} (mean over recent batches)`, this.advice);
    }
  }
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toPrecision(3);
}

/**
 * The largest |value| among the given arrays (NaN if any value is NaN).
 * @example
 * ```ts
 * largestMagnitude([new Float64Array([1, -3])]); // 3
 * ```
 */
export function largestMagnitude(arrays: Iterable<ArrayLike<number>>): number {
  let m = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]!);
      if (!(v <= m)) m = v;
    }
  }
  return m;
}

/**
 * Throws {@link DivergenceError} when a weight is NaN or past {@link WEIGHT_LIMIT}.
 * @example
 * ```ts
 * checkWeights(model.parameters().map((p) => p.storage), step, epoch, batch, 'Try a smaller --lr.');
 * ```
 */
export function checkWeights(arrays: Iterable<ArrayLike<number>>, step: number, epoch: number, batch: number, advice: string): void {
  const m = largestMagnitude(arrays);
  if (!(m <= WEIGHT_LIMIT)) {
    throw new DivergenceError(step, epoch, batch, NaN, `a weight reached ${Number.isNaN(m) ? 'NaN' : m.toExponential(2)} (limit ${WEIGHT_LIMIT.toExponential(0)})`, advice);
  }
}

/** How a run may treat its output folder. */
export interface OutputOptions {
  resume?: boolean;
  /** Overwrite another run's checkpoint instead of refusing. */
  force?: boolean;
}

/**
 * Gets an output folder ready before a run writes anything: creates it if missing, removes
 * temporary files that an interrupted save (a `kill -9`) left behind, and refuses a folder that
 * holds another run's checkpoint unless the run resumes it or is forced to overwrite it.
 *
 * @returns the checkpoint's path and the names of the stale temporary files removed.
 * @throws Error in one line naming the folder or file: not a folder, cannot be created, nothing to
 *   resume, or a checkpoint that would be overwritten.
 * @example
 * ```ts
 * prepareOutput('runs/seed000', { resume: false }); // { checkpoint: 'runs/seed000/checkpoint.json', removed: [] }
 * ```
 */
export function prepareOutput(out: string, options: OutputOptions = {}): { checkpoint: string; removed: string[] } {
  const checkpoint = join(out, 'checkpoint.json');
  if (existsSync(out) && !statSync(out).isDirectory()) throw new Error(`output folder ${out} is a file, not a folder`);
  if (options.resume && !existsSync(checkpoint)) {
    throw new Error(`cannot resume: ${checkpoint} does not exist (train without --resume first)`);
  }
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new Error(`cannot create output folder ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const removed = removeStaleTemps(out);
  if (!options.resume && !options.force && existsSync(checkpoint)) {
    throw new Error(`${out} already holds a training checkpoint (${checkpoint}); ` +
      'pass --resume to continue that run, --force to overwrite it, or choose another --out');
  }
  return { checkpoint, removed };
}
