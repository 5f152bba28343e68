// The tensor-free numeric engine: central differences, kinks, and the group search.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkElement, locate, partial, Probe } from '../src/check/numeric.js';
import { checkInput, DEFAULT_STRATEGY } from '../src/check/strategy.js';
import { sampleIndices } from '../src/check/rng.js';
import { rngFor } from '../src/random.js';
import { DEFAULT_EPS, FLOAT64_TOLERANCE, agree, relError } from '../src/check/tolerance.js';

function sinProblem(n: number) {
  const rng = rngFor('sin');
  const x = Float64Array.from({ length: n }, () => rng() - 0.5);
  const c = Float64Array.from({ length: n }, () => (rng() - 0.5) * 1e-2);
  const f = () => { let s = 0; for (let i = 0; i < n; i++) s += Math.sin(x[i]!) * c[i]!; return s; };
  const g = Float64Array.from(x, (v, i) => Math.cos(v) * c[i]!);
  return { x, f, g, probe: new Probe(x, f, f()) };
}

describe('numeric engine', () => {
  it('default eps is cbrt of float64 epsilon', () => {
    expect(DEFAULT_EPS).toBeCloseTo(6.055e-6, 8);
  });

  it('central differences match the derivative and restore x bit for bit', () => {
    const { x, g, probe } = sinProblem(10);
    const before = x.slice();
    for (let k = 0; k < 10; k++) expect(agree(partial(probe, k, DEFAULT_EPS).numerical, g[k]!, FLOAT64_TOLERANCE)).toBe(true);
    expect(x).toEqual(before);
  });

  it('locates one corrupted element among 100 352 in few evaluations', () => {
    const { g, probe } = sinProblem(784 * 128);
    g[54321] = g[54321]! * 2;
    const found = locate(probe, g, DEFAULT_EPS, FLOAT64_TOLERANCE, rngFor(3), { maxFound: 4, maxEvaluations: 400 });
    expect(found.elements.map((e) => [e.flat, e.status])).toEqual([[54321, 'mismatch']]);
    expect(found.complete).toBe(true);
    expect(probe.evaluations).toBeLessThan(150);
  });

  it('the sampled strategy finds two planted errors and reports them as mismatches', () => {
    const { g, probe } = sinProblem(5000);
    g[17]! += 1e-4; g[4000]! *= -1;
    const res = checkInput(probe, g, { eps: DEFAULT_EPS, tolerance: FLOAT64_TOLERANCE, rng: rngFor(4), strategy: DEFAULT_STRATEGY });
    expect(res.mode).toBe('sampled');
    expect(res.located).toEqual([17, 4000]);
    expect(res.elements.filter((e) => e.status === 'mismatch').map((e) => e.flat)).toEqual([17, 4000]);
  });

  it('finds a wrong element among kinks near x', () => {
    // relu(x_i) summed, 11 x_i within the step of relu's kink, one wrong derivative.
    const n = 4096;
    const x = Float64Array.from({ length: n }, (_, i) => (i % 400 === 0 ? 1e-4 : i % 2 === 0 ? 0.5 : -0.5));
    const f = () => x.reduce((s, v) => s + Math.max(v, 0), 0);
    const g = Float64Array.from(x, (v) => (v > 0 ? 1 : 0));
    g[4002] = 0.7; // x[4002] = 0.5: the derivative is 1
    const res = checkInput(new Probe(x, f, f()), g, { eps: 1e-2, tolerance: FLOAT64_TOLERANCE, rng: rngFor(5), strategy: DEFAULT_STRATEGY });
    expect(res.located).toEqual([4002]);
    expect(res.elements.filter((e) => e.status === 'mismatch').map((e) => e.flat)).toEqual([4002]);
    expect(res.searchComplete).toBe(true);
  });

  it('a kink exactly at x makes a direction inconclusive, not failed', () => {
    const n = 1000;
    const x = Float64Array.from({ length: n }, (_, i) => (i === 500 ? 0 : 0.3));
    const f = () => x.reduce((s, v) => s + Math.max(v, 0), 0);
    const g = Float64Array.from(x, (v) => (v > 0 ? 1 : 0));
    const res = checkInput(new Probe(x, f, f()), g, { eps: DEFAULT_EPS, tolerance: FLOAT64_TOLERANCE, rng: rngFor(6), strategy: DEFAULT_STRATEGY });
    expect(res.directional.map((d) => d.status)).toContain('nonsmooth');
    expect(res.directional.map((d) => d.status)).not.toContain('mismatch');
    expect(res.located).toEqual([]);
    expect(res.elements.filter((e) => e.status === 'mismatch')).toEqual([]);
  });

  it('the search treats isolated kinks as kinks and keeps looking', () => {
    // Element steps of 1e-2 cross the kinks at 5e-3 that block directions (steps ≤ 1e-2/√2) also cross.
    const x = new Float64Array([0.5, 5e-3, 0.5, 5e-3, -0.5, 0.5, 0.5, 0.5]);
    const f = () => x.reduce((s, v) => s + Math.max(v, 0), 0);
    const g = Float64Array.from(x, (v) => (v > 0 ? 1 : 0));
    g[6] = 2;
    const found = locate(new Probe(x, f, f()), g, 1e-2, FLOAT64_TOLERANCE, rngFor(7), { maxFound: 1, maxEvaluations: 400 });
    expect(found.elements.filter((e) => e.status === 'mismatch').map((e) => e.flat)).toEqual([6]);
    expect(found.elements.every((e) => e.status !== 'ok')).toBe(true);
  });

  it('tells a relu kink from a wrong derivative', () => {
    const y = new Float64Array([0, 1e-7, 0.5]);
    const f = () => y.reduce((s, v) => s + 2 * Math.max(v, 0), 0);
    const p = new Probe(y, f, f());
    expect(checkElement(p, 0, 0, DEFAULT_EPS, FLOAT64_TOLERANCE).status).toBe('kink'); // exactly at the kink
    expect(checkElement(p, 1, 2, DEFAULT_EPS, FLOAT64_TOLERANCE).status).toBe('kink'); // kink within the step
    expect(checkElement(p, 0, 5, DEFAULT_EPS, FLOAT64_TOLERANCE).status).toBe('mismatch'); // not a valid slope
    expect(checkElement(p, 2, 3, DEFAULT_EPS, FLOAT64_TOLERANCE).status).toBe('mismatch'); // smooth point, wrong
  });

  it('property: relError ≤ rtol exactly when agree', () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (a, b) => {
      expect(agree(a, b, FLOAT64_TOLERANCE)).toBe(relError(a, b, FLOAT64_TOLERANCE) <= FLOAT64_TOLERANCE.rtol);
      expect(agree(a, b, FLOAT64_TOLERANCE)).toBe(agree(b, a, FLOAT64_TOLERANCE));
    }));
  });

  it('property: sampleIndices gives k distinct sorted indices in range', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 600 }), (n, k) => {
      const s = sampleIndices(rngFor(n * 1000 + k), n, k);
      expect(s.length).toBe(Math.min(n, k));
      expect(new Set(s).size).toBe(s.length);
      for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
      for (const v of s) expect(v >= 0 && v < n).toBe(true);
    }));
  });
});
