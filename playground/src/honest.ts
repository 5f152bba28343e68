/**
 * What the page may claim: the loss headline (naming NaN and ∞ and where they first appear), each parameter's
 * verdict (a parameter outside the loss is said to be so), the plain-words hand-gradient verdict, and the note
 * shown over numbers that belong to an input the user has since changed.
 */
import { formatNumber } from './dot.js';
import type { NonFinite } from './chain.js';
import type { ParamComparison } from './checks.js';
import type { ReportSummary } from './worker.js';

/** The three boxes whose errors make the rest of the page stale. */
export type Box = 'values' | 'expression' | 'hand';

const BOX_NAMES: Record<Box, string> = { values: 'Values', expression: 'Loss', hand: 'Your gradient' };

/**
 * The note over every number that came from the previous input.
 * @example
 * staleNote('values'); // 'The Values box has an error (see below it): nothing here is up to date until it is fixed.'
 */
export function staleNote(box: Box): string {
  return `The ${BOX_NAMES[box]} box has an error (see below it): nothing here is up to date until it is fixed.`;
}

/**
 * The header line for a loss value: its name and value, or that it is NaN / ∞ and where that began.
 * @example
 * lossHeadline('J', 0.25, null, 7).text; // 'J = 0.25 · 7 ops on the tape'
 */
export function lossHeadline(name: string, value: number, first: NonFinite | null, ops: number): { text: string; bad: boolean } {
  if (Number.isFinite(value)) return { text: `${name} = ${formatNumber(value, 8)} · ${ops} ops on the tape`, bad: false };
  const what = Number.isNaN(value) ? 'NaN (not a number)' : value > 0 ? '∞ (overflow)' : '−∞';
  const where = first === null ? '' : first.name === name
    ? `: it first appears in ${name} = ${first.op}`
    : `: the first non-finite value is ${first.name} = ${first.op} (${first.value})`;
  return { text: `${name} is ${what}${where}; no gradient or check is meaningful until it is finite`, bad: true };
}

/** A parameter's row verdict in the table. */
export interface RowVerdict {
  readonly text: string;
  /** CSS class of the row: ok, bad, unused (not in the loss), or '' (nothing to say). */
  readonly cls: 'ok' | 'bad' | 'unused' | 'nonfinite' | '';
  /** Longer words for the row's tooltip. */
  readonly title?: string;
}

/**
 * The verdict of one table row, most telling first: not in the loss, a non-finite loss, the hand verdict, autodiff vs FD.
 * @example
 * rowVerdict(comparison, { inLoss: false, lossFinite: true }).text; // 'not in the loss'
 */
export function rowVerdict(
  c: Pick<ParamComparison, 'name' | 'ok'>,
  at: { inLoss: boolean; lossFinite: boolean; hand?: { ok: boolean; diagnosis?: string } | undefined },
): RowVerdict {
  if (!at.inLoss) return { text: 'not in the loss', cls: 'unused', title: `${c.name} does not reach the loss: its gradient is 0 and nothing can be checked` };
  if (!at.lossFinite) return { text: 'loss not finite', cls: 'nonfinite', title: 'the loss is NaN or ∞, so neither autodiff nor finite differences mean anything' };
  if (at.hand) {
    return at.hand.ok
      ? { text: '✓ yours agrees', cls: 'ok' }
      : { text: '✗ yours is wrong', cls: 'bad', ...(at.hand.diagnosis ? { title: at.hand.diagnosis } : {}) };
  }
  return c.ok ? { text: 'autodiff = FD', cls: '' } : { text: '✗ autodiff ≠ FD', cls: 'bad' };
}

/** verifyGradients' diagnosis without the restatement of the verdict it starts with. */
function essence(diagnosis: string): string {
  return diagnosis.replace(/^hand formula disagrees with autodiff and finite differences: /, '').replace(/^your hand gradient of \S+ /, 'it ');
}

/**
 * The hand-gradient verdict in plain words, one sentence per parameter you gave (`dw1` is what you wrote for w1).
 * @example
 * plainVerdict({ ok: true, text: '', params: [{ name: 'w', ok: true }] }, ['w']); // ['✓ dw agrees with autodiff and finite differences.']
 */
export function plainVerdict(report: ReportSummary, given: readonly string[]): string[] {
  const mine = report.params.filter((p) => given.includes(p.name));
  const good = mine.filter((p) => p.ok).map((p) => `d${p.name}`);
  const lines: string[] = [];
  for (const p of mine) {
    if (p.ok) continue;
    lines.push(`✗ d${p.name} is wrong: ${p.diagnosis ? essence(p.diagnosis) : 'it disagrees with autodiff and finite differences'}.`.replace(/\.\.$/, '.'));
  }
  if (good.length > 0) {
    const list = good.length === 1 ? good[0]! : `${good.slice(0, -1).join(', ')} and ${good[good.length - 1]}`;
    lines.push(`✓ ${list} ${good.length === 1 ? 'agrees' : 'agree'} with autodiff and finite differences.`);
  }
  const missing = report.params.filter((p) => !given.includes(p.name)).map((p) => `d${p.name}`);
  if (missing.length > 0) lines.push(`(not given: ${missing.join(', ')})`);
  return lines;
}
