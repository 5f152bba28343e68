/**
 * matplotlib.pyplot's state machine without Python: figures, their axes (subplots) and what is drawn
 * on them, the "current figure/axes" rules, and when a figure is written (show, savefig, the end).
 */
import { colormap } from './image.js';
import { COLOR_CYCLE, parseColor, parseFormat, parseLineStyle, parseMarker, type LineStyle, type Marker } from './style.js';

/** One line of `plot`. */
export interface LineArtist {
  readonly kind: 'line';
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly color: string;
  readonly lineStyle: LineStyle;
  readonly lineWidth: number;
  readonly marker: Marker | null;
  readonly markerSize: number;
  readonly label: string | null;
  readonly alpha: number;
}

/** The points of `scatter`, one colour and size per point. */
export interface ScatterArtist {
  readonly kind: 'scatter';
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly colors: readonly string[];
  /** Marker areas in points² (matplotlib's `s`). */
  readonly sizes: readonly number[];
  readonly marker: Marker;
  readonly label: string | null;
  readonly alpha: number;
}

/** An `imshow` picture, already coloured: `rows × cols` RGBA pixels, pixel (0, 0) at the top left. */
export interface ImageArtist {
  readonly kind: 'image';
  readonly rows: number;
  readonly cols: number;
  readonly rgba: Uint8Array;
  readonly label: string | null;
}

/** The rectangles of `bar` (and of `hist`): bar i spans [left[i], left[i] + width[i]] × [bottom[i], bottom[i] + height[i]]. */
export interface BarArtist {
  readonly kind: 'bar';
  readonly left: readonly number[];
  readonly width: readonly number[];
  readonly bottom: readonly number[];
  readonly height: readonly number[];
  readonly color: string;
  readonly edgeColor: string | null;
  readonly label: string | null;
  readonly alpha: number;
}

export type Artist = LineArtist | ScatterArtist | ImageArtist | BarArtist;

/** Keyword options of `bar`. */
export interface BarOptions {
  width?: number | readonly number[];
  bottom?: number | readonly number[];
  /** 'center' (default): x is each bar's middle; 'edge': its left side. */
  align?: 'center' | 'edge';
  color?: string | readonly number[];
  edgecolor?: string | readonly number[];
  label?: string;
  alpha?: number;
}

/** Keyword options of `plot` (matplotlib's names). */
export interface LineOptions {
  color?: string | readonly number[];
  linestyle?: string;
  linewidth?: number;
  marker?: string;
  markersize?: number;
  label?: string;
  alpha?: number;
}

/** Keyword options of `scatter`. */
export interface ScatterOptions {
  /** One colour, one colour per point, or numbers mapped through `cmap`. */
  c?: string | readonly number[] | readonly string[];
  color?: string | readonly number[];
  s?: number | readonly number[];
  marker?: string;
  cmap?: string;
  label?: string;
  alpha?: number;
}

/** Keyword options of `imshow`. */
export interface ImageOptions {
  cmap?: string;
  vmin?: number;
  vmax?: number;
  label?: string;
}

/** Where a legend goes (matplotlib's `loc`). */
export type LegendLoc = 'best' | 'upper right' | 'upper left' | 'lower left' | 'lower right' | 'right' | 'center left'
  | 'center right' | 'lower center' | 'upper center' | 'center';

const LEGEND_LOCS: readonly LegendLoc[] = ['best', 'upper right', 'upper left', 'lower left', 'lower right', 'right',
  'center left', 'center right', 'lower center', 'upper center', 'center'];

/** An n-d array of numbers as the engine takes it (row-major data and its shape). */
export interface NumArray {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** One subplot: its place in the figure's grid, its artists and its decorations. */
export class Axes {
  readonly artists: Artist[] = [];
  title = '';
  xlabel = '';
  ylabel = '';
  xlim: [number, number] | null = null;
  ylim: [number, number] | null = null;
  axisOn = true;
  /** 'equal': one unit on x is as long as one on y (set by `axis('equal')` and by `imshow`). */
  aspect: 'auto' | 'equal' = 'auto';
  /** Limits fit the data without the 5 % margins ('tight', and images). */
  tight = false;
  grid = false;
  legend: { loc: LegendLoc; labels: string[] | null } | null = null;
  /** Counts changes, so the figure knows whether it has been written since (see {@link Figure.version}). */
  changes = 0;
  private cycle = 0;

  /** `rows × cols` grid, 1-based `index` (matplotlib's `subplot(rows, cols, index)`); `span` cells from index on. */
  constructor(readonly rows: number, readonly cols: number, readonly index: number, readonly span = 1) {}

  /** Records a change made from outside (a title or label set by the binding). */
  touch(): void {
    this.changes++;
  }

  private nextColor(): string {
    return COLOR_CYCLE[this.cycle++ % COLOR_CYCLE.length]!;
  }

  /**
   * `plot([x], y, [fmt], **kwargs)`: one line per column of `ys` (a 1-d y is one column), x defaulting
   * to 0…n-1.
   */
  plot(x: readonly number[] | null, ys: ReadonlyArray<readonly number[]>, fmt: string | null, options: LineOptions = {}): LineArtist[] {
    const spec = fmt === null ? {} : parseFormat(fmt);
    const out: LineArtist[] = [];
    for (const y of ys) {
      const xs = x ?? y.map((_, i) => i);
      if (xs.length !== y.length) {
        throw new Error(`plot: x and y must have same first dimension, but have shapes (${xs.length},) and (${y.length},)`);
      }
      const color = options.color !== undefined ? parseColor(options.color) : spec.color ?? this.nextColor();
      const line: LineArtist = {
        kind: 'line', x: xs, y, color,
        lineStyle: options.linestyle !== undefined ? parseLineStyle(options.linestyle) : spec.lineStyle ?? '-',
        lineWidth: options.linewidth ?? 1.5,
        marker: options.marker !== undefined ? parseMarker(options.marker) : spec.marker ?? null,
        markerSize: options.markersize ?? 6,
        label: options.label ?? null,
        alpha: options.alpha ?? 1,
      };
      this.artists.push(line);
      this.changes++;
      out.push(line);
    }
    return out;
  }

  /** `bar(x, height, width=0.8, bottom=0, align='center', color=…)`: one rectangle per x. */
  bar(x: readonly number[], height: readonly number[], options: BarOptions = {}): BarArtist {
    const n = x.length;
    const each = (v: number | readonly number[] | undefined, fallback: number, what: string): number[] => {
      if (v === undefined) return new Array<number>(n).fill(fallback);
      if (typeof v === 'number') return new Array<number>(n).fill(v);
      if (v.length !== n) throw new Error(`bar: ${what} must be a number or hold one value per bar (${n}), got ${v.length}`);
      return [...v];
    };
    if (height.length !== n) throw new Error(`bar: x and height must be the same size, got ${n} and ${height.length}`);
    const width = each(options.width, 0.8, 'width');
    const bottom = each(options.bottom, 0, 'bottom');
    const left = x.map((v, i) => (options.align === 'edge' ? v : v - width[i]! / 2));
    const artist: BarArtist = {
      kind: 'bar', left, width, bottom, height: [...height],
      color: options.color !== undefined ? parseColor(options.color) : this.nextColor(),
      edgeColor: options.edgecolor !== undefined ? parseColor(options.edgecolor) : null,
      label: options.label ?? null, alpha: options.alpha ?? 1,
    };
    this.artists.push(artist);
    this.changes++;
    return artist;
  }

  /** `scatter(x, y, s=…, c=…, marker=…, cmap=…)`. */
  scatter(x: readonly number[], y: readonly number[], options: ScatterOptions = {}): ScatterArtist {
    if (x.length !== y.length) throw new Error(`scatter: x and y must be the same size, got ${x.length} and ${y.length}`);
    const n = x.length;
    let colors: string[];
    const c = options.c ?? options.color;
    if (c === undefined) {
      colors = new Array<string>(n).fill(this.nextColor());
    } else if (typeof c === 'string') {
      colors = new Array<string>(n).fill(parseColor(c));
    } else if (c.length === n && c.every((v) => typeof v === 'number') && !(options.c === undefined && (n === 3 || n === 4))) {
      const values = c as readonly number[];
      const map = colormap(options.cmap ?? 'viridis');
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      colors = values.map((v) => {
        const [r, g, b] = map(hi > lo ? (v - lo) / (hi - lo) : 0);
        return `rgb(${Math.round(r)},${Math.round(g)},${Math.round(b)})`;
      });
    } else if (c.length === n && c.every((v) => typeof v === 'string')) {
      colors = (c as readonly string[]).map((v) => parseColor(v));
    } else {
      colors = new Array<string>(n).fill(parseColor(c as readonly number[]));
    }
    const s = options.s ?? 36;
    const sizes = typeof s === 'number' ? new Array<number>(n).fill(s) : s;
    if (sizes.length !== n) throw new Error(`scatter: s must be a number or hold one size per point (${n}), got ${sizes.length}`);
    const marker = options.marker !== undefined ? parseMarker(options.marker) ?? 'o' : 'o';
    const artist: ScatterArtist = { kind: 'scatter', x, y, colors, sizes, marker, label: options.label ?? null, alpha: options.alpha ?? 1 };
    this.artists.push(artist);
    this.changes++;
    return artist;
  }

  /**
   * `imshow(array, cmap=…, vmin=…, vmax=…)`: a 2-d array through a colour map (default 'viridis',
   * scaled from its min to its max), or an RGB(A) array `[h, w, 3|4]` of floats in [0, 1] or 0…255
   * integers. Sets equal aspect and tight limits, as matplotlib does.
   */
  imshow(img: NumArray, options: ImageOptions = {}, integerValued = false): ImageArtist {
    const [rows, cols, channels] = [img.shape[0] ?? 0, img.shape[1] ?? 0, img.shape[2]];
    const rgba = new Uint8Array(rows * cols * 4);
    if (img.shape.length === 2) {
      const map = colormap(options.cmap ?? 'viridis');
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < img.data.length; i++) { const v = img.data[i]!; if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
      const vmin = options.vmin ?? lo;
      const vmax = options.vmax ?? hi;
      for (let i = 0; i < rows * cols; i++) {
        const v = img.data[i]!;
        if (!Number.isFinite(v)) continue; // NaN pixels stay transparent, as matplotlib's masked values
        const [r, g, b] = map(vmax > vmin ? (v - vmin) / (vmax - vmin) : 0);
        rgba.set([Math.round(r), Math.round(g), Math.round(b), 255], i * 4);
      }
    } else if (img.shape.length === 3 && (channels === 3 || channels === 4)) {
      const scale = integerValued ? 1 : 255;
      for (let i = 0; i < rows * cols; i++) {
        for (let k = 0; k < 4; k++) {
          const v = k < channels ? img.data[i * channels + k]! * scale : 255;
          rgba[i * 4 + k] = Math.round(Math.min(255, Math.max(0, v)));
        }
      }
    } else {
      throw new Error(`imshow: Invalid shape (${img.shape.join(', ')}) for image data (expected (M, N), (M, N, 3) or (M, N, 4))`);
    }
    const artist: ImageArtist = { kind: 'image', rows, cols, rgba, label: options.label ?? null };
    this.artists.push(artist);
    this.changes++;
    this.aspect = 'equal';
    this.tight = true;
    return artist;
  }

  /**
   * `axis(...)`: 'off', 'on', 'equal', 'scaled', 'image', 'square', 'tight', 'auto', or
   * `[xmin, xmax, ymin, ymax]`.
   */
  axis(arg: string | readonly number[]): void {
    this.changes++;
    if (typeof arg !== 'string') {
      if (arg.length !== 4) throw new Error(`axis: the limits must be [xmin, xmax, ymin, ymax], got ${arg.length} numbers`);
      this.xlim = [arg[0]!, arg[1]!];
      this.ylim = [arg[2]!, arg[3]!];
      return;
    }
    switch (arg) {
      case 'off': this.axisOn = false; break;
      case 'on': this.axisOn = true; break;
      case 'equal': case 'scaled': case 'square': this.aspect = 'equal'; break;
      case 'image': this.aspect = 'equal'; this.tight = true; break;
      case 'tight': this.tight = true; break;
      case 'auto': this.aspect = 'auto'; this.tight = false; break;
      default: throw new Error(`axis: unknown option ${JSON.stringify(arg)} (use 'off', 'on', 'equal', 'scaled', 'image', 'square', 'tight', 'auto' or [xmin, xmax, ymin, ymax])`);
    }
  }

  /** `legend([labels], loc=…)`. */
  showLegend(labels: string[] | null = null, loc: string = 'best'): void {
    if (!(LEGEND_LOCS as readonly string[]).includes(loc)) {
      throw new Error(`legend: unknown loc ${JSON.stringify(loc)} (use one of ${LEGEND_LOCS.map((l) => `'${l}'`).join(', ')})`);
    }
    this.legend = { loc: loc as LegendLoc, labels };
    this.changes++;
  }

  /** Removes everything drawn and every decoration (`cla`). */
  clear(): void {
    this.artists.length = 0;
    this.title = this.xlabel = this.ylabel = '';
    this.xlim = this.ylim = null;
    this.axisOn = true;
    this.aspect = 'auto';
    this.tight = this.grid = false;
    this.legend = null;
    this.cycle = 0;
    this.changes++;
  }
}

/** One matplotlib figure: size, axes, super-title. */
export class Figure {
  readonly axes: Axes[] = [];
  suptitle = '';
  current: Axes | null = null;
  private ownChanges = 0;
  /** The {@link Figure.version} last written; -1 when never written. */
  writtenVersion = -1;

  /** `figsize` in inches at `dpi` pixels per inch (matplotlib's defaults: 6.4 × 4.8 at 100). */
  constructor(readonly num: number, readonly width = 6.4, readonly height = 4.8, readonly dpi = 100) {
    if (!(width > 0) || !(height > 0)) throw new Error(`figure: figsize must be positive, got (${width}, ${height})`);
  }

  /** Grows on every change to the figure or its axes, so a figure saved and left untouched is not written again at the end. */
  get version(): number {
    return this.axes.reduce((n, a) => n + a.changes, this.ownChanges);
  }

  /** Records a change to the figure itself (a super-title, a new subplot). */
  touch(): void {
    this.ownChanges++;
  }

  /** `subplot(rows, cols, index)`: the axes at that place, created if new (an existing one is reused, as matplotlib does). */
  subplot(rows: number, cols: number, index: number): Axes {
    for (const [name, v] of [['nrows', rows], ['ncols', cols], ['index', index]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`subplot: ${name} must be a positive integer, got ${v}`);
    }
    if (index > rows * cols) throw new Error(`subplot: num must be an integer with 1 <= num <= ${rows * cols}, not ${index}`);
    let ax = this.axes.find((a) => a.rows === rows && a.cols === cols && a.index === index);
    if (ax === undefined) {
      ax = new Axes(rows, cols, index);
      this.axes.push(ax);
    }
    this.current = ax;
    this.ownChanges++;
    return ax;
  }

  /** The current axes, creating a single full-figure one when there is none (`gca`). */
  gca(): Axes {
    return this.current ?? this.subplot(1, 1, 1);
  }
}

/** A figure ready to be written: its file name and SVG text. */
export interface WrittenFigure {
  readonly name: string;
  readonly svg: string;
}

/** The pyplot module's state for one program run: open figures, the current one, rcParams, and what was written. */
export class PyplotState {
  private readonly figures = new Map<number, Figure>();
  private currentFigure: Figure | null = null;
  /** Everything written so far, in order. */
  readonly written: WrittenFigure[] = [];
  /** rcParams set by the program; only 'figure.figsize' and 'figure.dpi' change what we draw. */
  readonly rcParams = new Map<string, unknown>();
  private sequence = 0;

  /**
   * @param render - turns a figure into SVG text (the renderer, injected to keep this file free of drawing code).
   * @param onWrite - told about every figure written (the interpreter stores it or writes it to its outDir).
   */
  constructor(private readonly render: (fig: Figure) => string, private readonly onWrite: (fig: WrittenFigure) => void = () => {}) {}

  /** `figure(num=None, figsize=None, dpi=None)`: a new figure (or figure `num`, made current). */
  figure(num: number | null = null, figsize: readonly [number, number] | null = null, dpi: number | null = null): Figure {
    if (num !== null) {
      const existing = this.figures.get(num);
      if (existing !== undefined) { this.currentFigure = existing; return existing; }
    }
    const n = num ?? (this.figures.size === 0 ? 1 : Math.max(...this.figures.keys()) + 1);
    const size = figsize ?? (this.rcParams.get('figure.figsize') as [number, number] | undefined) ?? [6.4, 4.8];
    const fig = new Figure(n, size[0], size[1], dpi ?? (this.rcParams.get('figure.dpi') as number | undefined) ?? 100);
    this.figures.set(n, fig);
    this.currentFigure = fig;
    return fig;
  }

  /** The current figure, created when there is none (`gcf`). */
  gcf(): Figure {
    return this.currentFigure ?? this.figure();
  }

  /** The current axes of the current figure (`gca`). */
  gca(): Axes {
    return this.gcf().gca();
  }

  /**
   * `subplots(nrows, ncols, figsize=…)`: a new figure with a full grid of axes, row-major.
   */
  subplots(nrows = 1, ncols = 1, figsize: readonly [number, number] | null = null, dpi: number | null = null): [Figure, Axes[]] {
    const fig = this.figure(null, figsize, dpi);
    const axes: Axes[] = [];
    for (let i = 1; i <= nrows * ncols; i++) axes.push(fig.subplot(nrows, ncols, i));
    fig.current = axes[0] ?? null;
    return [fig, axes];
  }

  private write(fig: Figure, name: string): WrittenFigure {
    const out = { name, svg: this.render(fig) };
    fig.writtenVersion = fig.version;
    this.written.push(out);
    this.onWrite(out);
    return out;
  }

  private autoName(): string {
    return `figure-${++this.sequence}.svg`;
  }

  /**
   * `savefig(path)`: writes the current figure as SVG. The name keeps the path's folders and stem;
   * its extension becomes '.svg' (we draw SVG only, whatever the extension asked for).
   */
  savefig(path: string): WrittenFigure {
    if (path.trim() === '') throw new Error('savefig: the file name is empty');
    const svgName = /\.[A-Za-z0-9]+$/.test(path) ? path.replace(/\.[A-Za-z0-9]+$/, '.svg') : `${path}.svg`;
    return this.write(this.gcf(), svgName);
  }

  /** `show()`: writes every open figure with changes not yet written, then closes them all (as a script's `plt.show()` does). */
  show(): WrittenFigure[] {
    const out: WrittenFigure[] = [];
    for (const fig of [...this.figures.values()].sort((a, b) => a.num - b.num)) {
      if (fig.writtenVersion !== fig.version) out.push(this.write(fig, this.autoName()));
    }
    this.figures.clear();
    this.currentFigure = null;
    return out;
  }

  /** `close()`, `close(num)`, `close(fig)`, `close('all')`: forgets figures without writing them. */
  close(which: 'all' | number | Figure | null = null): void {
    if (which === 'all') { this.figures.clear(); this.currentFigure = null; return; }
    const fig = which === null ? this.currentFigure : typeof which === 'number' ? this.figures.get(which) ?? null : which;
    if (fig === null) return;
    this.figures.delete(fig.num);
    if (this.currentFigure === fig) {
      const rest = [...this.figures.values()];
      this.currentFigure = rest[rest.length - 1] ?? null;
    }
  }

  /** At the end of the program: writes the figures still open that have unwritten changes. */
  finish(): WrittenFigure[] {
    const out: WrittenFigure[] = [];
    for (const fig of [...this.figures.values()].sort((a, b) => a.num - b.num)) {
      if (fig.writtenVersion !== fig.version) out.push(this.write(fig, this.autoName()));
    }
    return out;
  }

  /** The open figures' numbers (`get_fignums`). */
  fignums(): number[] {
    return [...this.figures.keys()].sort((a, b) => a - b);
  }
}
