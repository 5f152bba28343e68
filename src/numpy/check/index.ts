/**
 * `checkNumpy(source)`: runs a numpy file with the `tapegrad` module available and collects every
 * `tapegrad.verify` in it; the verdict the CLI's `tapegrad check` and the browser both show.
 * Browser-safe: nothing here touches Node.
 */
import type { HostModule, RunResult } from '../host.js';
import { PyError } from '../host.js';
import { runNumpy } from '../run.js';
import { show } from '../../validate.js';
import { tapegradModule } from './module.js';
import { importOnlyModules } from './host-modules.js';
import type { VerifyCheck } from './verify.js';

export type { VerifyCheck, ParamVerdict } from './verify.js';
export type { WrongLine, Convention } from './first-wrong.js';
export { formatCheck } from './format.js';
export { tapegradModule } from './module.js';
export type { CheckSink } from './module.js';
export { importOnlyModules } from './host-modules.js';

/** Options of {@link checkNumpy}. */
export interface CheckNumpyOptions {
  /** Shown in error messages; default '<input>'. */
  readonly filename?: string;
  /** Receives print() output and each verify's verdict as they happen. */
  readonly stdout?: (text: string) => void;
  /** Where matplotlib figures go (Node); null keeps them in memory. */
  readonly outDir?: string | null;
  /** More host modules besides `tapegrad` (they win over modules of the same name). */
  readonly modules?: readonly HostModule[];
  /**
   * Serve only the first N images of each MNIST split to keras' `mnist.load_data()`: a lab that
   * trains on MNIST at top level runs as written, on less data (tests use it to stay fast).
   */
  readonly mnistLimit?: number;
}

/** Why a file could not run: where, and what. */
export interface CheckError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** 'SyntaxError', 'NotSupported', 'NameError', … */
  readonly type: string;
}

/** What {@link checkNumpy} found. */
export interface CheckResult {
  /** Every verify agreed (and the file ran, and had at least one). */
  readonly ok: boolean;
  /** 0 all agree, 1 a gradient is wrong, 2 the file cannot run (or checks nothing). */
  readonly exitCode: 0 | 1 | 2;
  readonly checks: VerifyCheck[];
  readonly error: CheckError | null;
  readonly stdout: string;
  readonly figures: RunResult['figures'];
}

/**
 * Runs `source` and every `tapegrad.verify(params, loss, grads)` in it.
 * @example
 * const r = checkNumpy(`
 * import numpy as np
 * import tapegrad
 * X = np.array([[1.0, 2.0], [3.0, -1.0]])
 * tapegrad.verify({"w": np.array([0.5, -0.25])},
 *                 lambda p: np.sum((X @ p["w"]) ** 2) / 2,
 *                 lambda p: {"dw": X.T @ (X @ p["w"])})
 * `);
 * r.exitCode; // 0
 */
export function checkNumpy(source: string, options: CheckNumpyOptions = {}): CheckResult {
  if (typeof source !== 'string') throw new Error(`checkNumpy: source must be the Python text (a string), got ${show(source)}`);
  const limit = options.mnistLimit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new Error(`checkNumpy: mnistLimit must be a positive integer (images per MNIST split), got ${show(limit)}`);
  }
  let stdout = '';
  const say = (t: string): void => {
    stdout += t;
    options.stdout?.(t);
  };
  const checks: VerifyCheck[] = [];
  try {
    const run = runNumpy(source, {
      filename: options.filename ?? '<input>',
      stdout: say,
      modules: [tapegradModule({ checks, say }), ...importOnlyModules(), ...(options.modules ?? [])],
      ...(limit === undefined ? {} : { mnistLimit: limit }),
      ...(options.outDir === undefined ? {} : { outDir: options.outDir }),
    });
    if (checks.length === 0) {
      return {
        ok: false, exitCode: 2, checks, stdout, figures: run.figures,
        error: { line: 1, column: 1, type: 'NoCheck', message: `${options.filename ?? '<input>'} ran but never called tapegrad.verify(params, loss, grads): nothing was checked` },
      };
    }
    const ok = checks.every((c) => c.ok);
    return { ok, exitCode: ok ? 0 : 1, checks, error: null, stdout, figures: run.figures };
  } catch (e) {
    const error: CheckError = e instanceof PyError
      ? { line: e.line, column: e.column, message: e.pyMessage, type: e.pyType }
      : { line: 0, column: 0, message: e instanceof Error ? e.message : String(e), type: 'InternalError' };
    return { ok: false, exitCode: 2, checks, error, stdout, figures: [] };
  }
}

/**
 * The `--json` object: `{ ok, checks: [{ line, ok, params: [{ name, ok, diagnosis }], firstWrongLine }] }`
 * or `{ ok: false, error: { line, column, message } }`.
 * @example
 * JSON.stringify(checkJson(checkNumpy(source)));
 */
export function checkJson(r: CheckResult): object {
  if (typeof r !== 'object' || r === null || !Array.isArray((r as Partial<CheckResult>).checks)) {
    throw new Error(`checkJson: expected checkNumpy's result, got ${show(r)}`);
  }
  if (r.error !== null) return { ok: false, error: r.error, checks: r.checks.map(checkEntry) };
  return { ok: r.ok, checks: r.checks.map(checkEntry) };
}

function checkEntry(c: VerifyCheck): object {
  return {
    line: c.line, column: c.column, ok: c.ok,
    params: c.params.map((p) => ({ name: p.name, ok: p.ok, diagnosis: p.diagnosis, kind: p.kind, shape: p.shape, key: p.key, maxRelError: Number.isFinite(p.maxRelError) ? p.maxRelError : null })),
    firstWrongLine: c.firstWrongLine,
    conventions: c.conventions,
    notChecked: c.notChecked,
    seconds: c.seconds,
  };
}
