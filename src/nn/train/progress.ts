/** Training progress: a cli-progress bar on a terminal, one summary line per epoch otherwise. */
import cliProgress from 'cli-progress';

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

/**
 * A progress reporter: a live bar (epoch, loss, accuracy, samples/s, ETA) when `tty` is true,
 * otherwise only the summary lines (or nothing when `quiet`).
 * @example
 * ```ts
 * const p = createProgress({ tty: process.stdout.isTTY === true });
 * ```
 */
export function createProgress(options: { tty: boolean; quiet?: boolean; stream?: NodeJS.WritableStream }): Progress {
  const stream = options.stream ?? process.stdout;
  const say = (line: string): void => { if (!options.quiet) stream.write(`${line}\n`); };
  if (!options.tty || options.quiet) {
    return { start() {}, update() {}, log: say, stop() {} };
  }
  let bar: cliProgress.SingleBar | null = null;
  const fmt = (v: number | undefined, digits: number): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
  return {
    start(total, label) {
      bar = new cliProgress.SingleBar({
        stream,
        format: `${label} {epoch} |{bar}| {percentage}% | loss {loss} | acc {acc} | {speed}/s | ETA {eta_formatted}`,
        barsize: 24,
        // The training loop is synchronous, so Ctrl-C kills the process at once: never leave the cursor hidden.
        hideCursor: false,
        etaBuffer: 200,
        fps: 5,
      }, cliProgress.Presets.shades_classic);
      bar.start(total, 0, { epoch: '', loss: '-', acc: '-', speed: '-' });
    },
    update(done, f) {
      bar?.update(done, { epoch: f.epoch, loss: fmt(f.loss, 4), acc: f.accuracy === undefined ? '-' : `${(100 * f.accuracy).toFixed(2)}%`, speed: fmt(f.speed, 0) });
    },
    log(line) {
      // Clear the bar's line, print the summary, and let the next update redraw the bar below it.
      if (bar !== null) stream.write('\r\x1b[2K');
      say(line);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
