/** The words a student reads after `tapegrad.verify`: a one-line verdict, then what to fix. */
import type { VerifyCheck } from './verify.js';
import { show } from '../../validate.js';

/**
 * The compact verdict printed by `tapegrad.verify`: ✓/✗ per parameter, the first wrong line with
 * what it should have computed, conventions and notes.
 * @example
 * console.log(formatCheck(check));
 * // tapegrad.verify (line 91): ✓ W1, b1, W2, b2 agree three ways (hand, autodiff, finite differences)
 */
export function formatCheck(c: VerifyCheck): string {
  if (typeof c !== 'object' || c === null || !Array.isArray((c as Partial<VerifyCheck>).params)) {
    throw new Error(`formatCheck: expected one tapegrad.verify result (a VerifyCheck), got ${show(c)}`);
  }
  const good = c.params.filter((p) => p.ok).map((p) => p.name);
  const bad = c.params.filter((p) => !p.ok).map((p) => p.name);
  const lines: string[] = [];
  if (bad.length === 0) {
    lines.push(`tapegrad.verify (line ${c.line}): ✓ ${good.join(', ')} ${good.length === 1 ? 'agrees' : 'agree'} three ways (hand, autodiff, finite differences)`);
  } else {
    lines.push(`tapegrad.verify (line ${c.line}): ✗ ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} wrong${good.length > 0 ? `; ${good.join(', ')} ${good.length === 1 ? 'agrees' : 'agree'}` : ''}`);
    const w = c.firstWrongLine;
    if (w !== null) {
      lines.push(`  first wrong line ${w.line}: ${w.text}`);
      lines.push(`    ${w.variable} should be ${w.expected}`);
      lines.push(`    ${w.why}`);
    }
  }
  // The dropped log guard is one remark for the whole backward, not one per parameter.
  const guarded = c.params.filter((p) => p.ok && p.kind === 'log-epsilon');
  if (guarded.length > 0) {
    const phrase = /without (the .*? in the log)/.exec(guarded[0]!.diagnosis ?? '')?.[1] ?? 'the guard in the log';
    const worst = Math.max(...guarded.map((p) => p.maxRelError));
    lines.push(`  note: ${guarded.map((p) => p.name).join(', ')} ${guarded.length === 1 ? 'agrees' : 'agree'} with the gradient of the loss without ${phrase}; your backward drops that term (it moves the gradients by up to ${worst.toExponential(1)} relative), which is right for the loss without it`);
  }
  for (const p of c.params) {
    if (p.diagnosis !== null && !guarded.includes(p)) lines.push(`  ${p.ok ? 'note' : '✗'} ${p.name}: ${p.diagnosis}`);
  }
  for (const conv of c.conventions) lines.push(`  note: ${conv.message}`);
  if (c.notChecked.length > 0) lines.push(`  not checked: ${c.notChecked.join(', ')} (no parameter of that name)`);
  return lines.join('\n');
}
