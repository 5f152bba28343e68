/**
 * The `matplotlib.pyplot` host module: Python's calling conventions (positional-or-keyword
 * arguments, `fmt` groups in `plot`, Figure and Axes objects) mapped onto the {@link PyplotState}
 * engine, drawing with {@link renderFigure}.
 */
import { tensor } from '../../creation.js';
import { defineModule, dictEntries, fromPy, hostFunction, listItems, makeNdArray, moduleValue, pyStr, pyTuple, toPy, type CallContext, type HostModule, type PyValue } from '../host.js';
import type { ModuleEnv } from '../modules.js';
import { describe, numbersArg, toNumbers, type Numbers } from '../random/convert.js';
import { Axes, Figure, PyplotState, type BarOptions, type LineOptions, type ScatterOptions, type WrittenFigure } from './figure.js';
import { renderFigure } from './render.js';

type Args = PyValue[];
type Kwargs = Record<string, PyValue>;

const isNone = (v: PyValue): boolean => v === null || v === undefined;

function arg(args: Args, kwargs: Kwargs, i: number, name: string, fallback: PyValue = null): PyValue {
  if (name in kwargs) return kwargs[name]!;
  return i < args.length ? args[i]! : fallback;
}

function num(ctx: CallContext, fn: string, what: string, v: PyValue): number {
  const n = toNumbers(v);
  if (n === null || n.shape.length !== 0) throw ctx.error(`${fn}: ${what} must be a number, got ${describe(v)}`);
  return n.data[0]!;
}

function optNum(ctx: CallContext, fn: string, what: string, v: PyValue): number | undefined {
  return isNone(v) ? undefined : num(ctx, fn, what, v);
}

function str(v: PyValue): string {
  return typeof v === 'string' ? v : pyStr(v);
}

function optStr(v: PyValue): string | undefined {
  return isNone(v) ? undefined : str(v);
}

/** A colour argument: a string or an RGB(A) tuple. */
function colorArg(ctx: CallContext, fn: string, v: PyValue): string | number[] | undefined {
  if (isNone(v)) return undefined;
  if (typeof v === 'string') return v;
  const n = numbersArg(ctx, fn, 'color', v);
  return Array.from(n.data);
}

/** The columns of a y argument: a 1-d array is one line, a 2-d array one line per column (as matplotlib). */
function columns(ctx: CallContext, fn: string, n: Numbers): number[][] {
  if (n.shape.length === 0) return [[n.data[0]!]];
  if (n.shape.length === 1) return [Array.from(n.data)];
  if (n.shape.length === 2) {
    const [rows, cols] = n.shape as [number, number];
    return Array.from({ length: cols }, (_, c) => Array.from({ length: rows }, (_, r) => n.data[r * cols + c]!));
  }
  throw ctx.error(`${fn}: y can have at most 2 dimensions, got shape (${n.shape.join(', ')})`);
}

function flatList(ctx: CallContext, fn: string, what: string, v: PyValue): number[] {
  return Array.from(numbersArg(ctx, fn, what, v).data);
}

/** `plot(*args, **kwargs)` on an axes: groups of `[x], y, [fmt]`. */
function plotCall(ax: Axes, args: Args, kwargs: Kwargs, ctx: CallContext): PyValue {
  const options: LineOptions = {};
  const color = colorArg(ctx, 'plot', kwargs['color'] ?? kwargs['c'] ?? null);
  if (color !== undefined) options.color = color;
  const ls = optStr(kwargs['linestyle'] ?? kwargs['ls'] ?? null);
  if (ls !== undefined) options.linestyle = ls;
  const lw = optNum(ctx, 'plot', 'linewidth', kwargs['linewidth'] ?? kwargs['lw'] ?? null);
  if (lw !== undefined) options.linewidth = lw;
  const marker = optStr(kwargs['marker'] ?? null);
  if (marker !== undefined) options.marker = marker;
  const ms = optNum(ctx, 'plot', 'markersize', kwargs['markersize'] ?? kwargs['ms'] ?? null);
  if (ms !== undefined) options.markersize = ms;
  const label = optStr(kwargs['label'] ?? null);
  if (label !== undefined) options.label = label;
  const alpha = optNum(ctx, 'plot', 'alpha', kwargs['alpha'] ?? null);
  if (alpha !== undefined) options.alpha = alpha;
  if (args.length === 0) throw ctx.error('plot: nothing to plot (give y, or x and y)');
  let i = 0;
  let lines = 0;
  while (i < args.length) {
    const first = numbersArg(ctx, 'plot', 'y', args[i]!);
    let x: number[] | null = null;
    let y = first;
    let fmt: string | null = null;
    const next = args[i + 1];
    if (next !== undefined && typeof next !== 'string') {
      x = Array.from(first.data);
      y = numbersArg(ctx, 'plot', 'y', next);
      i += 2;
    } else {
      i += 1;
    }
    if (typeof args[i] === 'string') { fmt = args[i] as string; i += 1; }
    if (x !== null && first.shape.length > 1) throw ctx.error(`plot: x must be 1-dimensional, got shape (${first.shape.join(', ')})`);
    const cols = columns(ctx, 'plot', y);
    ax.plot(x, cols, fmt, options);
    lines += cols.length;
  }
  return toPy(new Array<PyValue>(lines).fill(null) as never);
}

function scatterCall(ax: Axes, args: Args, kwargs: Kwargs, ctx: CallContext): PyValue {
  const x = flatList(ctx, 'scatter', 'x', arg(args, kwargs, 0, 'x'));
  const y = flatList(ctx, 'scatter', 'y', arg(args, kwargs, 1, 'y'));
  const options: ScatterOptions = {};
  const s = arg(args, kwargs, 2, 's');
  if (!isNone(s)) { const n = numbersArg(ctx, 'scatter', 's', s); options.s = n.shape.length === 0 ? n.data[0]! : Array.from(n.data); }
  const c = arg(args, kwargs, 3, 'c');
  if (!isNone(c)) {
    if (typeof c === 'string') options.c = c;
    else {
      const items = listItems(c);
      if (items !== null && items.every((v) => typeof v === 'string')) options.c = items.map((v) => v as string);
      else options.c = Array.from(numbersArg(ctx, 'scatter', 'c', c).data);
    }
  }
  const color = colorArg(ctx, 'scatter', kwargs['color'] ?? null);
  if (color !== undefined) options.color = color;
  const marker = optStr(arg(args, kwargs, 4, 'marker'));
  if (marker !== undefined) options.marker = marker;
  const cmap = optStr(arg(args, kwargs, 5, 'cmap'));
  if (cmap !== undefined) options.cmap = cmap;
  const label = optStr(kwargs['label'] ?? null);
  if (label !== undefined) options.label = label;
  const alpha = optNum(ctx, 'scatter', 'alpha', kwargs['alpha'] ?? null);
  if (alpha !== undefined) options.alpha = alpha;
  ax.scatter(x, y, options);
  return null;
}

/** The options bar and hist share: color, edgecolor, label, alpha. */
function barStyle(ctx: CallContext, fn: string, kwargs: Kwargs, options: BarOptions): void {
  const color = colorArg(ctx, fn, kwargs['color'] ?? null);
  if (color !== undefined) options.color = color;
  const edge = colorArg(ctx, fn, kwargs['edgecolor'] ?? kwargs['ec'] ?? null);
  if (edge !== undefined) options.edgecolor = edge;
  const label = optStr(kwargs['label'] ?? null);
  if (label !== undefined) options.label = label;
  const alpha = optNum(ctx, fn, 'alpha', kwargs['alpha'] ?? null);
  if (alpha !== undefined) options.alpha = alpha;
}

function barCall(ax: Axes, args: Args, kwargs: Kwargs, ctx: CallContext): PyValue {
  const xv = arg(args, kwargs, 0, 'x');
  // Categorical bars (x given as strings) sit at 0, 1, 2, …; the names are not drawn as tick labels.
  const items = listItems(xv);
  const x = items !== null && items.every((v) => typeof v === 'string') ? items.map((_, i) => i) : flatList(ctx, 'bar', 'x', xv);
  const hv = numbersArg(ctx, 'bar', 'height', arg(args, kwargs, 1, 'height'));
  const height = hv.shape.length === 0 ? new Array<number>(x.length).fill(hv.data[0]!) : Array.from(hv.data);
  const options: BarOptions = {};
  const width = arg(args, kwargs, 2, 'width');
  if (!isNone(width)) { const w = numbersArg(ctx, 'bar', 'width', width); options.width = w.shape.length === 0 ? w.data[0]! : Array.from(w.data); }
  const bottom = arg(args, kwargs, 3, 'bottom');
  if (!isNone(bottom)) { const b = numbersArg(ctx, 'bar', 'bottom', bottom); options.bottom = b.shape.length === 0 ? b.data[0]! : Array.from(b.data); }
  const align = optStr(kwargs['align'] ?? null);
  if (align !== undefined) {
    if (align !== 'center' && align !== 'edge') throw ctx.error(`bar: align must be 'center' or 'edge', got '${align}'`);
    options.align = align;
  }
  barStyle(ctx, 'bar', kwargs, options);
  ax.bar(x, height, options);
  return null;
}

/**
 * numpy's histogram rule: `bins` equal-width bins over [lo, hi] (the data's range unless `range`),
 * each half-open but the last closed, or the given edges; `density` divides by n·width.
 */
function histogram(values: readonly number[], bins: number | readonly number[], range: [number, number] | null, density: boolean): { counts: number[]; edges: number[] } {
  const finite = values.filter(Number.isFinite);
  let edges: number[];
  if (typeof bins === 'number') {
    let lo = range?.[0] ?? (finite.length > 0 ? Math.min(...finite) : 0);
    let hi = range?.[1] ?? (finite.length > 0 ? Math.max(...finite) : 1);
    if (lo === hi) { lo -= 0.5; hi += 0.5; }
    edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
    edges[bins] = hi;
  } else {
    edges = [...bins];
  }
  const k = edges.length - 1;
  const counts = new Array<number>(k).fill(0);
  for (const v of finite) {
    if (v < edges[0]! || v > edges[k]!) continue;
    let lo = 0; let hi = k;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (v >= edges[mid]!) lo = mid; else hi = mid; }
    counts[lo]!++;
  }
  if (density) {
    const total = counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < k; i++) counts[i] = total > 0 ? counts[i]! / (total * (edges[i + 1]! - edges[i]!)) : 0;
  }
  return { counts, edges };
}

function histCall(ax: Axes, args: Args, kwargs: Kwargs, ctx: CallContext): PyValue {
  const x = flatList(ctx, 'hist', 'x', arg(args, kwargs, 0, 'x'));
  const binsV = arg(args, kwargs, 1, 'bins', 10);
  const b = numbersArg(ctx, 'hist', 'bins', binsV);
  const bins: number | number[] = b.shape.length === 0 ? Math.trunc(b.data[0]!) : Array.from(b.data);
  if (typeof bins === 'number' && bins < 1) throw ctx.error(`hist: bins must be at least 1, got ${bins}`);
  if (typeof bins !== 'number' && bins.length < 2) throw ctx.error('hist: bins given as edges need at least two of them');
  const rangeV = arg(args, kwargs, 2, 'range');
  const range = isNone(rangeV) ? null : (flatList(ctx, 'hist', 'range', rangeV) as [number, number]);
  const density = Boolean(fromPy(arg(args, kwargs, 3, 'density', false)));
  const histtype = optStr(kwargs['histtype'] ?? null);
  if (histtype !== undefined && histtype !== 'bar' && histtype !== 'stepfilled') throw ctx.error(`hist: histtype='${histtype}' is not supported (bar, stepfilled)`);
  const { counts, edges } = histogram(x, bins, range, density);
  const options: BarOptions = { align: 'edge', width: counts.map((_, i) => edges[i + 1]! - edges[i]!) };
  barStyle(ctx, 'hist', kwargs, options);
  ax.bar(edges.slice(0, -1), counts, options);
  // matplotlib returns (n, bins, patches); the patches are not objects here.
  const array = (v: number[]): PyValue => makeNdArray(tensor(Float64Array.from(v), { shape: [v.length] }));
  return pyTuple([array(counts), array(edges), toPy(new Array<PyValue>(counts.length).fill(null) as never)]);
}

function imshowCall(ax: Axes, args: Args, kwargs: Kwargs, ctx: CallContext): PyValue {
  const img = numbersArg(ctx, 'imshow', 'X', arg(args, kwargs, 0, 'X'));
  const cmap = optStr(arg(args, kwargs, 1, 'cmap'));
  const vmin = optNum(ctx, 'imshow', 'vmin', kwargs['vmin'] ?? null);
  const vmax = optNum(ctx, 'imshow', 'vmax', kwargs['vmax'] ?? null);
  const options: { cmap?: string; vmin?: number; vmax?: number } = {};
  if (cmap !== undefined) options.cmap = cmap;
  if (vmin !== undefined) options.vmin = vmin;
  if (vmax !== undefined) options.vmax = vmax;
  ax.imshow(img, options, img.dtype === 'int64');
  return null;
}

function limitsCall(ctx: CallContext, fn: string, args: Args, kwargs: Kwargs, current: [number, number] | null): [number, number] | null {
  if (args.length === 0 && Object.keys(kwargs).length === 0) return current;
  let lo: PyValue = args[0] ?? null;
  let hi: PyValue = args[1] ?? null;
  const pair = lo !== null ? listItems(lo) : null;
  if (pair !== null) { lo = pair[0] ?? null; hi = pair[1] ?? null; }
  lo = kwargs['left'] ?? kwargs['bottom'] ?? lo;
  hi = kwargs['right'] ?? kwargs['top'] ?? hi;
  return [isNone(lo) ? current?.[0] ?? 0 : num(ctx, fn, 'the lower limit', lo), isNone(hi) ? current?.[1] ?? 1 : num(ctx, fn, 'the upper limit', hi)];
}

function legendCall(ax: Axes, args: Args, kwargs: Kwargs): PyValue {
  const labels = args[0] !== undefined ? listItems(args[0]) : null;
  const loc = kwargs['loc'];
  ax.showLegend(labels === null ? null : labels.map(str), isNone(loc ?? null) ? 'best' : str(loc!));
  return null;
}

function axisCall(ax: Axes, args: Args, ctx: CallContext): PyValue {
  const a = args[0];
  if (a === undefined) return null;
  if (typeof a === 'string') ax.axis(a);
  else if (typeof a === 'boolean') ax.axis(a ? 'on' : 'off');
  else ax.axis(flatList(ctx, 'axis', 'the limits', a));
  return null;
}

function gridCall(ax: Axes, args: Args, kwargs: Kwargs): PyValue {
  const v = arg(args, kwargs, 0, 'visible', kwargs['b'] ?? true);
  ax.grid = isNone(v) ? !ax.grid : Boolean(fromPy(v));
  ax.touch();
  return null;
}

/** The methods of an Axes object (the OO interface), bound to one engine Axes. */
function axesObject(ax: Axes): PyValue {
  const m = (name: string, fn: (args: Args, kwargs: Kwargs, ctx: CallContext) => PyValue): [string, PyValue] => [name, hostFunction(`Axes.${name}`, guard(fn))];
  const setText = (key: 'title' | 'xlabel' | 'ylabel') => (args: Args, kwargs: Kwargs): PyValue => {
    ax[key] = str(arg(args, kwargs, 0, 'label', ''));
    ax.touch();
    return null;
  };
  return moduleValue(defineModule('matplotlib.axes.Axes', Object.fromEntries([
    m('plot', (a, k, c) => plotCall(ax, a, k, c)),
    m('scatter', (a, k, c) => scatterCall(ax, a, k, c)),
    m('bar', (a, k, c) => barCall(ax, a, k, c)),
    m('hist', (a, k, c) => histCall(ax, a, k, c)),
    m('imshow', (a, k, c) => imshowCall(ax, a, k, c)),
    m('set_title', setText('title')),
    m('set_xlabel', setText('xlabel')),
    m('set_ylabel', setText('ylabel')),
    m('set_xlim', (a, k, c) => { ax.xlim = limitsCall(c, 'set_xlim', a, k, ax.xlim); ax.touch(); return null; }),
    m('set_ylim', (a, k, c) => { ax.ylim = limitsCall(c, 'set_ylim', a, k, ax.ylim); ax.touch(); return null; }),
    m('legend', (a, k) => legendCall(ax, a, k)),
    m('grid', (a, k) => gridCall(ax, a, k)),
    m('axis', (a, _k, c) => axisCall(ax, a, c)),
    m('set_aspect', (a) => { ax.axis(a[0] === 'equal' ? 'equal' : 'auto'); return null; }),
    m('cla', () => { ax.clear(); return null; }),
  ])));
}

/** Errors thrown by the engine become errors at the Python call site. */
function guard(fn: (args: Args, kwargs: Kwargs, ctx: CallContext) => PyValue): (args: Args, kwargs: Kwargs, ctx: CallContext) => PyValue {
  return (args, kwargs, ctx) => {
    try {
      return fn(args, kwargs, ctx);
    } catch (e) {
      if (e instanceof Error && !('line' in e)) throw ctx.error(e.message);
      throw e;
    }
  };
}

/** The module plus the engine state (tests and the interpreter may inspect the figures). */
export interface PyplotModule {
  readonly module: HostModule;
  readonly state: PyplotState;
}

/** Where a written figure goes: the run's figure list and, with an outDir (Node), a file there. */
function writer(env: ModuleEnv): (fig: WrittenFigure) => void {
  return (fig) => {
    // The run result names figures without folders ('loss.svg'); savefig('plots/loss.png') keeps only the base name.
    const name = fig.name.replace(/^.*[\\/]/, '');
    const i = env.figures.findIndex((f) => f.name === name);
    if (i >= 0) env.figures.splice(i, 1);
    env.figures.push({ name, svg: fig.svg });
    if (env.outDir !== null && env.writeFile !== null) env.writeFile(name, fig.svg);
  };
}

/**
 * Builds `matplotlib.pyplot` for one program run (fresh figures, fresh rcParams); figures go to
 * `env.figures` (and `env.outDir` in Node) when shown, saved, or left open at the end.
 *
 * @example
 * ```ts
 * MODULE_FACTORIES['matplotlib.pyplot'] = (env) => pyplotModule(env).module;
 * ```
 */
export function pyplotModule(env: ModuleEnv): PyplotModule {
  const state = new PyplotState(renderFigure, writer(env));
  env.atExit(() => { state.finish(); });
  const rcParams = toPy({});
  const axesObjects = new Map<Axes, PyValue>();
  const figureObjects = new Map<Figure, PyValue>();
  const axObj = (ax: Axes): PyValue => {
    let o = axesObjects.get(ax);
    if (o === undefined) { o = axesObject(ax); axesObjects.set(ax, o); }
    return o;
  };
  const figObj = (fig: Figure): PyValue => {
    let o = figureObjects.get(fig);
    if (o === undefined) { o = figureObject(fig); figureObjects.set(fig, o); }
    return o;
  };
  // rcParams is a plain dict the program may write; figure size and dpi are read from it when a figure is made.
  const syncRc = (): void => {
    const entries = dictEntries(rcParams) ?? [];
    state.rcParams.clear();
    for (const [k, v] of entries) state.rcParams.set(str(k), fromPy(v));
  };
  const figsizeArg = (ctx: CallContext, v: PyValue): [number, number] | null => {
    if (isNone(v)) return null;
    const n = flatList(ctx, 'figure', 'figsize', v);
    if (n.length !== 2) throw ctx.error(`figure: figsize must be (width, height) in inches, got ${n.length} numbers`);
    return [n[0]!, n[1]!];
  };
  const subplotCall = (fig: Figure, args: Args, ctx: CallContext): PyValue => {
    let [r, c, i] = args.map((a) => num(ctx, 'subplot', 'each argument', a));
    if (args.length === 1 && r !== undefined) { i = r % 10; c = Math.floor(r / 10) % 10; r = Math.floor(r / 100); } // subplot(121)
    if (args.length === 0) { r = 1; c = 1; i = 1; }
    if (r === undefined || c === undefined || i === undefined) throw ctx.error('subplot: give (nrows, ncols, index) or a three-digit integer such as 121');
    return axObj(fig.subplot(r, c, i));
  };
  function figureObject(fig: Figure): PyValue {
    const m = (name: string, fn: (args: Args, kwargs: Kwargs, ctx: CallContext) => PyValue): [string, PyValue] => [name, hostFunction(`Figure.${name}`, guard(fn))];
    return moduleValue(defineModule('matplotlib.figure.Figure', Object.fromEntries([
      m('add_subplot', (a, _k, c) => subplotCall(fig, a, c)),
      m('gca', () => axObj(fig.gca())),
      m('suptitle', (a, k) => { fig.suptitle = str(arg(a, k, 0, 't', '')); fig.touch(); return null; }),
      m('savefig', (a, k) => { state.figure(fig.num); state.savefig(str(arg(a, k, 0, 'fname', ''))); return null; }),
      m('tight_layout', () => null),
      m('subplots_adjust', () => null),
      m('set_size_inches', () => null),
    ])));
  }
  const f = (name: string, fn: (args: Args, kwargs: Kwargs, ctx: CallContext) => PyValue): [string, PyValue] => [name, hostFunction(`matplotlib.pyplot.${name}`, guard(fn))];
  const onGca = (fn: (ax: Axes, args: Args, kwargs: Kwargs, ctx: CallContext) => PyValue) => (args: Args, kwargs: Kwargs, ctx: CallContext): PyValue => fn(state.gca(), args, kwargs, ctx);
  const text = (key: 'title' | 'xlabel' | 'ylabel') => onGca((ax, args, kwargs) => { ax[key] = str(arg(args, kwargs, 0, 'label', '')); ax.touch(); return null; });
  const attrs: Record<string, PyValue> = Object.fromEntries([
    f('figure', (a, k, c) => {
      syncRc();
      const n = arg(a, k, 0, 'num');
      const fig = state.figure(isNone(n) ? null : num(c, 'figure', 'num', n), figsizeArg(c, arg(a, k, 1, 'figsize')), optNum(c, 'figure', 'dpi', arg(a, k, 2, 'dpi')) ?? null);
      return figObj(fig);
    }),
    f('subplot', (a, _k, c) => { syncRc(); return subplotCall(state.gcf(), a, c); }),
    f('subplots', (a, k, c) => {
      syncRc();
      const rows = Math.trunc(optNum(c, 'subplots', 'nrows', arg(a, k, 0, 'nrows')) ?? 1);
      const cols = Math.trunc(optNum(c, 'subplots', 'ncols', arg(a, k, 1, 'ncols')) ?? 1);
      const [fig, axes] = state.subplots(rows, cols, figsizeArg(c, k['figsize'] ?? null), optNum(c, 'subplots', 'dpi', k['dpi'] ?? null) ?? null);
      const objs = axes.map(axObj);
      // numpy would give an object array; we give lists: axes[i] and axes[i][j] work, axes[i, j] does not.
      const grid = rows === 1 && cols === 1 ? objs[0]! : rows === 1 || cols === 1 ? toPy(objs as never)
        : toPy(Array.from({ length: rows }, (_, r) => toPy(objs.slice(r * cols, (r + 1) * cols) as never)) as never);
      return pyTuple([figObj(fig), grid]);
    }),
    f('gcf', () => figObj(state.gcf())),
    f('gca', () => axObj(state.gca())),
    f('plot', onGca(plotCall)),
    f('scatter', onGca(scatterCall)),
    f('bar', onGca(barCall)),
    f('hist', onGca(histCall)),
    f('imshow', onGca(imshowCall)),
    f('title', text('title')),
    f('xlabel', text('xlabel')),
    f('ylabel', text('ylabel')),
    f('suptitle', (a, k) => { const fig = state.gcf(); fig.suptitle = str(arg(a, k, 0, 't', '')); fig.touch(); return null; }),
    f('legend', onGca((ax, a, k) => legendCall(ax, a, k))),
    f('axis', onGca((ax, a, _k, c) => axisCall(ax, a, c))),
    f('xlim', onGca((ax, a, k, c) => { ax.xlim = limitsCall(c, 'xlim', a, k, ax.xlim); ax.touch(); return null; })),
    f('ylim', onGca((ax, a, k, c) => { ax.ylim = limitsCall(c, 'ylim', a, k, ax.ylim); ax.touch(); return null; })),
    f('grid', onGca((ax, a, k) => gridCall(ax, a, k))),
    // Our layout always keeps labels inside their cells, which is what tight_layout is for.
    f('tight_layout', () => null),
    f('subplots_adjust', () => null),
    f('show', () => { state.show(); return null; }),
    f('savefig', (a, k) => { state.savefig(str(arg(a, k, 0, 'fname', ''))); return null; }),
    f('close', (a) => {
      const w = a[0];
      if (w === undefined || isNone(w)) state.close();
      else if (w === 'all') state.close('all');
      else if (typeof w === 'number') state.close(w);
      else {
        const fig = [...figureObjects].find(([, o]) => o === w)?.[0];
        if (fig !== undefined) state.close(fig);
      }
      return null;
    }),
    f('clf', () => { const fig = state.gcf(); fig.axes.length = 0; fig.current = null; fig.touch(); return null; }),
    f('cla', onGca((ax) => { ax.clear(); return null; })),
    f('get_fignums', () => toPy(state.fignums() as never)),
    f('ion', () => null),
    f('ioff', () => null),
    f('pause', () => null),
    f('draw', () => null),
  ]);
  attrs['rcParams'] = rcParams;
  return { module: defineModule('matplotlib.pyplot', attrs), state };
}
