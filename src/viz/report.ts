/** Reading a gradcheck or verifyGradients report (API.md shapes) into per-name verdicts for the overlay. */
import { formatNumber } from './format.js';

/** The parts of a report entry the overlay reads: gradcheck's `inputs[i]` or verifyGradients' `params[i]`. */
export interface ReportEntryLike {
  readonly name: string;
  readonly ok: boolean;
  readonly worst?: {
    readonly index?: readonly number[];
    readonly manual?: number;
    readonly autodiff?: number;
    readonly analytical?: number;
    readonly numerical?: number;
  };
  readonly diagnosis?: string;
}

/** A gradcheck report (`inputs`) or a verifyGradients report (`params`), as API.md describes them. */
export interface ReportLike {
  readonly ok?: boolean;
  readonly inputs?: readonly ReportEntryLike[];
  readonly params?: readonly ReportEntryLike[];
}

/** One named verdict: `note` says what disagreed, in the words the picture shows. */
export interface Verdict {
  name: string;
  ok: boolean;
  note: string;
}

/** The verdicts of every entry of a report, failing ones explained with their worst element. */
export function verdicts(report: ReportLike, digits = 4): Verdict[] {
  const entries = report.params ?? report.inputs ?? [];
  return entries.map((e) => ({ name: e.name, ok: e.ok, note: e.ok ? '✓ gradient checked' : failureNote(e, digits) }));
}

function failureNote(e: ReportEntryLike, digits: number): string {
  const w = e.worst;
  const parts = ['✗ gradient disagrees'];
  if (w !== undefined) {
    const at = w.index !== undefined && w.index.length > 0 ? `${e.name}[${w.index.join(',')}]` : e.name;
    const f = (x: number | undefined): string => (x === undefined ? '?' : formatNumber(x, digits));
    if (w.manual !== undefined) {
      parts.push(`at ${at}: hand ${f(w.manual)}, autodiff ${f(w.autodiff)}, finite diff ${f(w.numerical)}`);
    } else {
      parts.push(`at ${at}: analytical ${f(w.analytical ?? w.autodiff)}, finite diff ${f(w.numerical)}`);
    }
  }
  if (e.diagnosis !== undefined && e.diagnosis !== '') parts.push(e.diagnosis);
  return parts.join('\n');
}
