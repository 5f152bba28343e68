/** The benchmark harness: a quick run through the same code path as `npm run bench`, plus its pure helpers. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { METRICS, WORKLOADS, median, permutation, planFor } from '../bench/common.js';
import type { MetricDef, WorkerResult } from '../bench/common.js';
import { ratio, ratioText } from '../bench/report.js';
import type { BenchResults } from '../bench/report.js';
import { kernelNotes, parseArgs, runBench } from '../bench/run.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench --quick: tapegrad-f32 on every workload (built dist/), tfjs-wasm on W3 (sources under tsx)', () => {
  const out = join(dir, 'results.json');
  let results: BenchResults;

  it('runs every workload without a failed process and writes the JSON', async () => {
    await runBench({ mode: 'quick', repeat: 1, systems: ['tapegrad-f32'], workloads: [...WORKLOADS], out, profileDir: null, progress: false, from: 'dist' });
    results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    expect(results.errors).toEqual([]);
    expect(results.samples).toHaveLength(WORKLOADS.length);
  }, 120_000);

  it('has every workload\'s metrics, finite and positive, and every quick W4 size', () => {
    for (const workload of WORKLOADS) {
      const sample = results.samples.find((s) => s.workload === workload);
      expect(sample, workload).toBeDefined();
      const values = Object.values(sample!.metrics);
      expect(values.length, workload).toBeGreaterThan(0);
      for (const v of values) expect(Number.isFinite(v) && v > 0, `${workload}: ${v}`).toBe(true);
    }
    const w4 = Object.keys(results.medians['tapegrad-f32'] ?? {}).filter((k) => k.startsWith('W4 f32'));
    expect(w4).toHaveLength(planFor('tapegrad-f32', 'quick').w4Sizes.length);
    expect(results.notes['tapegrad-f32']?.W1?.[0]).toMatch(/extrapolated from 60 of 1200 steps/);
  });

  it('W1 learns: test accuracy after the quick steps is well above chance (0.1)', () => {
    expect(results.medians['tapegrad-f32']?.['W1 accuracy']).toBeGreaterThan(0.5);
  });

  it('tfjs-wasm runs through the same path, and ratios compare it and the earlier numpy/PyTorch figures', async () => {
    // This one runs the sources under tsx (--from src), so both ways of running children are covered.
    const both = await runBench({ mode: 'quick', repeat: 1, systems: ['tapegrad-f32', 'tfjs-wasm'], workloads: ['W3'], out: null, profileDir: null, progress: false, from: 'src' });
    expect(both.errors).toEqual([]);
    expect(both.medians['tfjs-wasm']?.['W3 rate']).toBeGreaterThan(0);
    const others = both.ratios.filter((r) => r.key === 'W3 rate').map((r) => r.other).sort();
    expect(others).toEqual(['PyTorch (earlier)', 'numpy (earlier)', 'tfjs-wasm']);
  }, 120_000);
});

describe('bench helpers', () => {
  const time = METRICS.find((m) => m.key === 'W1 epoch') as MetricDef;
  const rate = METRICS.find((m) => m.key === 'W2 rate') as MetricDef;

  it('ratio reads "faster" the same way for times (lower is better) and rates (higher is better)', () => {
    expect(ratio(time, 1, 3)).toBeCloseTo(3);
    expect(ratio(rate, 300, 100)).toBeCloseTo(3);
    expect(ratioText(3)).toBe('×3.00 faster');
    expect(ratioText(0.25)).toBe('×4.00 slower');
    expect(ratio(time, 1, null)).toBeNull();
  });

  it('ratio of a system against itself is 1, and swapping the two inverts it', () => {
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (a, b) => {
      for (const def of [time, rate]) {
        expect(ratio(def, a, a)).toBeCloseTo(1, 12);
        expect(ratio(def, a, b)! * ratio(def, b, a)!).toBeCloseTo(1, 9);
      }
    }));
  });

  it('median and the seeded shuffle', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const p = permutation('s', 1000);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
    expect(permutation('s', 1000)).toEqual(p);
  });

  it('parseArgs takes the documented flags and names a bad one', () => {
    const o = parseArgs(['--quick', '--only', 'W3,W1', '--systems', 'tfjs-cpu', '--repeat', '2']);
    expect(o).toMatchObject({ mode: 'quick', repeat: 2, workloads: ['W1', 'W3'], systems: ['tfjs-cpu'] });
    expect(parseArgs(['--quick']).repeat).toBe(1);
    expect(parseArgs([]).from).toBe('dist');
    expect(parseArgs(['--from', 'src']).from).toBe('src');
    expect(() => parseArgs(['--from', 'lib'])).toThrow(/--from/);
    expect(() => parseArgs(['--only', 'W9'])).toThrow(/--only.*W9/);
    expect(() => parseArgs(['--repeat', '0'])).toThrow(/--repeat/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown flag "--fast"/);
  });

  it('flags a system × workload whose processes ran on different kernel backends, and only that one', () => {
    const sample = (workload: 'W1' | 'W3', backend: string): WorkerResult => ({
      system: 'tapegrad-f32', workload, mode: 'default', metrics: {}, notes: [], info: { kernels: { backend } },
    });
    const notes = kernelNotes([sample('W1', 'native-avx512'), sample('W1', 'reference'), sample('W3', 'native-avx512'), sample('W3', 'native-avx512')]);
    expect(notes).toEqual([{ system: 'tapegrad-f32', workload: 'W1', note: 'kernel backend differed between processes: native-avx512, reference' }]);
  });
});
