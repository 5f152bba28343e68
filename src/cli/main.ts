/** `npx tapegrad <command>`: dispatches to one module per command, loaded only when used. */

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> }> = {
  check: { summary: 'check the tapegrad.verify lines of a numpy file: `check FILE.py [--json]`', load: () => import('./check.js') },
  run: { summary: 'run a numpy lab as written: `run FILE.py [--out DIR]` (plots to DIR/*.svg)', load: () => import('./run.js') },
  verify: { summary: 'check every seed lab\'s hand-derived gradients three ways, and run the bug hunt', load: () => import('./verify.js') },
  train: { summary: 'train a seed network: `train mnist [flags]` or `train curve [flags]`', load: () => import('./train.js') },
  graph: { summary: 'draw a computational graph: `graph <example> --format svg|dot|mermaid --out FILE`', load: () => import('./graph.js') },
  bench: { summary: 'run the side-by-side benchmark', load: () => import('./bench.js') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return ['usage: tapegrad <command> [flags] [--json]', '', 'commands:', ...lines].join('\n');
}

/** Runs the CLI with the given arguments and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`tapegrad: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}
