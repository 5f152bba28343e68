/**
 * Training progress: one live status line on a terminal (redrawn in place, never wider than the
 * terminal, erased at the end), one summary line per epoch above it, and only the summary lines
 * when the output is not a terminal.
 */

/** What a trainer reports while it runs. */
export interface Progress {
  /** Called once with the number of samples (or iterations) the whole run will process. */
  start(total: number, label: string): void;
  /** Called after each step with the cumulative count and current figures. */
  update(done: number, fields: { epoch: string; loss: number; accuracy?: number; speed: number }): void;
  /** A finished-epoch summary line (printed above the bar, or alone when there is no bar). */
  log(line: string): void;
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  tty: boolean;
  quiet?: boolean;
  stream?: NodeJS.WritableStream & { columns?: number };
  /** Least milliseconds between two redraws of the bar (default 200). */
  interval?: number;
}

const CLEAR_LINE = '\r\x1b[2K';
const BAR_WIDTH = 24;

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * A progress reporter: a live bar (epoch, loss, accuracy, samples/s, ETA) when `tty` is true,
 * otherwise only the summary lines (or nothing when `quiet`).
 *
 * NOTE: the bar is always one line, cut to the terminal's width: a line that wraps cannot be
 * redrawn with a carriage return, and that is what garbled multi-epoch runs before (a summary
 * overwriting the previous epoch's line, a stale 100 % bar left below).
 * @example
 * ```ts
 * const p = createProgress({ tty: process.stdout.isTTY === true });
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stdout;
  const say = (line: string): void => { if (!options.quiet) stream.write(`${line}\n`); };
  if (!options.tty || options.quiet) {
    return { start() {}, update() {}, log: say, stop() {} };
  }
  const interval = options.interval ?? 200;
  let total = 0;
  let label = '';
  let shown = false;
  let lastDraw = -Infinity;
  let current = '';
  const fit = (line: string): string => {
    const width = (stream as { columns?: number }).columns ?? 80;
    const chars = [...line];
    return chars.length < width ? line : chars.slice(0, Math.max(0, width - 1)).join('');
  };
  const draw = (): void => {
    stream.write(CLEAR_LINE + fit(current));
    shown = true;
    lastDraw = performance.now();
  };
  const erase = (): void => {
    if (shown) stream.write(CLEAR_LINE);
    shown = false;
  };
  return {
    start(n, what) {
      total = n;
      label = what;
    },
    update(done, f) {
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(frac * BAR_WIDTH);
      const loss = Number.isFinite(f.loss) ? f.loss.toFixed(4) : String(f.loss);
      const acc = f.accuracy === undefined ? '' : ` | acc ${(100 * f.accuracy).toFixed(2)}%`;
      const speed = Number.isFinite(f.speed) ? f.speed.toFixed(0) : '-';
      current = `${label} ${f.epoch} |${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}| ${(100 * frac).toFixed(0)}% | loss ${loss}${acc} | ${speed}/s | ETA ${eta((total - done) / f.speed)}`;
      if (performance.now() - lastDraw >= interval || done >= total) draw();
    },
    log(line) {
      erase();
      say(line);
      if (current !== '') draw();
    },
    stop() {
      erase();
      current = '';
    },
  };
}
