/** `tapegrad bench`: runs the side-by-side benchmark of bench/run.ts (needs a source checkout with devDependencies). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
