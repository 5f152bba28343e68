/** `npx tapegrad <command>`: dispatches to one module per command, loaded only when used. */
import { readFileSync } from 'node:fs';
import { kernelInfo } from '../kernels/native.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> }> = {
  check: { summary: 'check the tapegrad.verify lines of a numpy file: `check FILE.py [--json]`', load: () => import('./check.js') },
  run: { summary: 'run a numpy lab as written: `run FILE.py [--out DIR]` (plots to DIR/*.svg)', load: () => import('./run.js') },
  verify: { summary: 'check every seed lab\'s hand-derived gradients three ways, and run the bug hunt', load: () => import('./verify.js') },
  train: { summary: 'train a seed network: `train mnist [flags]` or `train curve [flags]`', load: () => import('./train.js') },
  graph: { summary: 'draw a computational graph: `graph chain|curve|mlp --out FILE.svg|.png|.dot|.mmd`', load: () => import('./graph.js') },
  bench: { summary: 'run the side-by-side benchmark (from a source checkout)', load: () => import('./bench.js') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return ['usage: tapegrad <command> [flags]', '', 'commands:', ...lines, '',
    '`tapegrad <command> --help` lists a command\'s flags; `tapegrad --version` says which kernels run.'].join('\n');
}

/**
 * `tapegrad --version`: the package version and, on the same line, which GEMM kernels run and why.
 * @example
 * ```ts
 * versionLine(); // 'tapegrad 0.1.0 — native kernels, avx2 (prebuilt addon prebuilds/linux-x64/…; 2 threads for large products)'
 * ```
 */
export function versionLine(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `tapegrad ${pkg.version} — ${kernelInfo().summary}`;
}

/** Runs the CLI with the given arguments and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(versionLine());
    return 0;
  }
  if (name === undefined) {
    console.error(usage());
    return 2;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`tapegrad: unknown ${name.startsWith('-') ? 'flag' : 'command'} '${name}' (commands: ${Object.keys(COMMANDS).join(', ')}; see tapegrad --help)`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}
