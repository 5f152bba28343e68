/**
 * Prepares plain-JavaScript workers: the bench's own .ts files transpiled with TypeScript into a temporary
 * folder, their `../src/` imports pointed at the compiled package in `dist/`. Children then run under plain
 * `node`, as users run tapegrad, because the tsx loader alone slows any code in its process by ~15 %.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** Newest modification time (ms) of the .ts files under `dir`. */
function newestTs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTs(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Seconds by which `dist/` lags behind `src/` (0 when up to date); throws when `dist/` was never built. */
export function distLag(root: string): number {
  const index = join(root, 'dist', 'index.js');
  if (!existsSync(index)) {
    throw new Error(`bench: ${index} not found; build first (npm run build, which npm run bench does) or pass --from src`);
  }
  return Math.max(0, (newestTs(join(root, 'src')) - statSync(index).mtimeMs) / 1000);
}

/**
 * Transpiles every bench/*.ts into a fresh temporary folder (one per call, so concurrent runs cannot
 * overwrite each other's files) and returns the path of worker.js there and a function that removes it.
 * Types are not checked here (`npm run typecheck` does that); the output is plain ES2022 modules.
 */
export function compileWorkers(root: string): { worker: string; cleanup: () => void } {
  const out = mkdtempSync(join(tmpdir(), 'tapegrad-bench-'));
  mkdirSync(join(out, 'bench'));
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  // Bare imports (@tensorflow/tfjs, seedrandom) resolve through the checkout's node_modules.
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  const dist = pathToFileURL(join(root, 'dist')).href;
  const benchDir = join(root, 'bench');
  for (const file of readdirSync(benchDir).filter((f) => f.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(join(benchDir, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    });
    writeFileSync(join(out, 'bench', file.replace(/\.ts$/, '.js')), outputText.replaceAll("'../src/", `'${dist}/`));
  }
  return { worker: join(out, 'bench', 'worker.js'), cleanup: () => rmSync(out, { recursive: true, force: true }) };
}
