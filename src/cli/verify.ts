/**
 * `tapegrad verify [--json]`: every lab file in examples/labs checked through the numpy interpreter,
 * exactly as a user's file is, then the bug hunt (bug-hunt.json's planted one-line slips).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BugCase, BugVerdict } from '../numpy/check/bug-hunt.js';
import { judgeBug } from '../numpy/check/bug-hunt.js';
import type { CheckResult } from '../numpy/check/index.js';
import { checkJson, checkNumpy, formatCheck } from '../numpy/check/index.js';
import { runCommand, type CommandSpec } from './flags.js';

/** `tapegrad verify`'s command line. */
export const VERIFY_SPEC: CommandSpec = {
  name: 'verify',
  summary: 'Check every lab file in examples/labs (hand gradients vs autodiff of its forward vs finite differences) through the\n' +
    'numpy interpreter, then run the bug hunt (examples/labs/bug-hunt.json: planted one-line slips that must be named at\n' +
    'their line with the right words). Exit status 0 only when all is well.',
  flags: [{ name: 'json', kind: 'boolean', help: 'print one JSON object instead of the verdicts' }],
};

/** examples/labs, from src/cli or dist/cli alike. */
export const LABS_DIR = fileURLToPath(new URL('../../examples/labs/', import.meta.url));

/** A lab file: its name and source. */
export interface Lab {
  readonly name: string;
  readonly source: string;
}

/**
 * The lab files and the bug hunt's table, read from `dir`.
 * @example
 * loadLabs().labs.map((l) => l.name); // ['seed000.py', …, 'seed004.py']
 */
export function loadLabs(dir: string = LABS_DIR): { labs: Lab[]; bugs: BugCase[] } {
  const labs = readdirSync(dir).filter((f) => /^seed\d+\.py$/.test(f)).sort()
    .map((name) => ({ name, source: readFileSync(`${dir}/${name}`, 'utf8') }));
  const table = JSON.parse(readFileSync(`${dir}/bug-hunt.json`, 'utf8')) as { bugs: BugCase[] };
  return { labs, bugs: table.bugs };
}

/** One lab's outcome. */
export interface LabOutcome {
  readonly name: string;
  readonly result: CheckResult;
}

/** Everything one verify run measured. */
export interface VerifyOutcome {
  readonly ok: boolean;
  readonly labs: LabOutcome[];
  readonly bugs: BugVerdict[];
  readonly seconds: number;
}

function bugLines(b: BugVerdict): string[] {
  const mark = b.caught ? (b.flagged.length === 0 ? '✓ cleared' : '✓ caught') : '✗ missed';
  const out = [`${mark}  [${b.lab}:${b.mutatedLine}] ${b.title}`];
  if (b.firstWrongLine !== null) out.push(`    first wrong line ${b.firstWrongLine.line}: ${b.firstWrongLine.text}`, `      ${b.firstWrongLine.why}`);
  for (const c of b.result.checks) for (const p of c.params) if (!p.ok || b.flagged.length === 0) if (p.diagnosis !== null) out.push(`    ${p.ok ? 'passed' : 'flagged'} ${p.name}: ${p.diagnosis}`);
  for (const r of b.reasons) out.push(`    ! ${r}`);
  return out;
}

/**
 * Checks every lab (each must agree three ways) and runs every planted bug (each must be caught as
 * its table row says), printing through `say`.
 * @example
 * verifyAll({ say: () => {} }).ok; // true on a healthy tree
 */
export function verifyAll(opts: { labs?: Lab[]; bugs?: BugCase[]; say?: (line: string) => void } = {}): VerifyOutcome {
  const start = performance.now();
  const loaded = opts.labs === undefined || opts.bugs === undefined ? loadLabs() : null;
  const labs = opts.labs ?? loaded!.labs;
  const bugs = opts.bugs ?? loaded!.bugs;
  const say = opts.say ?? ((line: string) => console.log(line));
  say('tapegrad verify — each lab file\'s hand gradients vs autodiff of its forward vs finite differences\n');
  const labOutcomes = labs.map((lab) => {
    const result = checkNumpy(lab.source, { filename: lab.name });
    say(`${result.ok ? '✓' : '✗'} ${lab.name}`);
    for (const c of result.checks) say(formatCheck(c).split('\n').map((l) => `  ${l}`).join('\n'));
    if (result.error !== null) say(`  cannot run: ${lab.name}:${result.error.line}:${result.error.column}: ${result.error.message}`);
    say('');
    return { name: lab.name, result };
  });
  say('bug hunt — planted slips, each must be named at its line with the right words\n');
  const sources = new Map(labs.map((l) => [l.name, l.source]));
  const verdicts = bugs.map((b) => {
    const source = sources.get(b.lab);
    if (source === undefined) throw new Error(`tapegrad verify: bug ${b.id} mutates ${b.lab}, which is not a lab file`);
    const v = judgeBug(b, source);
    for (const l of bugLines(v)) say(l);
    return v;
  });
  const ok = labOutcomes.length > 0 && labOutcomes.every((l) => l.result.ok) && verdicts.every((v) => v.caught);
  return { ok, labs: labOutcomes, bugs: verdicts, seconds: (performance.now() - start) / 1000 };
}

/**
 * `tapegrad verify [--json]`: exit status 0 only when {@link verifyAll} says ok (1 otherwise, 2 on
 * bad arguments). With `--json` nothing else is printed: stdout is one JSON object.
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
  const labsOk = r.labs.filter((l) => l.result.ok).length;
  const bugsCaught = r.bugs.filter((b) => b.caught).length;
  const params = r.labs.flatMap((l) => l.result.checks.flatMap((c) => c.params));
  const worst = Math.max(0, ...params.filter((p) => p.kind !== 'log-epsilon').map((p) => p.maxRelError));
  say('');
  say(`labs: ${labsOk}/${r.labs.length} agree (worst hand vs autodiff ${worst.toExponential(2)} where no log guard is involved); bug hunt: ${bugsCaught}/${r.bugs.length} as expected; ${r.seconds.toFixed(1)} s`);
  say(r.ok ? 'verify: OK' : 'verify: FAILED');
  if (json) {
    console.log(JSON.stringify({
      command: 'verify', ok: r.ok, seconds: r.seconds,
      summary: { labsOk, labsTotal: r.labs.length, bugsCaught, bugsTotal: r.bugs.length, worstHandVsAutodiff: worst },
      labs: r.labs.map((l) => ({ name: l.name, ...checkJson(l.result) })),
      bugs: r.bugs.map((b) => ({ id: b.id, lab: b.lab, title: b.title, caught: b.caught, flagged: b.flagged, mutatedLine: b.mutatedLine, firstWrongLine: b.firstWrongLine, reasons: b.reasons })),
    }));
  }
  return r.ok ? 0 : 1;
}
