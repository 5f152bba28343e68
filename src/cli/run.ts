/** `tapegrad run FILE.py [--out DIR]`: runs a numpy lab as written (prints; plots to DIR/*.svg). */
import { readFileSync } from 'node:fs';
import { PyError } from '../numpy/host.js';
import { runNumpy } from '../numpy/run.js';
import { tapegradModule } from '../numpy/check/index.js';
import type { VerifyCheck } from '../numpy/check/index.js';

const USAGE = `usage: tapegrad run FILE.py [--out DIR]

Runs FILE.py (numpy, matplotlib, keras' mnist as the seed labs use them) as written: its prints go
to stdout, each matplotlib figure to DIR/<name>.svg (default: the current directory).
tapegrad.verify lines in it are checked as \`tapegrad check\` does.

exit status: 0 it ran, 1 a tapegrad.verify found a wrong gradient, 2 it cannot run`;

/**
 * Runs the command; returns the exit status.
 * @example
 * await run(['examples/labs/seed003.py', '--out', 'runs/seed003']); // 0
 */
export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const outAt = args.indexOf('--out');
  const outDir = outAt >= 0 ? args[outAt + 1] : '.';
  const files = args.filter((a, i) => !a.startsWith('--') && !(outAt >= 0 && i === outAt + 1));
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--out');
  if (files.length !== 1 || unknown.length > 0 || outDir === undefined) {
    console.error(`tapegrad run: ${unknown.length > 0 ? `unknown flag ${unknown.join(' ')}` : 'expected one FILE.py'}\n\n${USAGE}`);
    return 2;
  }
  const file = files[0]!;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`tapegrad run: cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const checks: VerifyCheck[] = [];
  const say = (t: string): void => {
    process.stdout.write(t);
  };
  try {
    const r = runNumpy(source, { filename: file, stdout: say, outDir, modules: [tapegradModule({ checks, say })] });
    for (const f of r.figures) console.error(`wrote ${outDir}/${f.name}.svg`);
  } catch (e) {
    if (e instanceof PyError) {
      console.error(`${file}:${e.line}:${e.column}: ${e.pyType}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  return checks.every((c) => c.ok) ? 0 : 1;
}
