/**
 * Number and array text as Python and numpy write it: float repr, the format mini-language
 * (f-strings, `format`, `.format`), `%`-formatting, and numpy's array2string (precision 8,
 * fixed or scientific, padding, 75-column wrapping, summarised above 1000 elements).
 */
import { PyRaise } from './errors.js';

/** Python's repr of a float: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const m = mant.includes('.') ? mant : mant;
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const digits = mant.replace('-', '').replace('.', '');
  const neg = x < 0 ? '-' : '';
  const point = exp + 1;
  let s: string;
  if (point <= 0) s = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) s = digits + '0'.repeat(point - digits.length) + '.0';
  else s = digits.slice(0, point) + '.' + digits.slice(point);
  return neg + s;
}

/** `toFixed` for any magnitude (JS switches to exponent form at 1e21). */
function fixed(x: number, p: number): string {
  if (Math.abs(x) < 1e21) return x.toFixed(p);
  const big = BigInt(Math.round(x)).toString();
  return p > 0 ? `${big}.${'0'.repeat(p)}` : big;
}

function expForm(x: number, p: number, upper: boolean): string {
  const [m, e] = x.toExponential(p).split('e') as [string, string];
  const n = Number(e);
  const s = `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  return upper ? s.toUpperCase() : s;
}

/** Python's `g` formatting with precision p (trailing zeros removed unless `alt`). */
function generalForm(x: number, p: number, upper: boolean, alt: boolean): string {
  const prec = p === 0 ? 1 : p;
  if (x === 0) return alt ? (0).toFixed(prec - 1) : '0';
  const exp = Number(x.toExponential(prec - 1).split('e')[1]);
  let s: string;
  if (exp >= -4 && exp < prec) {
    s = fixed(x, prec - 1 - exp);
    if (!alt && s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  } else {
    s = expForm(x, prec - 1, upper);
    if (!alt) s = s.replace(/\.?0+e/, 'e').replace(/\.?0+E/, 'E');
  }
  return s;
}

/** A parsed format spec: `[[fill]align][sign][#][0][width][,|_][.precision][type]`. */
interface Spec {
  fill: string;
  align: string | null;
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  precision: number | null;
  type: string;
}

function parseSpec(spec: string): Spec {
  const m = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s.exec(spec);
  if (m === null) throw new PyRaise('ValueError', `Invalid format specifier '${spec}'`);
  return {
    fill: m[1] ?? (m[5] !== undefined && m[2] === undefined ? '0' : ' '),
    align: m[2] ?? (m[5] !== undefined ? '=' : null),
    sign: m[3] ?? '-',
    alt: m[4] !== undefined,
    zero: m[5] !== undefined,
    width: m[6] === undefined ? 0 : Number(m[6]),
    grouping: m[7] ?? '',
    precision: m[8] === undefined ? null : Number(m[8]),
    type: m[9] ?? '',
  };
}

function group(intPart: string, sep: string): string {
  if (sep === '') return intPart;
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

function pad(body: string, sign: string, s: Spec, defaultAlign: string): string {
  const align = s.align ?? defaultAlign;
  const total = sign.length + body.length;
  if (total >= s.width) return sign + body;
  const n = s.width - total;
  switch (align) {
    case '<': return sign + body + s.fill.repeat(n);
    case '^': return s.fill.repeat(Math.floor(n / 2)) + sign + body + s.fill.repeat(Math.ceil(n / 2));
    case '=': return sign + s.fill.repeat(n) + body;
    default: return s.fill.repeat(n) + sign + body;
  }
}

/** Formats a number by a Python format spec (`x` is an int when `isInt`). */
export function formatNumber(x: number, isInt: boolean, spec: string): string {
  const s = parseSpec(spec);
  let type = s.type;
  if (type === '' ) type = isInt ? 'd' : 'r';
  if (type === 'n') type = isInt ? 'd' : 'g';
  if ((type === 'd' || type === 'b' || type === 'o' || type === 'x' || type === 'X' || type === 'c') && !isInt) {
    throw new PyRaise('ValueError', `Unknown format code '${type}' for object of type 'float'`);
  }
  if (type === 's') throw new PyRaise('ValueError', `Unknown format code 's' for object of type '${isInt ? 'int' : 'float'}'`);
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  let body: string;
  if (!Number.isFinite(x)) {
    body = Number.isNaN(x) ? 'nan' : 'inf';
    if (type === 'E' || type === 'F' || type === 'G') body = body.toUpperCase();
  } else {
    switch (type) {
      case 'd': body = group(String(ax), s.grouping); break;
      case 'b': body = (s.alt ? '0b' : '') + ax.toString(2); break;
      case 'o': body = (s.alt ? '0o' : '') + ax.toString(8); break;
      case 'x': body = (s.alt ? '0x' : '') + ax.toString(16); break;
      case 'X': body = (s.alt ? '0X' : '') + ax.toString(16).toUpperCase(); break;
      case 'c': return pad(String.fromCodePoint(x), '', s, '<');
      case 'f': case 'F': {
        const str = fixed(ax, s.precision ?? 6);
        const [i, f] = str.split('.') as [string, string | undefined];
        body = group(i, s.grouping) + (f !== undefined ? '.' + f : s.alt ? '.' : '');
        break;
      }
      case 'e': case 'E': body = expForm(ax, s.precision ?? 6, type === 'E'); break;
      case 'g': case 'G': body = generalForm(ax, s.precision ?? 6, type === 'G', s.alt); break;
      case '%': body = fixed(ax * 100, s.precision ?? 6) + '%'; break;
      case 'r':
        // No type on a float: repr, or like 'g' with at least one digit after the point when a precision is given.
        if (s.precision === null) body = floatRepr(ax);
        else {
          body = generalForm(ax, s.precision, false, false);
          if (!/[.e]/.test(body)) body += '.0';
        }
        break;
      default: throw new PyRaise('ValueError', `Unknown format code '${type}'`);
    }
  }
  const sign = neg && !(x === 0 && isInt) ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '';
  return pad(body, sign, s, '>');
}

/** Formats a string by a Python format spec. */
export function formatString(x: string, spec: string): string {
  const s = parseSpec(spec);
  if (s.type !== '' && s.type !== 's') throw new PyRaise('ValueError', `Unknown format code '${s.type}' for object of type 'str'`);
  const body = s.precision === null ? x : x.slice(0, s.precision);
  return pad(body, '', s, '<');
}

// ------------------------------------------------------------------ numpy array printing

/** numpy's print options (np.set_printoptions changes them). */
export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  suppress: boolean;
}

/** The current print options. */
export const printOptions: PrintOptions = { precision: 8, threshold: 1000, edgeitems: 3, linewidth: 75, suppress: false };

/** numpy's dragon4 positional with `unique`: shortest digits, at most `precision` after the point, trimmed to 'x.'. */
function positional(x: number, precision: number): string {
  let s = floatRepr(Math.abs(x));
  if (/e/.test(s)) s = fixedShortest(Math.abs(x));
  const dot = s.indexOf('.');
  if (dot >= 0 && s.length - dot - 1 > precision) {
    s = Math.abs(x).toFixed(precision).replace(/0+$/, '');
  }
  if (s.endsWith('.0')) s = s.slice(0, -1);
  if (!s.includes('.')) s += '.';
  return (x < 0 || Object.is(x, -0) ? '-' : '') + s;
}

function fixedShortest(x: number): string {
  const [mant, e] = x.toExponential().split('e') as [string, string];
  const exp = Number(e);
  const digits = mant.replace('.', '');
  if (exp < 0) return '0.' + '0'.repeat(-exp - 1) + digits;
  return digits.length > exp + 1 ? digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1) : digits + '0'.repeat(exp + 1 - digits.length) + '.';
}

function scientific(x: number, precision: number): string {
  let [mant, e] = x.toExponential().split('e') as [string, string];
  const frac = mant.split('.')[1] ?? '';
  if (frac.length > precision) [mant, e] = x.toExponential(precision).split('e') as [string, string];
  mant = mant.includes('.') ? mant.replace(/0+$/, '') : mant + '.';
  const n = Number(e);
  return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/** The element formatter numpy picks for a float array (FloatingFormat). */
function floatFormatter(values: ArrayLike<number>, opts: PrintOptions): (x: number) => string {
  let maxVal = 0;
  let minVal = Infinity;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]!);
    if (!Number.isFinite(v) || v === 0) continue;
    finite++;
    if (v > maxVal) maxVal = v;
    if (v < minVal) minVal = v;
  }
  const exp = finite > 0 && (maxVal >= 1e8 || (!opts.suppress && (minVal < 0.0001 || maxVal / minVal > 1000)));
  const strs: string[] = [];
  const special = (v: number): string | null => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  if (exp) {
    let manLeft = 0;
    let manRight = 0;
    let expLen = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (special(v) !== null) continue;
      const s = scientific(v, opts.precision);
      const [m, e] = s.split('e') as [string, string];
      const [l, r] = m.split('.') as [string, string];
      manLeft = Math.max(manLeft, l.length);
      manRight = Math.max(manRight, r.length);
      expLen = Math.max(expLen, e.length - 1);
      strs.push(s);
    }
    return (v: number) => {
      const sp = special(v);
      if (sp !== null) return sp.padStart(manLeft + manRight + expLen + 3);
      const s = scientific(v, opts.precision);
      const [m, e] = s.split('e') as [string, string];
      const [l, r] = m.split('.') as [string, string];
      return l.padStart(manLeft) + '.' + r.padEnd(manRight) + 'e' + e[0] + e.slice(1).padStart(expLen, '0');
    };
  }
  let left = 0;
  let right = 0;
  let hasSpecial = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (special(v) !== null) {
      hasSpecial = true;
      continue;
    }
    const s = positional(v, opts.precision);
    const [l, r] = s.split('.') as [string, string];
    left = Math.max(left, l.length);
    right = Math.max(right, r.length);
  }
  return (v: number) => {
    const sp = special(v);
    if (sp !== null) {
      const width = left + right + 1;
      return sp.padStart(Math.max(width, hasSpecial ? sp.length : 0));
    }
    const [l, r] = positional(v, opts.precision).split('.') as [string, string];
    return l.padStart(left) + '.' + r.padEnd(right);
  };
}

/** The element formatter for an array of `dtype`. */
function elementFormatter(values: ArrayLike<number>, dtype: string, opts: PrintOptions): (x: number) => string {
  if (dtype === 'bool') {
    const anyTrue = Array.prototype.some.call(values, (v: number) => v !== 0);
    return (v: number) => (v !== 0 ? (anyTrue ? ' True' : 'True') : 'False');
  }
  if (dtype === 'int64') {
    let w = 0;
    for (let i = 0; i < values.length; i++) w = Math.max(w, String(values[i]).length);
    return (v: number) => String(v).padStart(w);
  }
  return floatFormatter(values, opts);
}

/** Elements shown when summarising: all, or edgeitems at each end of every axis. */
function shownValues(data: ArrayLike<number>, shape: readonly number[], summarise: boolean, edge: number): number[] {
  if (!summarise) return Array.from(data);
  const out: number[] = [];
  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  const rec = (axis: number, off: number): void => {
    if (axis === shape.length) {
      out.push(data[off]!);
      return;
    }
    const n = shape[axis]!;
    const idx = n > 2 * edge ? [...Array(edge).keys(), ...Array.from({ length: edge }, (_, i) => n - edge + i)] : [...Array(n).keys()];
    for (const i of idx) rec(axis + 1, off + i * strides[axis]!);
  };
  rec(0, 0);
  return out;
}

/**
 * numpy's array2string (a port of `_formatArray`, legacy off): `separator` ' ' for str(), ', '
 * for repr(); `prefix` is 'array(' for repr, so wrapped lines line up under the first bracket;
 * `suffix` (')' for repr) shortens the usable line width as numpy does.
 */
export function arrayToString(
  data: ArrayLike<number>, shape: readonly number[], dtype: string, separator: string, prefix: string, suffix = '',
  opts: PrintOptions = printOptions,
): string {
  const size = data.length;
  const summarise = size > opts.threshold;
  const fmt = elementFormatter(shownValues(data, shape, summarise, opts.edgeitems), dtype, opts);
  if (shape.length === 0) return fmt(data[0]!);
  if (size === 0) return '[]';
  const strides: number[] = [];
  let st = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = st;
    st *= shape[i]!;
  }
  const sepTrim = separator.replace(/\s+$/, '');
  const extendLine = (s0: string, line: string, word: string, width: number, nextPrefix: string): [string, string] => {
    let needsWrap = line.length + word.length > width;
    if (line.length <= nextPrefix.length) needsWrap = false;
    if (needsWrap) {
      s0 += line.replace(/\s+$/, '') + '\n';
      line = nextPrefix;
    }
    return [s0, line + word];
  };
  const recurser = (axis: number, off: number, hanging: string, width: number): string => {
    const axesLeft = shape.length - axis;
    if (axesLeft === 0) return fmt(data[off]!);
    const nextHanging = hanging + ' ';
    const nextWidth = width - 1;
    const n = shape[axis]!;
    const showSummary = summarise && 2 * opts.edgeitems < n;
    const leading = showSummary ? opts.edgeitems : 0;
    const trailing = showSummary ? opts.edgeitems : n;
    const at = (i: number): number => off + (i < 0 ? n + i : i) * strides[axis]!;
    let s0 = '';
    if (axesLeft === 1) {
      const elemWidth = width - Math.max(sepTrim.length, 1);
      let line = hanging;
      for (let i = 0; i < leading; i++) {
        [s0, line] = extendLine(s0, line, recurser(axis + 1, at(i), nextHanging, nextWidth), elemWidth, hanging);
        line += separator;
      }
      if (showSummary) {
        [s0, line] = extendLine(s0, line, '...', elemWidth, hanging);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        [s0, line] = extendLine(s0, line, recurser(axis + 1, at(-i), nextHanging, nextWidth), elemWidth, hanging);
        line += separator;
      }
      [s0, line] = extendLine(s0, line, recurser(axis + 1, at(-1), nextHanging, nextWidth), elemWidth, hanging);
      s0 += line;
    } else {
      const lineSep = sepTrim + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s0 += hanging + recurser(axis + 1, at(i), nextHanging, nextWidth) + lineSep;
      if (showSummary) s0 += hanging + '...' + lineSep;
      for (let i = trailing; i > 1; i--) s0 += hanging + recurser(axis + 1, at(-i), nextHanging, nextWidth) + lineSep;
      s0 += hanging + recurser(axis + 1, at(-1), nextHanging, nextWidth);
    }
    return '[' + s0.slice(hanging.length) + ']';
  };
  return recurser(0, 0, ' ' + ' '.repeat(prefix.length), opts.linewidth - suffix.length);
}
