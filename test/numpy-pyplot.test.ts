/** The pyplot engine: figure state rules, format strings, and the SVG it writes (well-formed, with the expected elements). */
import { inflateSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { PyplotState, renderFigure, parseFormat, parseColor, encodePng, base64, colormap } from '../src/numpy/pyplot/index.js';
import type { WrittenFigure } from '../src/numpy/pyplot/index.js';
import { runNumpy } from '../src/numpy/index.js';

/** Parses SVG text strictly: any XML error throws. */
function parseSvg(svg: string): Document {
  return new DOMParser({ onError: (level: string, msg: string) => { throw new Error(`${level}: ${msg}`); } })
    .parseFromString(svg, 'image/svg+xml') as unknown as Document;
}

const byClass = (doc: Document, tag: string, cls: string): Element[] =>
  Array.from(doc.getElementsByTagName(tag)).filter((e) => e.getAttribute('class') === cls);
const texts = (doc: Document, cls: string): string[] => byClass(doc, 'text', cls).map((e) => e.textContent ?? '');

function fresh(): { plt: PyplotState; written: WrittenFigure[] } {
  const written: WrittenFigure[] = [];
  return { plt: new PyplotState(renderFigure, (f) => written.push(f)), written };
}

describe('format strings and colours', () => {
  it('parses marker, line and colour in any order', () => {
    expect(parseFormat('r-')).toEqual({ color: '#ff0000', lineStyle: '-' });
    expect(parseFormat('b--')).toEqual({ color: '#0000ff', lineStyle: '--' });
    expect(parseFormat('o')).toEqual({ marker: 'o', lineStyle: 'none' });
    expect(parseFormat('g^-')).toEqual({ color: '#008000', marker: '^', lineStyle: '-' });
    expect(parseFormat('C1:')).toEqual({ color: '#ff7f0e', lineStyle: ':' });
    expect(parseFormat('-.k')).toEqual({ color: '#000000', lineStyle: '-.' });
  });

  it('names what is wrong in a bad format or colour', () => {
    expect(() => parseFormat('rq')).toThrow(/bad format string "rq": "q" is not a colour, line style or marker/);
    expect(() => parseFormat('rb')).toThrow(/two colours/);
    expect(() => parseColor('blurple')).toThrow(/unknown colour "blurple"/);
    expect(parseColor('tab:orange')).toBe('#ff7f0e');
    expect(parseColor('0.5')).toBe('#808080');
    expect(parseColor([1, 0, 0.5])).toBe('#ff0080');
  });

  it('colour maps: gray is exact, _r reverses, unknown ones are refused', () => {
    expect(colormap('gray')(0)).toEqual([0, 0, 0]);
    expect(colormap('gray')(1)).toEqual([255, 255, 255]);
    expect(colormap('gray_r')(1)).toEqual([0, 0, 0]);
    expect(colormap('viridis')(0)).toEqual([68, 1, 84]);
    expect(() => colormap('nope')).toThrow(/unknown colormap "nope"/);
  });
});

describe('PNG and base64', () => {
  it('encodes a valid PNG signature, chunks and CRCs', () => {
    const png = encodePng(2, 1, new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]));
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // The IHDR CRC of a 2x1 8-bit RGBA image, as zlib.crc32 computes it:
    // python3 -c "import zlib,struct; print(zlib.crc32(b'IHDR'+struct.pack('>IIBBBBB',2,1,8,6,0,0,0)))" -> 4095901578
    expect(new DataView(png.buffer).getUint32(8 + 8 + 13)).toBe(4095901578);
    // zlib inflates the IDAT back to the filtered rows: filter byte 0, then the RGBA bytes
    const idatLen = new DataView(png.buffer).getUint32(33);
    expect(Array.from(inflateSync(png.subarray(41, 41 + idatLen)))).toEqual([0, 255, 0, 0, 255, 0, 0, 255, 255]);
    expect(base64(new Uint8Array([77, 97, 110, 77]))).toBe('TWFuTQ==');
  });
});

describe('figure state as pyplot', () => {
  it('subplot reuses an axes at the same place and gca creates one', () => {
    const { plt } = fresh();
    const a = plt.gcf().subplot(1, 2, 1);
    plt.gcf().subplot(1, 2, 2);
    expect(plt.gcf().subplot(1, 2, 1)).toBe(a);
    expect(plt.gcf().axes).toHaveLength(2);
    expect(() => plt.gcf().subplot(1, 2, 3)).toThrow(/num must be an integer with 1 <= num <= 2, not 3/);
    const { plt: p2 } = fresh();
    expect(p2.gca()).toBe(p2.gcf().axes[0]);
  });

  it('show writes every open figure once, then closes them; the end writes what is left', () => {
    const { plt, written } = fresh();
    plt.figure(null, [10, 4]);
    plt.gca().plot(null, [[1, 2, 3]], null);
    plt.figure();
    plt.gca().plot(null, [[3, 2, 1]], null);
    expect(plt.show().map((f) => f.name)).toEqual(['figure-1.svg', 'figure-2.svg']);
    expect(plt.fignums()).toEqual([]);
    plt.gca().plot(null, [[0, 1]], null);
    plt.savefig('out/loss.png');
    expect(written.map((f) => f.name)).toEqual(['figure-1.svg', 'figure-2.svg', 'out/loss.svg']);
    expect(plt.finish()).toEqual([]); // saved and unchanged since: not written twice
    plt.gca().title = 'late';
    plt.gca().touch();
    expect(plt.finish().map((f) => f.name)).toEqual(['figure-3.svg']);
  });

  it('close forgets figures without writing them', () => {
    const { plt, written } = fresh();
    plt.figure();
    plt.gca().plot(null, [[1, 2]], null);
    plt.close();
    expect(plt.finish()).toEqual([]);
    expect(written).toEqual([]);
  });
});

describe('the SVG of a figure', () => {
  it('seed 000: two subplots with a line each, titles and legends, well-formed', () => {
    const { plt } = fresh();
    const fig = plt.figure(null, [10, 4]);
    const left = fig.subplot(1, 2, 1);
    left.plot(null, [[0.28, 0.22, 0.19]], null, { label: 'Loss' });
    left.title = 'Loss Over Epochs';
    left.showLegend();
    const right = fig.subplot(1, 2, 2);
    right.plot(null, [[0.918, 0.936, 0.943]], null, { label: 'Accuracy' });
    right.title = 'Accuracy Over Epochs';
    right.xlabel = 'Epochs';
    right.ylabel = 'Accuracy';
    right.showLegend();
    const svg = renderFigure(fig);
    const doc = parseSvg(svg);
    expect(doc.documentElement!.getAttribute('width')).toBe('1000');
    expect(doc.documentElement!.getAttribute('height')).toBe('400');
    expect(byClass(doc, 'g', 'axes')).toHaveLength(2);
    expect(byClass(doc, 'path', 'line')).toHaveLength(2);
    expect(texts(doc, 'title')).toEqual(['Loss Over Epochs', 'Accuracy Over Epochs']);
    expect(texts(doc, 'xlabel')).toEqual(['Epochs']);
    expect(texts(doc, 'ylabel')).toEqual(['Accuracy']);
    expect(byClass(doc, 'g', 'legend').map((g) => g.textContent!.trim())).toEqual(['Loss', 'Accuracy']);
  });

  it('several lines with format strings: colours, dashes and markers', () => {
    const { plt } = fresh();
    const ax = plt.gca();
    ax.plot([0, 1, 2], [[0, 1, 4]], 'r-', { label: 'a' });
    ax.plot([0, 1, 2], [[0, 2, 3]], 'b--', { label: 'b' });
    ax.plot([0, 1, 2], [[1, 1, 1]], 'o');
    const doc = parseSvg(renderFigure(plt.gcf()));
    const lines = byClass(doc, 'path', 'line');
    expect(lines.map((l) => l.getAttribute('stroke'))).toEqual(['#ff0000', '#0000ff']);
    expect(lines[0]!.getAttribute('stroke-dasharray')).toBeNull();
    expect(lines[1]!.getAttribute('stroke-dasharray')).not.toBeNull();
    // 'o' alone: three circle markers, no line, in the cycle's first colour
    const markers = byClass(doc, 'circle', 'marker');
    expect(markers).toHaveLength(3);
    expect(markers[0]!.getAttribute('fill')).toBe('#1f77b4');
  });

  it('a single-point plot draws the point', () => {
    const { plt } = fresh();
    plt.gca().plot([3], [[5]], null);
    const doc = parseSvg(renderFigure(plt.gcf()));
    expect(byClass(doc, 'path', 'line')).toHaveLength(0);
    const dots = byClass(doc, 'circle', 'marker');
    expect(dots).toHaveLength(1);
    // the lone point sits in the middle of the axes box
    const frame = byClass(doc, 'rect', 'frame')[0]!;
    const cx = Number(dots[0]!.getAttribute('cx'));
    const fx = Number(frame.getAttribute('x')) + Number(frame.getAttribute('width')) / 2;
    expect(Math.abs(cx - fx)).toBeLessThan(1);
  });

  it('seed 001: ten MNIST-sized images in one figure, axes off, numeric titles', () => {
    const { plt } = fresh();
    const fig = plt.figure(null, [10, 2]);
    for (let i = 0; i < 10; i++) {
      const ax = fig.subplot(1, 10, i + 1);
      const data = new Float64Array(784).map((_, k) => (k * (i + 1)) % 256);
      ax.imshow({ shape: [28, 28], data }, { cmap: 'gray' });
      ax.axis('off');
      ax.title = String(i);
    }
    const doc = parseSvg(renderFigure(fig));
    const images = Array.from(doc.getElementsByTagName('image'));
    expect(images).toHaveLength(10);
    expect(images[0]!.getAttribute('href')).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    // square pixels: the image is as wide as it is high
    expect(images[0]!.getAttribute('width')).toBe(images[0]!.getAttribute('height'));
    expect(byClass(doc, 'rect', 'frame')).toHaveLength(0); // axis('off')
    expect(byClass(doc, 'text', 'tick')).toHaveLength(0);
    expect(texts(doc, 'title')).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('scatter, grid, limits, suptitle and escaping', () => {
    const { plt } = fresh();
    const fig = plt.gcf();
    fig.suptitle = 'x < y & "z"';
    const ax = plt.gca();
    ax.scatter([0, 1, 2, 3], [1, 0, 1, 0], { c: [0, 1, 2, 3], s: 20 });
    ax.grid = true;
    ax.xlim = [0, 10];
    const svg = renderFigure(fig);
    const doc = parseSvg(svg);
    expect(byClass(doc, 'circle', 'marker')).toHaveLength(4);
    expect(byClass(doc, 'line', 'grid').length).toBeGreaterThan(4);
    expect(texts(doc, 'suptitle')).toEqual(['x < y & "z"']);
    expect(svg).toContain('x &lt; y &amp; &quot;z&quot;');
    const ticks = texts(doc, 'tick');
    expect(ticks).toContain('10');
    expect(ticks).toContain('0');
  });

  it('imshow rejects a shape it cannot draw', () => {
    const { plt } = fresh();
    expect(() => plt.gca().imshow({ shape: [2, 2, 2], data: new Float64Array(8) })).toThrow(/Invalid shape \(2, 2, 2\) for image data/);
    expect(() => plt.gca().axis('sideways')).toThrow(/axis: unknown option "sideways"/);
    expect(() => plt.gca().showLegend(null, 'top')).toThrow(/legend: unknown loc "top"/);
  });
});

describe('bar and hist', () => {
  it('bars are rectangles within the plot box, with a legend swatch', () => {
    const { plt } = fresh();
    const ax = plt.gca();
    ax.bar([0, 1, 2], [3, 1, 2], { color: 'g', label: 'counts' });
    ax.showLegend();
    const doc = parseSvg(renderFigure(plt.gcf()));
    const bars = byClass(doc, 'g', 'bars');
    expect(bars).toHaveLength(1);
    const rects = Array.from(bars[0]!.getElementsByTagName('rect'));
    expect(rects).toHaveLength(3);
    const heights = rects.map((r) => Number(r.getAttribute('height')));
    // Heights 3 : 1 : 2 on one scale; every bar is 0.8 wide.
    expect(heights[0]! / heights[1]!).toBeCloseTo(3, 2);
    expect(heights[2]! / heights[1]!).toBeCloseTo(2, 2);
    const widths = new Set(rects.map((r) => r.getAttribute('width')));
    expect(widths.size).toBe(1);
    expect(byClass(doc, 'g', 'legend').map((g) => g.textContent!.trim())).toEqual(['counts']);
  });

  it('plt.hist counts as numpy.histogram (last bin closed) and draws one bar per bin', () => {
    const out = runNumpy([
      'import numpy as np',
      'import matplotlib.pyplot as plt',
      'x = np.array([0., 1., 1., 2., 3., 3., 3.])',
      'n, bins, _ = plt.hist(x, bins=3)',
      'print(n, bins)',
      'n, bins, _ = plt.hist(x, bins=[0, 1, 2, 4], density=True)',
      'print(n)',
      'fig, ax = plt.subplots()',
      'ax.bar(["a", "b"], [2, 5], width=0.5, alpha=0.5)',
      'plt.show()',
    ].join('\n'));
    // python3 -c "import numpy as np; x=np.array([0.,1,1,2,3,3,3]); print(*np.histogram(x, 3)); print(np.histogram(x, [0,1,2,4], density=True)[0])"
    expect(out.stdout).toBe('[1. 2. 4.] [0. 1. 2. 3.]\n[0.14285714 0.28571429 0.28571429]\n');
    const svgs = out.figures.map((f) => parseSvg(f.svg));
    expect(svgs.length).toBeGreaterThanOrEqual(2);
    const rectsIn = (d: ReturnType<typeof parseSvg>): number => byClass(d, 'g', 'bars').reduce((k, g) => k + g.getElementsByTagName('rect').length, 0);
    expect(rectsIn(svgs[0]!)).toBe(6);
    expect(rectsIn(svgs[svgs.length - 1]!)).toBe(2);
  });

  it('more of matplotlib\'s colour maps by name, reversible', () => {
    for (const name of ['bwr', 'seismic', 'RdBu', 'magma', 'inferno', 'cividis', 'Greens', 'Spectral', 'cool', 'winter']) {
      const [r0, g0, b0] = colormap(name)(0);
      expect(colormap(`${name}_r`)(1)).toEqual([r0, g0, b0]);
    }
    expect(colormap('bwr')(0.5)).toEqual([255, 255, 255]);
    expect(colormap('bwr')(0)).toEqual([0, 0, 255]);
  });
});
