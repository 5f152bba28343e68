/** `tapegrad bench`: runs the side-by-side benchmark of bench/run.ts (needs a source checkout with devDependencies). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, type CommandSpec } from './flags.js';

/**
 * \`tapegrad bench\`'s command line. The flags are bench/run.ts's (which checks them again); they are
 * declared here too so that \`--help\` and bad values are answered even where bench/ is not installed.
 */
export const BENCH_SPEC: CommandSpec = {
  name: 'bench',
  summary: 'Run the side-by-side benchmark (tapegrad float32/float64 vs TensorFlow.js cpu and wasm) on the seed workloads.\n' +
    'Needs a source checkout with its devDependencies (git clone, npm install); bench/README.md defines the workloads.',
  flags: [
    { name: 'quick', kind: 'boolean', help: 'short smoke run (few steps, small sizes)' },
    { name: 'full', kind: 'boolean', help: 'no caps on the TensorFlow.js runs (takes many minutes)' },
    { name: 'repeat', kind: 'integer', min: 1, help: 'processes per system × workload, median taken (default 3)' },
    { name: 'only', kind: 'string', value: 'W1,W3', help: 'workloads to run (default all)' },
    { name: 'systems', kind: 'string', value: 'a,b', help: 'systems to run (default all)' },
    { name: 'out', kind: 'string', value: 'FILE', help: 'where to write the JSON (default bench/results.json)' },
    { name: 'profile', kind: 'string', value: 'DIR', help: 'write CPU profiles of every child here' },
    { name: 'from', kind: 'choice', choices: ['dist', 'src'], help: 'children run the built dist/ (default) or the sources under tsx' },
    { name: 'json', kind: 'boolean', help: 'print the results as one JSON object on the last line' },
  ],
};

/** The package root: this file is src/cli/bench.ts, compiled to dist/cli/bench.js, so two levels up either way. */
function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/**
 * Runs `bench/run.ts` in a child Node process (through tsx) with the given flags, forwarding its output,
 * and returns its exit status. The benchmark itself spawns one process per system × workload.
 *
 * @example
 * ```ts
 * const status = await run(['--quick', '--systems', 'tapegrad-f32']);
 * ```
 */
export async function run(args: string[]): Promise<number> {
  return runCommand(BENCH_SPEC, args, async () => bench(args));
}

async function bench(args: string[]): Promise<number> {
  const root = packageRoot();
  const script = join(root, 'bench', 'run.ts');
  if (!existsSync(script)) {
    console.error(`tapegrad bench: ${script} not found; the benchmark runs from a source checkout (git clone, npm install)`);
    return 1;
  }
  try {
    createRequire(join(root, 'package.json')).resolve('tsx');
  } catch {
    console.error('tapegrad bench: tsx is not installed; run `npm install` in the checkout (it is a devDependency)');
    return 1;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, stdio: 'inherit' });
  return new Promise((resolveStatus) => {
    child.on('error', (err) => {
      console.error(`tapegrad bench: could not start the benchmark: ${err.message}`);
      resolveStatus(1);
    });
    child.on('close', (code, signal) => resolveStatus(code ?? (signal === null ? 1 : 128)));
  });
}
