/**
 * `checkNumpyTraced(source)`: {@link checkNumpy}'s verdict plus, for every `tapegrad.verify`, the
 * forward pass the interpreter recorded (the loss tensor with its tape, its intermediates named with
 * the user's own variable names) and the three ways per parameter as numbers (hand, autodiff of the
 * user's forward, float64 central differences), for pages that draw the graph and the table.
 * Browser-safe: nothing here touches Node.
 */
import { gradientsOf } from '../../engine/gradients.js';
import { noGrad } from '../../engine/mode.js';
import { topologicalOrder } from '../../engine/node.js';
import { Tensor } from '../../tensor.js';
import { show } from '../../validate.js';
import type { CallContext, PyValue, StatementEvent } from '../host.js';
import { PyError, asTensor, defineModule, dictEntries, hostFunction, listItems, pyStr, toPy } from '../host.js';
import { runNumpy } from '../run.js';
import { capture, type Captured } from './capture.js';
import { formatCheck } from './format.js';
import type { CheckError, CheckNumpyOptions, CheckResult } from './index.js';
import type { Params, Slot as VerifySlot, VerifyCheck } from './verify.js';
import { leaf, resolveParams, runVerify } from './verify.js';

/** One parameter's three ways, element by element (row-major, in the parameter's shape). */
export interface ThreeWay {
  readonly name: string;
  readonly shape: number[];
  /** The user's hand gradient (null when `grads` gave none for this parameter, or of another size). */
  readonly hand: Float64Array | null;
  /** d loss / d parameter by reverse mode through the user's own forward (zeros when it does not reach the loss). */
  readonly autodiff: Float64Array;
  /** Central differences of the user's loss in float64; NaN for elements not sampled (see `sampled`). */
  readonly numerical: Float64Array;
  /** True when only some elements got finite differences (large parameters). */
  readonly sampled: boolean;
  /** False when the loss does not depend on this parameter at all. */
  readonly reachesLoss: boolean;
}

/** The forward pass of one `tapegrad.verify`, as recorded. */
export interface ForwardTrace {
  /** The line and column of the `tapegrad.verify` call. */
  readonly line: number;
  readonly column: number;
  /** The loss as the user's `loss` returned it, with its tape (gradients not yet taken). */
  readonly loss: Tensor;
  /** Every recorded tensor a statement of the forward bound, by the user's name for it (`Z1`, `A2`, `W1`). */
  readonly names: ReadonlyMap<Tensor, string>;
  /** The source line that bound each named tensor (parameters are absent). */
  readonly lines: ReadonlyMap<Tensor, number>;
  /** The parameters as leaves of that tape, by name (`W1`, or `weights[0]` for a list of arrays). */
  readonly params: Readonly<Record<string, Tensor>>;
  /** The three ways per parameter, in `params` order. */
  readonly table: ThreeWay[];
}

/** What {@link checkNumpyTraced} found: checkNumpy's result and one trace per verify that finished. */
export interface TracedCheckResult extends CheckResult {
  /** `traces[i]` belongs to `checks[i]`. */
  readonly traces: ForwardTrace[];
}

/** Above this many parameter elements in one verify, finite differences sample elements. */
const FULL_FD_LIMIT = 2000;
/** Elements per parameter when sampling. */
const SAMPLES = 48;

type Slot = VerifySlot;
type Layout = Params;

/**
 * The parameters as verify reads them (verify.ts's own resolution, so both see the same slots in the
 * same order), or null when they are not arrays. Errors are runVerify's to raise: this runs after it
 * succeeded.
 */
function layoutOf(ctx: CallContext, params: PyValue): Layout | null {
  try {
    return resolveParams(ctx, params);
  } catch {
    return null;
  }
}

/** The loss tensor of what `loss` returned (a number, or a tuple whose first item is the loss). */
function lossTensor(v: PyValue): Tensor | null {
  const items = listItems(v);
  return asTensor(items !== null && items.length > 0 ? items[0]! : v);
}

/** The user's names for the tensors the forward bound: shallowest frame first, then execution order. */
function namesOf(events: readonly Captured[], slots: readonly Slot[], leaves: readonly Tensor[], loss: Tensor | null): { names: Map<Tensor, string>; lines: Map<Tensor, number> } {
  const names = new Map<Tensor, string>();
  const lines = new Map<Tensor, number>();
  slots.forEach((s, i) => names.set(leaves[i]!, s.name));
  const assigned = events.flatMap((e) => e.assigned.map((a) => ({ e, a })))
    .filter(({ a }) => a.tensor.requiresGrad && !a.target.startsWith('<return>'))
    .sort((x, y) => x.e.depth - y.e.depth || x.e.seq - y.e.seq);
  for (const { e, a } of assigned) {
    if (names.has(a.tensor)) continue;
    names.set(a.tensor, a.target);
    lines.set(a.tensor, e.line);
  }
  // A loss no statement named (`return 0.5 * (yhat - y) ** 2`) takes the name of the def that returned it (J, cost).
  if (loss !== null && !names.has(loss)) {
    const ret = events.filter((e) => e.kind === 'return' && e.functionName !== '<lambda>' && e.assigned.some((a) => a.tensor === loss))
      .sort((x, y) => x.depth - y.depth)[0];
    if (ret !== undefined) {
      names.set(loss, ret.functionName);
      lines.set(loss, ret.line);
    }
  }
  return { names, lines };
}

/** Which elements get finite differences: all of them, or an even spread of SAMPLES per parameter. */
function fdElements(size: number, sample: boolean): number[] {
  if (!sample || size <= SAMPLES) return Array.from({ length: size }, (_, i) => i);
  return Array.from({ length: SAMPLES }, (_, k) => Math.floor((k * size) / SAMPLES));
}

/** The hand gradient verify matched to a parameter, by the key it reported (`dW1`, `#0`). */
function handOf(result: PyValue, key: string | null): Tensor | null {
  if (key === null) return null;
  if (key.startsWith('#')) return asTensor(listItems(result)?.[Number(key.slice(1))] ?? null);
  const hit = dictEntries(result)?.find(([k]) => pyStr(k) === key);
  return hit === undefined ? null : asTensor(hit[1]);
}

/** Records the forward and the three ways for one verify that runVerify already judged. */
function traceVerify(ctx: CallContext, args: PyValue[], kwargs: Record<string, PyValue>, check: VerifyCheck): ForwardTrace | null {
  const [paramsArg, lossFn, gradsFn] = [args[0] ?? kwargs['params'], args[1] ?? kwargs['loss'], args[2] ?? kwargs['grads']];
  const layout = layoutOf(ctx, paramsArg);
  if (layout === null) return null;
  const { slots } = layout;
  try {
    const leaves = slots.map((s) => leaf(s.original, true));
    const events: Captured[] = [];
    let seq = 0;
    const value = ctx.trace((e: StatementEvent) => events.push(capture(e, seq++)), () => ctx.call(lossFn, layout.install(leaves)));
    const loss = lossTensor(value);
    if (loss === null || loss.size !== 1) return null;
    const { names, lines } = namesOf(events, slots, leaves, loss);
    const grads = loss.requiresGrad ? gradientsOf(loss, leaves) : new Map<Tensor, Tensor>();

    const handResult = ctx.call(gradsFn, layout.install(slots.map((s) => leaf(s.original, false))));
    const evaluate = (ts: readonly Tensor[]): number => {
      const t = lossTensor(ctx.call(lossFn, layout.install(ts)));
      return t === null ? Number.NaN : Number(t.storage[0]);
    };
    const total = slots.reduce((n, s) => n + s.original.size, 0);
    const table = noGrad(() => slots.map((s, i): ThreeWay => {
      const verdict = check.params.find((p) => p.name === s.name);
      const hand = handOf(handResult, verdict?.key ?? null);
      const g = grads.get(leaves[i]!);
      const numerical = new Float64Array(s.original.size).fill(Number.NaN);
      const base = slots.map((o) => leaf(o.original, false));
      for (const k of fdElements(s.original.size, total > FULL_FD_LIMIT)) {
        const x = Number(s.original.storage[k]);
        const h = 1e-6 * Math.max(1, Math.abs(x));
        const at = (v: number): number => {
          const ts = base.slice();
          const p = leaf(s.original, false);
          p.storage[k] = v;
          ts[i] = p;
          return evaluate(ts);
        };
        numerical[k] = (at(x + h) - at(x - h)) / (2 * h);
      }
      return {
        name: s.name, shape: [...s.original.shape],
        hand: hand !== null && hand.size === s.original.size ? Float64Array.from(hand.storage) : null,
        autodiff: g === undefined ? new Float64Array(s.original.size) : Float64Array.from(g.storage),
        numerical, sampled: total > FULL_FD_LIMIT && s.original.size > SAMPLES, reachesLoss: g !== undefined,
      };
    }));
    return {
      line: check.line, column: check.column, loss, names, lines,
      params: Object.fromEntries(slots.map((s, i) => [s.name, leaves[i]!])), table,
    };
  } finally {
    layout.restore();
  }
}

/**
 * Runs `source` like {@link checkNumpy} (same result fields, same printed verdicts) and also returns,
 * per `tapegrad.verify`, the recorded forward pass with the user's names and the three ways as numbers.
 * @example
 * const r = checkNumpyTraced(`
 * import numpy as np
 * import tapegrad
 * X = np.array([[1.0, 2.0], [3.0, -1.0]])
 * def loss(p):
 *     z = X @ p["w"]
 *     return np.sum(z ** 2) / 2
 * tapegrad.verify({"w": np.array([0.5, -0.25])}, loss, lambda p: {"dw": X.T @ (X @ p["w"])})
 * `);
 * r.exitCode;                                  // 0
 * [...r.traces[0]!.names.values()];            // ['w', 'z', 'loss']
 * Array.from(r.traces[0]!.table[0]!.autodiff); // [5.25, -1.75]
 */
export function checkNumpyTraced(source: string, options: CheckNumpyOptions = {}): TracedCheckResult {
  if (typeof source !== 'string') throw new Error(`checkNumpyTraced: source must be the Python text (a string), got ${show(source)}`);
  const filename = options.filename ?? '<input>';
  let stdout = '';
  const say = (t: string): void => {
    stdout += t;
    options.stdout?.(t);
  };
  const checks: VerifyCheck[] = [];
  const traces: ForwardTrace[] = [];
  const tapegrad = defineModule('tapegrad', {
    verify: hostFunction('verify', (args, kwargs, ctx) => {
      const check = runVerify(args, kwargs, ctx);
      checks.push(check);
      say(`${formatCheck(check)}\n`);
      const trace = traceVerify(ctx, args, kwargs, check);
      if (trace !== null) traces.push(trace);
      return toPy(check.ok);
    }),
  });
  try {
    const run = runNumpy(source, {
      filename, stdout: say, modules: [tapegrad, ...(options.modules ?? [])],
      ...(options.outDir === undefined ? {} : { outDir: options.outDir }),
    });
    if (checks.length === 0) {
      return {
        ok: false, exitCode: 2, checks, traces, stdout, figures: run.figures,
        error: { line: 1, column: 1, type: 'NoCheck', message: `${filename} ran but never called tapegrad.verify(params, loss, grads): nothing was checked` },
      };
    }
    const ok = checks.every((c) => c.ok);
    return { ok, exitCode: ok ? 0 : 1, checks, traces, error: null, stdout, figures: run.figures };
  } catch (e) {
    const error: CheckError = e instanceof PyError
      ? { line: e.line, column: e.column, message: e.pyMessage, type: e.pyType }
      : { line: 0, column: 0, message: e instanceof Error ? e.message : String(e), type: 'InternalError' };
    return { ok: false, exitCode: 2, checks, traces, error, stdout, figures: [] };
  }
}

/**
 * The first recorded tensor of a forward pass (in tape order) holding a NaN or an infinity, with the
 * user's name for it when it has one: where a non-finite loss came from. Null when every value is finite.
 * @example
 * const t = checkNumpyTraced(source).traces[0]!;
 * firstNonFinite(t); // { name: 'logp', line: 12, value: -Infinity } when log(0) appeared on line 12
 */
export function firstNonFinite(trace: ForwardTrace): { name: string | null; line: number | null; op: string | null; value: number } | null {
  if (typeof trace !== 'object' || trace === null || !(trace.loss instanceof Tensor)) {
    throw new Error(`firstNonFinite: expected one of checkNumpyTraced's traces, got ${show(trace)}`);
  }
  const bad = (t: Tensor): number | null => {
    for (const x of t.storage) if (!Number.isFinite(x)) return Number(x);
    return null;
  };
  for (const leaf of Object.values(trace.params)) {
    const v = bad(leaf);
    if (v !== null) return { name: trace.names.get(leaf) ?? null, line: null, op: null, value: v };
  }
  for (const node of topologicalOrder([trace.loss])) {
    const v = bad(node.output);
    if (v !== null) return { name: trace.names.get(node.output) ?? null, line: trace.lines.get(node.output) ?? null, op: node.op, value: v };
  }
  const v = bad(trace.loss);
  return v === null ? null : { name: trace.names.get(trace.loss) ?? null, line: null, op: null, value: v };
}
