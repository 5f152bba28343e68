/** `tapegrad check FILE.py [--json]`: runs a numpy file and every `tapegrad.verify` in it. */
import { readFileSync } from 'node:fs';
import { checkJson, checkNumpy } from '../numpy/check/index.js';

const USAGE = `usage: tapegrad check FILE.py [--json] [--out DIR]

Runs FILE.py (numpy, as you wrote it) with \`import tapegrad\` available, and checks every
tapegrad.verify(params, loss, grads) in it: your hand gradients against autodiff of your forward
and against finite differences, and the first wrong line of your backward.

  --json     print one JSON object as the last line of stdout (the file's prints go before it)
  --out DIR  write matplotlib figures there as SVG

exit status: 0 every gradient agrees, 1 a gradient is wrong, 2 the file cannot run`;

/**
 * Runs the command; returns the exit status (0 agree, 1 wrong, 2 cannot run).
 * @example
 * await run(['examples/labs/seed000.py']); // 0
 */
export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const json = args.includes('--json');
  const outAt = args.indexOf('--out');
  const outDir = outAt >= 0 ? args[outAt + 1] : undefined;
  const files = args.filter((a, i) => !a.startsWith('--') && !(outAt >= 0 && i === outAt + 1));
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--json' && a !== '--out');
  if (files.length !== 1 || unknown.length > 0 || (outAt >= 0 && outDir === undefined)) {
    console.error(`tapegrad check: ${unknown.length > 0 ? `unknown flag ${unknown.join(' ')}` : 'expected one FILE.py'}\n\n${USAGE}`);
    return 2;
  }
  const file = files[0]!;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    const message = `cannot read ${file}: ${(e as Error).message}`;
    if (json) console.log(JSON.stringify({ ok: false, error: { line: 0, column: 0, message } }));
    else console.error(`tapegrad check: ${message}`);
    return 2;
  }
  const r = checkNumpy(source, { filename: file, stdout: (t) => process.stdout.write(t), outDir: outDir ?? null });
  if (r.error !== null && !json) console.error(`${file}:${r.error.line}:${r.error.column}: ${r.error.type}: ${r.error.message}`);
  if (json) console.log(JSON.stringify(checkJson(r)));
  else if (r.error === null) console.log(r.ok ? `check: OK (${r.checks.length} tapegrad.verify)` : 'check: a gradient is wrong');
  return r.exitCode;
}
