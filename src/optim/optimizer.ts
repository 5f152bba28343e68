/** The optimizer base: holds named parameters, updates their storage in place outside the tape, saves and restores its state. */
import type { FloatArray } from '../dtype.js';
import { noGrad } from '../engine/mode.js';
import { Tensor } from '../tensor.js';
import { show } from '../validate.js';
import { recordingAtTop } from '../engine/trace-hooks.js';

/** Parameters as `[name, tensor]` pairs (from `module.namedParameters()`), or a bare list (named p0, p1, …). */
export type ParamsInput = readonly Tensor[] | readonly (readonly [string, Tensor])[];

/** A serialisable snapshot of an optimizer: hyperparameters, step count and per-parameter buffers. */
export interface OptimizerState {
  readonly kind: string;
  readonly hyper: Readonly<Record<string, number | boolean>>;
  readonly steps: number;
  /** buffers[bufferName][paramName]: one array per parameter, same length as the parameter. */
  readonly buffers: Readonly<Record<string, Readonly<Record<string, Float64Array>>>>;
}

function normalise(params: ParamsInput): [string, Tensor][] {
  if (!Array.isArray(params)) return [];
  return params.map((p, i): [string, Tensor] => (Array.isArray(p) ? [p[0] as string, p[1] as Tensor] : [`p${i}`, p as Tensor]));
}

/**
 * Base class of SGD, momentum and Adam. Subclasses implement {@link Optimizer.update} on raw buffers;
 * the base walks the parameters, skips those without a gradient and checks shapes.
 */
export abstract class Optimizer {
  readonly params: readonly (readonly [string, Tensor])[];
  /** Number of completed `step()` calls (Adam's bias correction uses it). */
  steps = 0;
  protected readonly bufferNames: readonly string[];
  protected readonly buffers: Map<string, Map<string, Float64Array>> = new Map();

  /** The optimizer's name in messages and checkpoints, e.g. 'SGD+momentum'. */
  readonly kind: string;

  protected constructor(kind: string, params: ParamsInput, bufferNames: readonly string[]) {
    this.kind = kind;
    this.params = normalise(params);
    const seen = new Set<string>();
    if (!Array.isArray(params)) throw new Error(`${kind}: params must be a list of tensors or [name, tensor] pairs, got ${show(params)}`);
    for (const [name, p] of this.params) {
      if (!(p instanceof Tensor)) throw new Error(`${this.kind}: parameter '${name}' must be a Tensor, got ${show(p)}`);
      if (seen.has(name)) throw new Error(`${this.kind}: parameter name '${name}' appears twice`);
      seen.add(name);
      if (!p.requiresGrad) throw new Error(`${this.kind}: parameter '${name}' does not require grad`);
    }
    this.bufferNames = bufferNames;
    for (const b of bufferNames) {
      // Float64 state even for float32 parameters, so momentum sums do not lose bits before the final rounding.
      this.buffers.set(b, new Map(this.params.map(([name, p]) => [name, new Float64Array(p.size)])));
    }
  }

  abstract get hyper(): Record<string, number | boolean>;

  /** Updates one parameter's values `w` in place from its gradient `g` and its state buffers. */
  protected abstract update(w: FloatArray, g: FloatArray, state: Record<string, Float64Array>): void;

  /**
   * Applies one update to every parameter that has a gradient, in place and unrecorded.
   * @example
   * ```ts
   * loss.backward();
   * opt.step();
   * opt.zeroGrad();
   * ```
   */
  step(): void {
    // Inside a compiled step, the whole update is one side effect, repeated on every replay.
    const recorder = recordingAtTop();
    if (recorder !== null) recorder.effect(() => this.stepNow(), []);
    else this.stepNow();
  }

  private stepNow(): void {
    this.steps++;
    noGrad(() => {
      for (const [name, p] of this.params) {
        const g = p.grad;
        if (g === null) continue;
        if (g.size !== p.size) {
          throw new Error(`${this.kind}.step: gradient of '${name}' has ${g.size} values, parameter has ${p.size}`);
        }
        const state: Record<string, Float64Array> = {};
        for (const b of this.bufferNames) state[b] = this.buffers.get(b)!.get(name)!;
        this.update(p.storage, g.storage, state);
        p.markModified(); // a graph recorded before this step can no longer be walked back
      }
    });
  }

  /** Resets every parameter's gradient to null. @example opt.zeroGrad(); */
  zeroGrad(): void {
    for (const [, p] of this.params) p.zeroGrad();
  }

  /**
   * A deep copy of the optimizer's state, for checkpoints.
   * @example
   * ```ts
   * const s = opt.stateDict();
   * other.loadStateDict(s);
   * ```
   */
  stateDict(): OptimizerState {
    const buffers: Record<string, Record<string, Float64Array>> = {};
    for (const [b, m] of this.buffers) {
      buffers[b] = Object.fromEntries([...m].map(([n, a]) => [n, a.slice()]));
    }
    return { kind: this.kind, hyper: { ...this.hyper }, steps: this.steps, buffers };
  }

  /**
   * Restores a state saved by {@link Optimizer.stateDict}; checks kind, parameter names and sizes.
   * Hyperparameters are not taken from the state (the caller's choice wins) but must be present.
   * @example opt.loadStateDict(checkpoint.optimizer);
   */
  loadStateDict(state: OptimizerState): void {
    if (state.kind !== this.kind) {
      throw new Error(`${this.kind}.loadStateDict: state is for optimizer '${state.kind}', not '${this.kind}'`);
    }
    for (const b of this.bufferNames) {
      const saved = state.buffers[b];
      if (saved === undefined) throw new Error(`${this.kind}.loadStateDict: buffer '${b}' missing from state`);
      for (const [name, p] of this.params) {
        const arr = saved[name];
        if (arr === undefined) throw new Error(`${this.kind}.loadStateDict: buffer '${b}' has no entry for parameter '${name}'`);
        if (arr.length !== p.size) {
          throw new Error(`${this.kind}.loadStateDict: buffer '${b}' of '${name}' has ${arr.length} values, parameter has ${p.size}`);
        }
      }
      const extra = Object.keys(saved).filter((n) => !this.params.some(([pn]) => pn === n));
      if (extra.length > 0) throw new Error(`${this.kind}.loadStateDict: state has unknown parameters ${extra.join(', ')}`);
    }
    for (const b of this.bufferNames) {
      const m = this.buffers.get(b)!;
      for (const [name] of this.params) m.get(name)!.set(state.buffers[b]![name]!);
    }
    this.steps = state.steps;
  }
}

/** Throws unless `value` is a finite number in the allowed range. */
export function checkHyper(op: string, name: string, value: number, min: number, max = Infinity, minOpen = false): number {
  const ok = Number.isFinite(value) && (minOpen ? value > min : value >= min) && value <= max;
  if (!ok) throw new Error(`${op}: ${name} must be a finite number in ${minOpen ? '(' : '['}${min}, ${max}${max === Infinity ? ')' : ']'}, got ${value}`);
  return value;
}
