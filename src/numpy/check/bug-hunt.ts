/**
 * The bug hunt as data: a table of one-line mutations of the lab files (examples/labs/bug-hunt.json),
 * each applied to a lab's source, checked like any user file, and judged against what the report
 * must say. Browser-safe: sources come in as strings.
 */
import type { BugCase } from './bug-table.js';
import { plant } from './bug-table.js';
import type { CheckResult } from './index.js';
import { checkNumpy } from './index.js';

export type { BugCase } from './bug-table.js';
export { plant } from './bug-table.js';

/** How the report fared against a bug's expectation. */
export interface BugVerdict {
  readonly id: string;
  readonly lab: string;
  readonly title: string;
  readonly caught: boolean;
  readonly flagged: string[];
  /** The reported first wrong line (number and text), if any. */
  readonly firstWrongLine: { line: number; text: string; why: string } | null;
  /** The 1-based line the mutation changed. */
  readonly mutatedLine: number;
  readonly reasons: string[];
  readonly result: CheckResult;
}

/**
 * Plants the bug in the lab's source, checks it, and judges the report: exactly the expected
 * parameters flagged with matching diagnoses, the first wrong line where expected and explained.
 * @example
 * judgeBug(bug, readFileSync(`examples/labs/${bug.lab}`, 'utf8')).caught; // true
 */
export function judgeBug(bug: BugCase, labSource: string): BugVerdict {
  const planted = plant(labSource, bug);
  const result = checkNumpy(planted.source, { filename: `${bug.lab} (${bug.id})` });
  const reasons: string[] = [];
  if (result.error !== null) reasons.push(`could not run: ${result.error.type}: ${result.error.message} (line ${result.error.line})`);
  const params = result.checks.flatMap((c) => c.params);
  const flagged = params.filter((p) => !p.ok).map((p) => p.name);
  const want = bug.expect.params;
  for (const p of want) if (!flagged.includes(p)) reasons.push(`${p} not flagged`);
  const extra = flagged.filter((p) => !want.includes(p));
  if (extra.length > 0) reasons.push(`also flagged: ${extra.join(', ')}`);
  if (bug.expect.diagnosis !== undefined) {
    const re = new RegExp(bug.expect.diagnosis, 'i');
    for (const p of params.filter((x) => want.includes(x.name))) {
      if (!re.test(p.diagnosis ?? '')) reasons.push(`${p.name} diagnosis ${JSON.stringify(p.diagnosis)} does not match /${bug.expect.diagnosis}/`);
    }
  }
  for (const n of bug.expect.noted ?? []) {
    const p = params.find((x) => x.name === n.param);
    if (!new RegExp(n.diagnosis, 'i').test(p?.diagnosis ?? '')) reasons.push(`${n.param} note ${JSON.stringify(p?.diagnosis ?? null)} does not match /${n.diagnosis}/`);
  }
  const w = result.checks.find((c) => c.firstWrongLine !== null)?.firstWrongLine ?? null;
  if (bug.expect.line !== undefined) {
    if (w === null) reasons.push('no first wrong line reported');
    else if (!w.text.includes(bug.expect.line)) reasons.push(`first wrong line ${w.line} \`${w.text}\`, expected the line with \`${bug.expect.line}\``);
  }
  if (bug.expect.why !== undefined && w !== null && !new RegExp(bug.expect.why, 'i').test(w.why)) {
    reasons.push(`first wrong line says ${JSON.stringify(w.why)}, which does not match /${bug.expect.why}/`);
  }
  return {
    id: bug.id, lab: bug.lab, title: bug.title, caught: reasons.length === 0, flagged,
    firstWrongLine: w === null ? null : { line: w.line, text: w.text, why: w.why }, mutatedLine: planted.line, reasons, result,
  };
}
