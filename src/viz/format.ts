/** Number and tensor summaries shared by the graph pictures and the explainer: short, exact enough, deterministic. */
import { show } from '../validate.js';
import { Tensor } from '../tensor.js';

/**
 * A number with `digits` significant digits, trailing zeros dropped and a true minus sign, so
 * labels stay short and the same value always prints the same way.
 * @example
 * formatNumber(0.123456); // '0.1235'
 * formatNumber(-2e-9);    // '−2e-9'
 */
export function formatNumber(x: number, digits = 4): string {
  if (typeof x !== 'number') throw new Error(`formatNumber: expected a number, got ${show(x)}`);
  if (!Number.isInteger(digits) || digits < 1 || digits > 17) throw new Error(`formatNumber: digits must be an integer in [1, 17], got ${show(digits)}`);
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const text = String(Number(x.toPrecision(digits)));
  return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

/** `[2,3]`, or `scalar` for a 0-d tensor. */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : `[${shape.join('×')}]`;
}

/**
 * The values themselves for small tensors (at most `inline` elements), otherwise min/mean/max.
 * @example
 * summarize(tensor([1, 2]));          // '[1, 2]'
 * summarize(zeros([10]));             // 'min 0 · mean 0 · max 0'
 */
export function summarize(t: Tensor, digits = 4, inline = 6): string {
  if (!(t instanceof Tensor)) throw new Error(`summarize: expected a Tensor, got ${show(t)}`);
  const s = t.storage;
  if (s.length === 1) return formatNumber(s[0]!, digits);
  if (s.length <= inline) return `[${Array.from(s, (v) => formatNumber(v, digits)).join(', ')}]`;
  let min = Infinity, max = -Infinity, total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    total += v;
  }
  const mean = s.length === 0 ? NaN : total / s.length;
  return `min ${formatNumber(min, digits)} · mean ${formatNumber(mean, digits)} · max ${formatNumber(max, digits)}`;
}

/** A short text for an op's attributes (axes, flags), or '' when there are none or they are long. */
export function attrsText(attrs: unknown): string {
  if (attrs === undefined || attrs === null) return '';
  if (typeof attrs !== 'object') return String(attrs);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(attrs as Record<string, unknown>)) {
    if (v === undefined || v === false) continue;
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (text !== undefined && text.length <= 24) parts.push(`${k}=${text}`);
  }
  const joined = parts.join(' ');
  return joined.length <= 40 ? joined : '';
}

/** Breaks a long line at spaces into lines of at most `width` characters (long words stay whole). */
export function wrap(text: string, width = 52): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') out.push(line);
  return out;
}
