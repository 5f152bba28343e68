/**
 * The page's Web Worker: finite differences, verifyGradients, training and the Graphviz layout of the graph run
 * here, so typing and stepping never wait for them. The protocol is plain data (sources as text, numbers as Float64Arrays); `createWorkerCore` is the
 * message handler itself, which the tests drive directly in Node.
 */
import { dotToSvg, noGrad } from '../../src/index.js';
import { compareWithFiniteDifferences, verifyHandGradient, type ParamComparison } from './checks.js';
import { handGradient, lossFunction, paramsOf, parseValues, type NamedValue } from './program.js';
import { steepestDescent } from './train.js';

/** Parameter values that replace the values box's own (the trained network). */
export type Overrides = Readonly<Record<string, Float64Array>>;

/** verifyGradients' report as plain data (the report object itself has methods and cannot be posted). */
export interface ReportSummary {
  readonly ok: boolean;
  /** The report's own text (`toString()`). */
  readonly text: string;
  readonly params: readonly {
    readonly name: string;
    readonly ok: boolean;
    readonly diagnosis?: string;
    readonly diagnosisKind?: string;
    readonly worst?: { index: readonly number[]; manual?: number; autodiff?: number; numerical?: number };
  }[];
}

/** What the page asks. Every request has an id; replies carry it, so stale replies are recognised. */
export type Request =
  | { readonly id: number; readonly kind: 'check'; readonly values: string; readonly expression: string; readonly hand: string | null; readonly overrides?: Overrides }
  | { readonly id: number; readonly kind: 'train'; readonly values: string; readonly expression: string; readonly rate: number; readonly iterations: number; readonly overrides?: Overrides }
  | { readonly id: number; readonly kind: 'svg'; readonly dot: string }
  | { readonly id: number; readonly kind: 'cancel' };

/** What the worker answers. */
export type Reply =
  | { readonly id: number; readonly kind: 'checked'; readonly comparisons: readonly ParamComparison[]; readonly report: ReportSummary | null; readonly hand: Record<string, Float64Array> | null; readonly handError: string | null }
  | { readonly id: number; readonly kind: 'progress'; readonly done: number; readonly total: number; readonly losses: Float64Array; readonly params: Record<string, Float64Array> }
  | { readonly id: number; readonly kind: 'trained'; readonly done: number; readonly total: number; readonly stopped: boolean; readonly params: Record<string, Float64Array> }
  | { readonly id: number; readonly kind: 'svg'; readonly svg: string }
  | { readonly id: number; readonly kind: 'cancelled' }
  | { readonly id: number; readonly kind: 'error'; readonly message: string };

/** How often a training run reports (ms), and the longest stretch it computes before looking at its mail (ms). */
export const PROGRESS_MS = 100;
const SLICE_MS = 25;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Lets the worker's mail in between slices. NOTE: not setTimeout(0): browsers clamp a timer set from a timer's own
 * task to ≥ 4 ms after five levels, which cost a 25 ms slice 14 % of the training time. A message on a
 * MessageChannel is an ordinary task with no clamp; Node (the tests) has setImmediate.
 */
const pause = ((): (() => Promise<void>) => {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return () => new Promise((ok) => void g.setImmediate!(ok));
  if (typeof MessageChannel !== 'function') return () => new Promise((ok) => setTimeout(ok, 0));
  const waiting: (() => void)[] = [];
  let channel: MessageChannel | null = null;
  return () => new Promise<void>((ok) => {
    if (channel === null) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    waiting.push(ok);
    channel.port2.postMessage(0);
  });
})();

/**
 * The values box parsed, with parameters replaced by `overrides` where given (sizes must match).
 * @example
 * valuesWith('w = 3', { w: Float64Array.of(1.5) })[0]!.tensor.item(); // 1.5
 */
export function valuesWith(src: string, overrides: Overrides | undefined): NamedValue[] {
  const values = parseValues(src);
  if (!overrides) return values;
  for (const v of values) {
    const o = overrides[v.name];
    if (o === undefined || v.data) continue;
    if (o.length !== v.tensor.size) throw new Error(`worker: ${v.name} has ${v.tensor.size} elements but the override has ${o.length}`);
    v.tensor.storage.set(o);
    v.tensor.markModified();
  }
  return values;
}

const snapshot = (values: readonly NamedValue[]): Record<string, Float64Array> =>
  Object.fromEntries(values.filter((v) => !v.data).map((v) => [v.name, Float64Array.from(v.tensor.data())]));

/**
 * The worker's message handler: `handle` answers through `post`; a `cancel` stops the request it names at its
 * next pause (training pauses every ~25 ms; a check between its stages).
 * @example
 * const replies: Reply[] = [];
 * const core = createWorkerCore((r) => replies.push(r));
 * await core.handle({ id: 1, kind: 'check', values: 'w = 3', expression: 'w*w', hand: 'dw = 2*w' });
 * replies[0]!.kind; // 'checked'
 */
export function createWorkerCore(post: (reply: Reply) => void): { handle(request: Request): Promise<void> } {
  const cancelled = new Set<number>();
  const live = (id: number): boolean => !cancelled.has(id);

  async function check(r: Extract<Request, { kind: 'check' }>): Promise<void> {
    const values = valuesWith(r.values, r.overrides);
    const params = paramsOf(values);
    const loss = lossFunction(r.expression, values);
    const comparisons = compareWithFiniteDifferences(loss, params);
    await pause();
    if (!live(r.id)) return post({ id: r.id, kind: 'cancelled' });
    let report: ReportSummary | null = null;
    let hand: Record<string, Float64Array> | null = null;
    let handError: string | null = null;
    if (r.hand !== null && r.hand.trim() !== '') {
      try {
        const manual = handGradient(r.hand, r.expression, values);
        const given = manual(params);
        hand = Object.fromEntries(Object.entries(given).map(([k, t]) => [k, Float64Array.from(t.data())]));
        const full = verifyHandGradient(loss, params, manual);
        report = {
          ok: full.ok, text: full.toString(),
          params: full.params.map((p) => ({
            name: p.name, ok: p.ok,
            ...(p.diagnosis === undefined ? {} : { diagnosis: p.diagnosis }),
            ...(p.diagnosisKind === undefined ? {} : { diagnosisKind: p.diagnosisKind }),
            ...(p.worst === undefined ? {} : { worst: { index: [...p.worst.index], manual: p.worst.manual, autodiff: p.worst.autodiff, numerical: p.worst.numerical } }),
          })),
        };
      } catch (e) {
        handError = messageOf(e);
      }
    }
    post({ id: r.id, kind: 'checked', comparisons, report, hand, handError });
  }

  async function train(r: Extract<Request, { kind: 'train' }>): Promise<void> {
    const values = valuesWith(r.values, r.overrides);
    const total = Math.floor(r.iterations);
    if (!(total > 0)) throw new Error(`train: iterations must be a positive whole number, got ${r.iterations}`);
    const descent = steepestDescent(lossFunction(r.expression, values), paramsOf(values), r.rate);
    let done = 0;
    let pending: number[] = [];
    let last = performance.now();
    while (done < total) {
      if (!live(r.id)) break;
      const losses = descent.advance(SLICE_MS, total - done);
      done += losses.length;
      pending = pending.concat(losses);
      const now = performance.now();
      if (now - last >= PROGRESS_MS || done === total) {
        post({ id: r.id, kind: 'progress', done, total, losses: Float64Array.from(pending), params: noGrad(() => snapshot(values)) });
        pending = [];
        last = now;
      }
      await pause();
    }
    if (pending.length > 0) post({ id: r.id, kind: 'progress', done, total, losses: Float64Array.from(pending), params: snapshot(values) });
    post({ id: r.id, kind: 'trained', done, total, stopped: done < total, params: snapshot(values) });
  }

  return {
    async handle(request) {
      try {
        if (request.kind === 'cancel') {
          cancelled.add(request.id);
          return;
        }
        if (request.kind === 'check') await check(request);
        else if (request.kind === 'svg') post({ id: request.id, kind: 'svg', svg: await dotToSvg(request.dot) }); // Graphviz layout, off the page's thread
        else await train(request);
      } catch (e) {
        post({ id: request.id, kind: 'error', message: messageOf(e) });
      } finally {
        if (request.kind !== 'cancel') cancelled.delete(request.id);
      }
    },
  };
}

// Inside a browser worker: answer the page. (In Node, where tests import this file, there is no worker scope.)
const scope = globalThis as unknown as { WorkerGlobalScope?: unknown; postMessage(m: unknown): void; onmessage: ((e: { data: Request }) => void) | null };
if (scope.WorkerGlobalScope !== undefined) {
  const core = createWorkerCore((reply) => scope.postMessage(reply));
  scope.onmessage = (e) => void core.handle(e.data);
}
