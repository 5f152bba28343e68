/** Numbers as the numpy mode shows them: short, never wrapped, NaN and ∞ by name. */

/**
 * A number in 6 significant digits without trailing zeros; NaN, ∞ and −∞ by name; '—' for none.
 * @example
 * num(0.0829875535); // '0.0829876'
 */
export function num(x: number | null): string {
  if (x === null) return '—';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  const s = a >= 1e5 || a < 1e-4 ? x.toExponential(4) : x.toPrecision(6);
  return s.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1').replace('-', '−');
}
