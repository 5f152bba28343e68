/** PyError, the one error type the interpreter throws at users: a Python exception type, a message and where it happened. */

/** One line of a traceback: the function and where in it. */
export interface TraceFrame {
  readonly filename: string;
  readonly line: number;
  readonly column: number;
  readonly functionName: string;
}

/**
 * Every user-facing interpreter error: a syntax error, a construct outside the dialect
 * (`pyType` 'NotSupported') or a Python exception from the user's code ('NameError',
 * 'ValueError', …), with the file, line and column where it happened.
 * @example
 * try { runNumpy('x = 1 / 0'); } catch (e) { (e as PyError).pyType; } // 'ZeroDivisionError'
 */
export class PyError extends Error {
  /** The file the error is in. */
  readonly filename: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The Python exception type: 'SyntaxError', 'NameError', 'NotSupported', 'ValueError', … */
  readonly pyType: string;
  /** The message without the location. */
  readonly pyMessage: string;
  /** The Python exception object when user code can catch it (set by the interpreter). */
  pyValue: unknown = undefined;
  /** Call frames, innermost last (filled in as the error leaves Python functions). */
  readonly traceback: TraceFrame[] = [];

  constructor(pyType: string, message: string, filename: string, line: number, column: number) {
    super(`${filename}:${line}:${column}: ${pyType}: ${message}`);
    this.name = 'PyError';
    this.pyType = pyType;
    this.pyMessage = message;
    this.filename = filename;
    this.line = line;
    this.column = column;
  }

  /** A Python-style traceback: the frames, then `Type: message`. */
  formatTraceback(): string {
    const lines = ['Traceback (most recent call last):'];
    for (const f of this.traceback) lines.push(`  File "${f.filename}", line ${f.line}, column ${f.column}, in ${f.functionName}`);
    lines.push(`  File "${this.filename}", line ${this.line}, column ${this.column}`);
    lines.push(`${this.pyType}: ${this.pyMessage}`);
    return lines.join('\n');
  }
}

/** An exception raised without a location yet (inside a host helper); the evaluator adds the call site. */
export class PyRaise extends Error {
  constructor(readonly pyType: string, message: string, readonly pyValue: unknown = undefined) {
    super(message);
    this.name = 'PyRaise';
  }
}

/** Line and column (1-based) of an offset, by binary search over line starts. */
export function positionOf(lineStarts: readonly number[], at: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: at - lineStarts[lo]! + 1 };
}
