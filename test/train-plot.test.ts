/** Tests for the SVG plot writer used by training runs. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { linePlot, niceTicks } from '../src/plot/index.js';

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    fc.assert(fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (lo, span) => {
      const t = niceTicks(lo, lo + span);
      expect(t[0]!).toBeLessThanOrEqual(lo + 1e-9 * Math.abs(lo));
      expect(t[t.length - 1]!).toBeGreaterThanOrEqual(lo + span - 1e-9 * Math.abs(lo + span));
      expect(t.length).toBeLessThan(20);
    }));
  });

  it('handles a flat range', () => {
    const t = niceTicks(0.5, 0.5);
    expect(t[0]!).toBeLessThan(0.5);
    expect(t[t.length - 1]!).toBeGreaterThan(0.5);
  });
});

describe('linePlot', () => {
  it('draws one path per series with legend, labels escaped, NaN breaking the line', () => {
    const svg = linePlot({
      title: 'Loss <train & test>', xLabel: 'epoch', yLabel: 'loss',
      series: [
        { label: 'train', x: [1, 2, 3], y: [0.5, NaN, 0.2], markers: true },
        { label: 'test', x: [1, 2, 3], y: [0.6, 0.4, 0.3], dashed: true },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Loss &lt;train &amp; test&gt;');
    const paths = svg.match(/<path d="([^"]*)"/g) ?? [];
    expect(paths).toHaveLength(2);
    expect((paths[0]!.match(/M/g) ?? []).length).toBe(2); // the NaN splits the train line in two
    expect((svg.match(/<circle/g) ?? []).length).toBe(2);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('keeps equal aspect for shapes and rejects mismatched series', () => {
    const svg = linePlot({ title: 'c', equalAspect: true, xRange: [0, 1], yRange: [0, 1], series: [{ label: 's', x: [0, 1], y: [0, 1] }] });
    const m = /<rect x="70" y="40" width="([\d.]+)" height="([\d.]+)" fill="none"/.exec(svg);
    expect(m?.[1]).toBe(m?.[2]);
    expect(() => linePlot({ title: 'x', series: [{ label: 'bad', x: [1], y: [] }] })).toThrow(/linePlot: series 'bad' has 1 x values and 0 y values/);
  });
});

describe('linePlot integer x', () => {
  it('keeps only whole-number ticks on x when asked (epochs)', () => {
    const svg = linePlot({ title: 'e', xInteger: true, series: [{ label: 'a', x: [1, 2, 3], y: [1, 2, 3] }] });
    const xTicks = [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="middle">([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(xTicks).toEqual(['1', '2', '3']);
  });
});
