/** `tapegrad verify [--json]`: every seed lab's hand gradients checked three ways, then the bug hunt. */

import type { BugCase, BugResult } from '../labs/bugs.js';
import { bugCases, formatBug, runBug } from '../labs/bugs.js';
import type { SeedCheck } from '../labs/checks.js';
import { seedChecks } from '../labs/checks.js';
import type { SeedCheckReport } from '../labs/report.js';
import { HAND_VS_AUTODIFF_TOL } from '../labs/report.js';
import { runCommand, type CommandSpec } from './flags.js';

/** `tapegrad verify`'s command line. */
export const VERIFY_SPEC: CommandSpec = {
  name: 'verify',
  summary: 'Check every seed lab\'s hand-derived gradients against autodiff and finite differences, then run the bug hunt\n' +
    '(planted mistakes that must be flagged with the right parameter and diagnosis). Exit status 0 only when all is well.',
  flags: [{ name: 'json', kind: 'boolean', help: 'print one JSON object instead of the tables' }],
};

/** A seed check that threw instead of reporting (counts as a failure, never hides the others). */
export interface Crash {
  name: string;
  error: string;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function seedJson(r: SeedCheckReport): object {
  return {
    name: r.name, title: r.title, ok: r.ok, maxHandVsAutodiff: r.maxHandVsAutodiff, seconds: r.seconds, notes: r.notes,
    params: r.rows.map((row) => ({
      name: row.param, shape: row.shape, handVsAutodiff: row.handVsAutodiff, verified: row.verified,
      worst: row.worst ?? null, diagnosis: row.diagnosis ?? null,
    })),
  };
}

function bugJson(b: BugResult): object {
  return {
    id: b.id, seed: b.seed, title: b.title, caught: b.caught, flagged: b.flagged, reasons: b.reasons,
    found: b.found.map((f) => ({ param: f.param, diagnosis: f.diagnosis ?? null, element: f.element ?? null })),
  };
}

/** Everything one verify run measured. */
export interface VerifyOutcome {
  ok: boolean;
  seeds: SeedCheckReport[];
  bugs: BugResult[];
  crashes: Crash[];
  seedsTotal: number;
  bugsTotal: number;
  seconds: number;
}

/**
 * Runs the seed checks and the bug hunt (all of them by default), printing each table through `say`.
 * ok only when every seed's hand formula agrees with autodiff (≤ 1e-9 relative) and finite differences,
 * every planted bug is caught as expected, and nothing crashed.
 * @example
 * verifyAll({ say: () => {} }).ok; // true on a healthy tree
 */
export function verifyAll(opts: { checks?: SeedCheck[]; bugs?: BugCase[]; say?: (line: string) => void } = {}): VerifyOutcome {
  const checks = opts.checks ?? seedChecks();
  const cases = opts.bugs ?? bugCases();
  const say = opts.say ?? ((line: string) => console.log(line));
  const start = performance.now();
  say('tapegrad verify — each seed lab\'s hand-derived gradients vs autodiff vs finite differences\n');
  const seeds: SeedCheckReport[] = [];
  const crashes: Crash[] = [];
  for (const check of checks) {
    try {
      const r = check.run();
      seeds.push(r);
      say(r.toString() + '\n');
    } catch (e) {
      crashes.push({ name: check.name, error: message(e) });
      say(`✗ ${check.name} — ${check.title}\n  crashed: ${message(e)}\n`);
    }
  }
  say('bug hunt — planted mistakes, each must be flagged with the right parameter and diagnosis\n');
  const bugs: BugResult[] = [];
  for (const c of cases) {
    try {
      const b = runBug(c);
      bugs.push(b);
      say(formatBug(b));
    } catch (e) {
      crashes.push({ name: c.id, error: message(e) });
      say(`✗ missed  [seed ${c.seed}] ${c.title}\n    crashed: ${message(e)}`);
    }
  }
  const ok = crashes.length === 0 && seeds.length === checks.length && seeds.every((r) => r.ok)
    && bugs.length === cases.length && bugs.every((b) => b.caught);
  return { ok, seeds, bugs, crashes, seedsTotal: checks.length, bugsTotal: cases.length, seconds: (performance.now() - start) / 1000 };
}

/**
 * `tapegrad verify [--json]`: exit status 0 only when {@link verifyAll} says ok. With `--json` the tables
 * are not printed; stdout is one JSON object.
 * @example
 * await run(['--json']); // prints one JSON object, returns 0 or 1
 */
export async function run(args: string[]): Promise<number> {
  return runCommand(VERIFY_SPEC, args, async ({ flags }) => verify(flags.has('json')));
}

async function verify(json: boolean): Promise<number> {
  const say = (line: string): void => {
    if (!json) console.log(line);
  };
  const r = verifyAll({ say });
  const seedsOk = r.seeds.filter((s) => s.ok).length;
  const bugsCaught = r.bugs.filter((b) => b.caught).length;
  const worst = Math.max(0, ...r.seeds.map((s) => s.maxHandVsAutodiff));
  say('');
  say(`seeds: ${seedsOk}/${r.seedsTotal} agree (worst hand vs autodiff ${worst.toExponential(2)}, tolerance ${HAND_VS_AUTODIFF_TOL}); ` +
    `bug hunt: ${bugsCaught}/${r.bugsTotal} as expected; ${r.seconds.toFixed(1)} s`);
  say(r.ok ? 'verify: OK' : 'verify: FAILED');
  if (json) {
    console.log(JSON.stringify({
      command: 'verify', ok: r.ok, tolerance: HAND_VS_AUTODIFF_TOL, seconds: r.seconds,
      summary: { seedsOk, seedsTotal: r.seedsTotal, bugsCaught, bugsTotal: r.bugsTotal, worstHandVsAutodiff: worst },
      seeds: r.seeds.map(seedJson), bugs: r.bugs.map(bugJson), crashes: r.crashes,
    }));
  }
  return r.ok ? 0 : 1;
}
