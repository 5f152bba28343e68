/**
 * The numpy panel's worker: runs the student's code through checkNumpyTraced (the interpreter, the
 * three-way check, finite differences) off the page's thread and replies with plain data ready to
 * show. `handleCheck` is the whole job; the listener at the bottom only exists inside a worker.
 */
import { checkNumpyTraced, dotToSvg, firstNonFinite, formatCheck, toDot } from '../../../src/index.js';
import type { CheckError, ForwardTrace, ThreeWay, TracedCheckResult, VerifyCheck } from '../../../src/index.js';
import type { CheckReply, CheckRequest, CheckView, ElementView, GraphView, LossView, ParamRow, SourceProblem } from './protocol.js';
import { tapeData } from './tape.js';

const STDOUT_CAP = 4000;

/** The error as the page states it: its kind, where, and the message without the file:line:column prefix. */
export function sourceProblem(e: CheckError, filename: string): SourceProblem {
  const kind: SourceProblem['kind'] = e.type === 'SyntaxError' ? 'syntax'
    : e.type === 'NotSupported' ? 'unsupported'
      : e.type === 'NoCheck' ? 'nocheck'
        : e.type === 'InternalError' ? 'internal' : 'runtime';
  const prefix = `${filename}:${e.line}:${e.column}: ${e.type}: `;
  const message = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  return { kind, line: e.line, column: e.column, type: e.type, message };
}

function indexLabel(name: string, shape: readonly number[], flat: number): string {
  if (shape.length === 0) return name;
  const idx: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(rest % shape[d]!);
    rest = Math.floor(rest / shape[d]!);
  }
  return `${name}[${idx.join(',')}]`;
}

/** Largest |a − b| / max(|b|, 1e-12·scale, tiny) over elements where both are numbers. */
function maxRel(a: Float64Array, b: Float64Array): { rel: number; at: number } {
  let scale = 0;
  for (const x of b) if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
  let rel = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(y)) continue;
    // Relative to the gradient's own size; absolute when the gradient is zero everywhere.
    const r = Math.abs(x - y) / (scale === 0 ? 1 : Math.max(Math.abs(y), 1e-8 * scale));
    if (!(r <= rel)) {
      rel = Number.isNaN(r) ? Infinity : r;
      at = i;
    }
  }
  return { rel, at };
}

/** The verdict of one parameter in words a student reads: checkNumpy's own diagnosis, without its preamble. */
function verdictWords(v: VerifyCheck['params'][number], row: ThreeWay | undefined, loss: LossView | null): string {
  if (loss !== null && !loss.finite) return `— not checked: the loss is ${loss.word}`;
  if (v.ok && row !== undefined && !row.reachesLoss) return `✓ agrees: the loss does not depend on ${v.name} (all three are 0)`;
  if (v.ok) return v.kind === 'log-epsilon' ? '✓ agrees (without the guard term inside the log, which your backward rightly drops)' : '✓ agrees three ways';
  if (v.diagnosis !== null) {
    const words = v.diagnosis.replace(/^hand formula disagrees with autodiff and finite differences: /, '');
    return `✗ ${words.charAt(0).toUpperCase()}${words.slice(1)}`;
  }
  if (row !== undefined && !row.reachesLoss) return `✗ The loss does not depend on ${v.name}: your gradient of it is the gradient of nothing`;
  if (v.key === null) return `✗ Your grads gave no gradient for ${v.name}`;
  return '✗ Your gradient differs from autodiff and finite differences';
}

function paramRow(v: VerifyCheck['params'][number], row: ThreeWay | undefined, loss: LossView | null): ParamRow {
  const verdict = verdictWords(v, row, loss);
  if (row === undefined) {
    return {
      name: v.name, shape: v.shape, ok: v.ok, key: v.key, verdict, diagnosis: v.diagnosis, reachesLoss: true,
      shown: { label: v.name, hand: null, autodiff: Number.NaN, numerical: Number.NaN }, handVsAutodiff: null, autodiffVsNumerical: Number.NaN, sampled: false,
    };
  }
  const hva = row.hand === null ? null : maxRel(row.hand, row.autodiff);
  const avn = maxRel(row.autodiff, row.numerical);
  // Show the worst disagreement; when all agree, the largest gradient element.
  let at = hva !== null && !v.ok ? hva.at : -1;
  if (at < 0) {
    let best = -1;
    for (let i = 0; i < row.autodiff.length; i++) {
      if (Number.isNaN(row.numerical[i]!) && row.sampled) continue;
      if (Math.abs(row.autodiff[i]!) > best) {
        best = Math.abs(row.autodiff[i]!);
        at = i;
      }
    }
  }
  at = Math.max(0, at);
  const shown: ElementView = {
    label: indexLabel(v.name, row.shape, at),
    hand: row.hand === null ? null : row.hand[at]!, autodiff: row.autodiff[at]!, numerical: row.numerical[at]!,
  };
  return {
    name: v.name, shape: v.shape, ok: v.ok, key: v.key, verdict, diagnosis: v.diagnosis, reachesLoss: row.reachesLoss,
    shown, handVsAutodiff: hva?.rel ?? null, autodiffVsNumerical: avn.rel, sampled: row.sampled,
  };
}

function lossView(trace: ForwardTrace): LossView {
  const value = Number(trace.loss.storage[0]);
  if (Number.isFinite(value)) return { value, finite: true, word: null, where: null };
  const word = Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '−∞';
  const first = firstNonFinite(trace);
  let where: string | null = null;
  if (first !== null) {
    const what = first.name ?? (first.op === null ? 'a value' : `the result of ${first.op}`);
    const firstWord = Number.isNaN(first.value) ? 'NaN' : first.value > 0 ? '∞' : '−∞';
    where = `${what}${first.line === null ? '' : ` (line ${first.line})`} is the first value holding ${firstWord}`;
  }
  return { value, finite: false, word, where };
}

async function graphView(trace: ForwardTrace, check: VerifyCheck, svg: boolean): Promise<GraphView> {
  // The picture shows the student's names: name the recorded tensors (they are this run's own).
  for (const [t, n] of trace.names) t.name = n;
  const highlight = { params: check.params.map((p) => ({ name: p.name, ok: p.ok })) };
  let dot: string;
  try {
    dot = toDot(trace.loss, { formulas: true, highlight, title: `forward pass of the loss (tapegrad.verify on line ${check.line})` });
  } catch (e) {
    return { dot: '', svg: null, problem: `the graph could not be drawn: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!svg) return { dot, svg: null, problem: null };
  try {
    return { dot, svg: await dotToSvg(dot), problem: null };
  } catch (e) {
    return { dot, svg: null, problem: `Graphviz could not lay out the graph: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function checkViews(result: TracedCheckResult, svg: boolean): Promise<CheckView[]> {
  return Promise.all(result.checks.map(async (c, i): Promise<CheckView> => {
    const trace = result.traces.find((t) => t.line === c.line && t.column === c.column) ?? result.traces[i];
    const loss = trace === undefined ? null : lossView(trace);
    const rows = c.params.map((v) => paramRow(v, trace?.table.find((r) => r.name === v.name), loss));
    let tape: CheckView['tape'] = null;
    if (trace !== undefined && trace.loss.requiresGrad) {
      const t = tapeData(trace.loss, trace.names, trace.lines, trace.params);
      tape = typeof t === 'string' ? null : t;
    }
    return {
      line: c.line, ok: c.ok, loss, params: rows,
      firstWrongLine: c.firstWrongLine, conventions: c.conventions, report: formatCheck(c), notChecked: c.notChecked,
      graph: trace === undefined ? null : await graphView(trace, c, svg), tape,
    };
  }));
}

/**
 * Checks one source: the whole job of the worker, callable directly (the tests do).
 * @example
 * const reply = await handleCheck({ type: 'check', id: 1, source });
 * reply.status; // 'wrong'
 * reply.checks[0].firstWrongLine?.line; // 28
 */
export async function handleCheck(request: CheckRequest): Promise<CheckReply> {
  const start = performance.now();
  const filename = 'your code';
  let result: TracedCheckResult;
  try {
    result = checkNumpyTraced(request.source, { filename });
  } catch (e) {
    return {
      type: 'result', id: request.id, status: 'error', checks: [], stdout: '', ms: performance.now() - start,
      problem: { kind: 'internal', line: 0, column: 0, type: 'InternalError', message: e instanceof Error ? e.message : String(e) },
    };
  }
  const checks = await checkViews(result, request.svg !== false);
  const stdout = result.stdout.length > STDOUT_CAP ? `${result.stdout.slice(0, STDOUT_CAP)}\n… (cut)` : result.stdout;
  const problem = result.error === null ? null : sourceProblem(result.error, filename);
  return {
    type: 'result', id: request.id, status: problem !== null ? 'error' : result.ok ? 'ok' : 'wrong',
    problem, checks: problem !== null ? [] : checks, stdout, ms: performance.now() - start,
  };
}

// Inside a worker (not in Node, not on the page): answer every request in turn.
interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<CheckRequest>) => void): void;
}
const scope = globalThis as unknown as WorkerScope & { WorkerGlobalScope?: abstract new () => unknown };
if (typeof scope.WorkerGlobalScope === 'function' && scope instanceof scope.WorkerGlobalScope) {
  scope.addEventListener('message', (e) => {
    if (e.data?.type !== 'check') return;
    void handleCheck(e.data).then((reply) => scope.postMessage(reply));
  });
}
