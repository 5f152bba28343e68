/** Shared plumbing for the seed examples: run a check by name, print it, and run `main` only when invoked directly. */

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bugCases, formatBug, runBug } from './bugs.js';
import { seedCheck } from './checks.js';

/** Where examples print (console.log by default; tests pass a collector). */
export type Log = (line: string) => void;

/**
 * Runs the named seed checks, prints their three-way tables, and says whether all agreed.
 * @example
 * printChecks(['seed004-curve']); // true when J_W3 … J_b1 all agree
 */
export function printChecks(names: readonly string[], log: Log = console.log): boolean {
  let ok = true;
  for (const name of names) {
    const r = seedCheck(name).run();
    log(r.toString());
    log('');
    ok = ok && r.ok;
  }
  return ok;
}

/**
 * Runs the named planted bugs and prints each verdict; true when every one was caught as expected.
 * @example
 * printBugs(['seed002-dot-out']);
 */
export function printBugs(ids: readonly string[], log: Log = console.log): boolean {
  let ok = true;
  for (const id of ids) {
    const c = bugCases().find((b) => b.id === id);
    if (c === undefined) throw new Error(`printBugs: no planted bug '${id}'`);
    const r = runBug(c);
    log(formatBug(r));
    ok = ok && r.caught;
  }
  return ok;
}

/**
 * Calls `main` and sets the exit status, but only when `url` is the script node was started with
 * (so tests can import an example without running it).
 * @example
 * runIfMain(import.meta.url, () => main());
 */
export function runIfMain(url: string, main: () => boolean): void {
  const script = process.argv[1];
  if (script !== undefined && url === pathToFileURL(resolve(script)).href) process.exitCode = main() ? 0 : 1;
}
