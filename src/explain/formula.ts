/** Turning an op's VJP formula into its local derivative (g = 1) and naming the letters it uses. */
import type { TapeRecord } from '../engine/tape.js';
import type { Tensor } from '../tensor.js';

/**
 * The formula with the incoming gradient g set to 1: 'g · y · (1 − y)' → 'y · (1 − y)',
 * 'g' → '1', '−g' → '−1', 'g / x' → '1 / x'.
 */
export function localFormula(formula: string): string {
  const f = formula.trim();
  if (f === 'g') return '1';
  if (f === '−g' || f === '-g') return '−1';
  for (const [prefix, replacement] of [['g · ', ''], ['−g · ', '−'], ['-g · ', '−'], ['g / ', '1 / '], ['−g / ', '−1 / ']] as const) {
    if (f.startsWith(prefix)) return replacement + f.slice(prefix.length);
  }
  return /\bg\b/.test(f) ? f.replace(/\bg\b/g, '1') : f;
}

/**
 * The letters a formula uses and the tensors they stand for, by the ops' convention: unary ops
 * call their input x, binary ops a and b (pow's exponent also e); y is always the output.
 */
export function symbolsOf(formula: string, r: TapeRecord): { symbol: string; tensor: Tensor }[] {
  const table: [string, Tensor | undefined][] = r.inputs.length === 1
    ? [['x', r.inputs[0]], ['y', r.output]]
    : [['a', r.inputs[0]], ['b', r.inputs[1]], ['e', r.op === 'pow' ? r.inputs[1] : undefined], ['y', r.output]];
  const out: { symbol: string; tensor: Tensor }[] = [];
  for (const [symbol, tensor] of table) {
    if (tensor !== undefined && tensor.size === 1 && new RegExp(`(^|[^A-Za-z])${symbol}([^A-Za-z]|$)`).test(formula)) out.push({ symbol, tensor });
  }
  return out;
}
