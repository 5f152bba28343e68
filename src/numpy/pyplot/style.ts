/** matplotlib's colours, line styles, markers and `fmt` strings ('r-', 'b--', 'o', 'C1:'), parsed to SVG attributes. */

/** matplotlib's default colour cycle (`tab10`), in order. */
export const COLOR_CYCLE: readonly string[] = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
];

const SINGLE_LETTER: Record<string, string> = {
  b: '#0000ff', g: '#008000', r: '#ff0000', c: '#00bfbf', m: '#bf00bf', y: '#bfbf00', k: '#000000', w: '#ffffff',
};

// The CSS colour names matplotlib users type most; others are refused with the list of what is known.
const NAMED: Record<string, string> = {
  blue: '#0000ff', green: '#008000', red: '#ff0000', cyan: '#00ffff', magenta: '#ff00ff', yellow: '#ffff00',
  black: '#000000', white: '#ffffff', gray: '#808080', grey: '#808080', orange: '#ffa500', purple: '#800080',
  brown: '#a52a2a', pink: '#ffc0cb', olive: '#808000', navy: '#000080', teal: '#008080', lime: '#00ff00',
  darkblue: '#00008b', darkgreen: '#006400', darkred: '#8b0000', darkorange: '#ff8c00', lightblue: '#add8e6',
  lightgreen: '#90ee90', lightgray: '#d3d3d3', lightgrey: '#d3d3d3', darkgray: '#a9a9a9', darkgrey: '#a9a9a9',
  gold: '#ffd700', violet: '#ee82ee', indigo: '#4b0082', crimson: '#dc143c', salmon: '#fa8072', coral: '#ff7f50',
  turquoise: '#40e0d0', skyblue: '#87ceeb', steelblue: '#4682b4', royalblue: '#4169e1', tomato: '#ff6347',
  orchid: '#da70d6', maroon: '#800000', silver: '#c0c0c0', tan: '#d2b48c', khaki: '#f0e68c', hotpink: '#ff69b4',
  forestgreen: '#228b22', seagreen: '#2e8b57', limegreen: '#32cd32', deepskyblue: '#00bfff', dodgerblue: '#1e90ff',
  slategray: '#708090', chocolate: '#d2691e', firebrick: '#b22222', goldenrod: '#daa520', darkviolet: '#9400d3',
};

const TAB: Record<string, number> = {
  'tab:blue': 0, 'tab:orange': 1, 'tab:green': 2, 'tab:red': 3, 'tab:purple': 4,
  'tab:brown': 5, 'tab:pink': 6, 'tab:gray': 7, 'tab:grey': 7, 'tab:olive': 8, 'tab:cyan': 9,
};

const hex2 = (v: number): string => Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0');

/**
 * A matplotlib colour as an SVG colour: single letters, CSS names, 'C0'…'C9', 'tab:…', '#rgb(a)',
 * a grey level string ('0.5') or an (r, g, b[, a]) tuple of floats in [0, 1].
 *
 * @example
 * ```ts
 * parseColor('r'); // '#ff0000'
 * parseColor([0, 0.5, 1]); // '#0080ff'
 * ```
 */
export function parseColor(c: string | readonly number[]): string {
  if (typeof c !== 'string') {
    if ((c.length !== 3 && c.length !== 4) || c.some((v) => !(v >= 0 && v <= 1))) {
      throw new Error(`pyplot: an RGB(A) colour needs 3 or 4 numbers in [0, 1], got (${c.join(', ')})`);
    }
    return `#${hex2(c[0]!)}${hex2(c[1]!)}${hex2(c[2]!)}`;
  }
  const s = c.trim().toLowerCase();
  if (SINGLE_LETTER[s] !== undefined) return SINGLE_LETTER[s];
  if (NAMED[s] !== undefined) return NAMED[s];
  if (TAB[s] !== undefined) return COLOR_CYCLE[TAB[s]]!;
  const cn = /^c(\d)$/.exec(s);
  if (cn) return COLOR_CYCLE[Number(cn[1])]!;
  if (/^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/.test(s)) return s.length === 9 ? s.slice(0, 7) : s;
  if (/^(0(\.\d*)?|1(\.0*)?|\.\d+)$/.test(s)) { const g = hex2(Number(s)); return `#${g}${g}${g}`; }
  throw new Error(`pyplot: unknown colour ${JSON.stringify(c)} (use a letter of 'bgrcmykw', 'C0'…'C9', 'tab:blue', '#rrggbb', a grey level such as '0.5', or one of: ${Object.keys(NAMED).slice(0, 12).join(', ')}, …)`);
}

/** matplotlib line styles. */
export type LineStyle = '-' | '--' | '-.' | ':' | 'none';

/** The markers we draw (matplotlib's shorthand letters). */
export const MARKERS = ['.', ',', 'o', 'v', '^', '<', '>', 's', 'p', '*', 'h', 'H', '+', 'x', 'X', 'D', 'd', '|', '_', 'P', '1', '2', '3', '4', '8'] as const;
export type Marker = (typeof MARKERS)[number];

/** What a `fmt` string sets; anything it leaves out is undefined (the defaults then apply). */
export interface FormatSpec {
  color?: string;
  lineStyle?: LineStyle;
  marker?: Marker;
}

const LINE_NAMES: Record<string, LineStyle> = {
  '-': '-', '--': '--', '-.': '-.', ':': ':', solid: '-', dashed: '--', dashdot: '-.', dotted: ':',
  None: 'none', none: 'none', '': 'none', ' ': 'none',
};

/**
 * A line style given as a keyword (`linestyle='--'` or `'dashed'`).
 * @example
 * ```ts
 * parseLineStyle('dashed'); // '--'
 * ```
 */
export function parseLineStyle(s: string): LineStyle {
  const v = LINE_NAMES[s];
  if (v === undefined) throw new Error(`pyplot: unknown linestyle ${JSON.stringify(s)} (use '-', '--', '-.', ':' or 'none')`);
  return v;
}

/**
 * A marker given as a keyword (`marker='o'`); 'None'/'' mean no marker.
 * @example
 * ```ts
 * parseMarker('o'); // 'o'
 * ```
 */
export function parseMarker(s: string): Marker | null {
  if (s === '' || s === 'None' || s === 'none' || s === ' ') return null;
  if ((MARKERS as readonly string[]).includes(s)) return s as Marker;
  throw new Error(`pyplot: unknown marker ${JSON.stringify(s)} (use one of ${MARKERS.join(' ')})`);
}

/**
 * Parses a matplotlib format string `[marker][line][color]` (any order), e.g. 'ro', 'b--', 'g^-', 'C2:'.
 * A marker without a line style means markers only, as in matplotlib.
 *
 * @example
 * ```ts
 * parseFormat('r--'); // { color: '#ff0000', lineStyle: '--' }
 * parseFormat('o'); // { marker: 'o', lineStyle: 'none' }
 * ```
 */
export function parseFormat(fmt: string): FormatSpec {
  const spec: FormatSpec = {};
  let i = 0;
  const fail = (why: string): never => { throw new Error(`pyplot: bad format string ${JSON.stringify(fmt)}: ${why}`); };
  while (i < fmt.length) {
    const two = fmt.slice(i, i + 2);
    const ch = fmt[i]!;
    if (two === '--' || two === '-.') {
      if (spec.lineStyle !== undefined) fail('two line styles');
      spec.lineStyle = two as LineStyle;
      i += 2;
    } else if (ch === '-' || ch === ':') {
      if (spec.lineStyle !== undefined) fail('two line styles');
      spec.lineStyle = ch;
      i += 1;
    } else if (ch === 'C' && /\d/.test(fmt[i + 1] ?? '')) {
      if (spec.color !== undefined) fail('two colours');
      spec.color = COLOR_CYCLE[Number(fmt[i + 1])]!;
      i += 2;
    } else if (SINGLE_LETTER[ch] !== undefined) {
      if (spec.color !== undefined) fail('two colours');
      spec.color = SINGLE_LETTER[ch];
      i += 1;
    } else if ((MARKERS as readonly string[]).includes(ch)) {
      if (spec.marker !== undefined) fail('two markers');
      spec.marker = ch as Marker;
      i += 1;
    } else {
      fail(`${JSON.stringify(ch)} is not a colour, line style or marker`);
    }
  }
  if (spec.marker !== undefined && spec.lineStyle === undefined) spec.lineStyle = 'none';
  return spec;
}

/** The SVG `stroke-dasharray` of a line style at a line width. */
export function dashArray(style: LineStyle, width: number): string | null {
  switch (style) {
    case '--': return `${3.7 * width} ${1.6 * width}`;
    case '-.': return `${6.4 * width} ${1.6 * width} ${width} ${1.6 * width}`;
    case ':': return `${width} ${1.65 * width}`;
    default: return null;
  }
}
