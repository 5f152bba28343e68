/** `tapegrad run FILE.py [--out DIR]`: runs a numpy lab as written (prints; plots to DIR/*.svg). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PyError } from '../numpy/host.js';
// The Node entry writes figures into outDir and serves keras' mnist from the bundled files.
import { runNumpyFile } from '../numpy/node.js';
import { importOnlyModules, tapegradModule } from '../numpy/check/index.js';
import type { VerifyCheck } from '../numpy/check/index.js';
import { runCommand, type CommandSpec } from './flags.js';

/** `tapegrad run`'s command line. */
export const RUN_SPEC: CommandSpec = {
  name: 'run',
  summary: 'Runs FILE.py (numpy, matplotlib, keras\' mnist as the seed labs use them) as written: its prints go\n' +
    'to stdout, each matplotlib figure to DIR/<name>.svg. tapegrad.verify lines in it are checked as `tapegrad check` does.',
  positionals: [{ name: 'FILE.py' }],
  flags: [
    { name: 'out', kind: 'string', value: 'DIR', help: 'where figures go (default: the current directory)' },
    { name: 'mnist-limit', kind: 'integer', min: 1, help: "keras' mnist.load_data() serves only the first N samples of each split (the code runs unchanged)" },
  ],
  notes: ['exit status: 0 it ran, 1 a tapegrad.verify found a wrong gradient, 2 it cannot run'],
};

/**
 * Runs the command; returns the exit status.
 * @example
 * await run(['examples/labs/seed003.py', '--out', 'runs/seed003']); // 0
 */
export async function run(args: string[]): Promise<number> {
  return runCommand(RUN_SPEC, args, async ({ positionals, flags }) =>
    runFile(positionals[0]!, (flags.get('out') as string | undefined) ?? '.', (flags.get('mnist-limit') as number | undefined) ?? null));
}

async function runFile(file: string, outDir: string, mnistLimit: number | null): Promise<number> {
  try {
    readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`tapegrad run: cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const checks: VerifyCheck[] = [];
  const say = (t: string): void => {
    process.stdout.write(t);
  };
  try {
    const r = runNumpyFile(file, { filename: file, stdout: say, outDir, mnistLimit, modules: [tapegradModule({ checks, say }), ...importOnlyModules()] });
    for (const f of r.figures) console.error(`wrote ${join(outDir, f.name)}`);
  } catch (e) {
    if (e instanceof PyError) {
      // Python's traceback when the error left a function, then the one-line location form editors read.
      if (e.traceback.length > 0) console.error(e.formatTraceback());
      console.error(`${file}:${e.line}:${e.column}: ${e.pyType}: ${e.pyMessage}`);
      return 2;
    }
    throw e;
  }
  return checks.every((c) => c.ok) ? 0 : 1;
}
