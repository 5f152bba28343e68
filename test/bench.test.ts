/** The benchmark harness: a quick run through the same code path as `npm run bench`, plus its pure helpers. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DATA_ENV, METRICS, WORKLOADS, generateInit, initLayers, median, permutation, planFor, w1Shuffle } from '../bench/common.js';
import type { MetricDef, WorkerResult } from '../bench/common.js';
import { writeBenchData } from '../bench/data.js';
import { GOALS, allRatios, checks, ratio, ratioText } from '../bench/report.js';
import type { BenchResults } from '../bench/report.js';
import { findPythons, kernelNotes, launcherFor, parseArgs, resolveSystems, rotated, runBench, runWorker } from '../bench/run.js';

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

  it('tfjs-wasm runs through the same path from the same weights: the same W3 cost, checked, and a ratio against it', async () => {
    // This one runs the sources under tsx (--from src), so both ways of running children are covered.
    const both = await runBench({ mode: 'quick', repeat: 1, systems: ['tapegrad-f32', 'tfjs-wasm'], workloads: ['W3'], out: null, profileDir: null, progress: false, from: 'src' });
    expect(both.errors).toEqual([]);
    expect(both.medians['tfjs-wasm']?.['W3 rate']).toBeGreaterThan(0);
    const check = both.checks.find((c) => c.key === 'W3 cost');
    expect(check?.ok, check?.text).toBe(true);
    expect(Object.keys(check!.values).sort()).toEqual(['tapegrad-f32', 'tfjs-wasm']);
    const best = both.ratios.filter((r) => r.key === 'W3 rate' && r.best).map((r) => `${r.tapegrad}/${r.other}`);
    expect(best).toEqual(['tapegrad-f32/tfjs-wasm']);
  }, 120_000);
});

describe('shared inputs: one file of initial weights that every system reads', () => {
  const data = join(dir, 'data');
  const python = findPythons().find((p) => p.numpy !== null);

  it('writes the generator\'s weights and shuffle, and initLayers/w1Shuffle read back exactly those numbers', () => {
    writeBenchData(data);
    const before = process.env[DATA_ENV];
    process.env[DATA_ENV] = data;
    try {
      for (const w of ['W1', 'W2', 'W3'] as const) {
        const read = initLayers(w);
        const made = generateInit(w);
        expect(read.map((l) => [l.fanIn, l.fanOut])).toEqual(made.map((l) => [l.fanIn, l.fanOut]));
        read.forEach((l, i) => { expect(l.w).toEqual(made[i]!.w); expect(l.b).toEqual(made[i]!.b); });
      }
      expect(w1Shuffle(60_000)).toEqual(permutation('W1-shuffle', 60_000));
    } finally {
      if (before === undefined) delete process.env[DATA_ENV]; else process.env[DATA_ENV] = before;
    }
  });

  it.skipIf(python === undefined)('numpy (the seed\'s W3 Jacobians, float64) reaches the W3 cost tapegrad-f64 reaches from the file', async () => {
    const quick = async (system: 'numpy' | 'tapegrad-f64'): Promise<number> => {
      const launcher = launcherFor(system, null, python, null);
      const r = await runWorker(system, 'W3', 'quick', launcher, data);
      return r.metrics['W3 cost']!;
    };
    const [np, tg] = await Promise.all([quick('numpy'), quick('tapegrad-f64')]);
    // Same float64 arithmetic up to summation order over 300 steps: far closer than the 1 % the check allows.
    expect(Math.abs(np - tg) / tg).toBeLessThan(1e-9);
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

  it('rounds rotate the order of the systems, each system once per round', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer(), { maxLength: 8 }), fc.nat(20), (items, r) => {
      const order = rotated(items, r);
      expect([...order].sort()).toEqual([...items].sort());
      if (items.length > 0) expect(order[0]).toBe(items[r % items.length]);
    }));
  });

  it('a missing Python system is skipped with a reason; numpy-env-unset runs only when OPENBLAS_CORETYPE or L2_SIZE is set', () => {
    const none = resolveSystems(['tapegrad-f32', 'numpy', 'torch'], [], {});
    expect(none.run).toEqual(['tapegrad-f32']);
    expect(none.skipped.map((s) => s.system)).toEqual(['numpy', 'torch']);
    expect(none.skipped[1]!.reason).toMatch(/apt-get install python3-torch/);
    const py = [{ executable: '/a/python3', version: '3.11', numpy: '2.4', torch: null }, { executable: '/usr/bin/python3', version: '3.11', numpy: '1.24', torch: '1.13' }];
    const unset = resolveSystems(['numpy', 'numpy-env-unset', 'torch'], py, {});
    expect(unset.run).toEqual(['numpy', 'torch']);
    expect(unset.python.numpy?.executable).toBe('/a/python3');
    expect(unset.python.torch?.executable).toBe('/usr/bin/python3');
    const set = resolveSystems(['numpy-env-unset'], py, { OPENBLAS_CORETYPE: 'Haswell' });
    expect(set.run).toEqual(['numpy-env-unset']);
    expect(launcherFor('numpy-env-unset', null, set.python['numpy-env-unset'], null).env).toEqual({ OPENBLAS_CORETYPE: null, OPENBLAS_L2_SIZE: null });
  });

  it('checks flag results that disagree, and goals read the ratio against the best of their group', () => {
    const notes = {};
    const ok = checks({ 'tapegrad-f32': { 'W1 accuracy': 0.9213 }, numpy: { 'W1 accuracy': 0.9211 } }, notes);
    expect(ok[0]).toMatchObject({ key: 'W1 accuracy', ok: true });
    const bad = checks({ 'tapegrad-f32': { 'W3 cost': 0.01 }, torch: { 'W3 cost': 0.02 } }, notes);
    expect(bad[0]).toMatchObject({ key: 'W3 cost', ok: false });
    expect(bad[0]!.text).toMatch(/MISMATCH/);
    const med = { 'tapegrad-f32': { 'W1 epoch': 0.5 }, 'tapegrad-f64': { 'W1 epoch': 1 }, numpy: { 'W1 epoch': 1.2 }, torch: { 'W1 epoch': 0.9 } };
    const ratios = allRatios(med, ['tapegrad-f32', 'tapegrad-f64', 'numpy', 'torch']);
    expect(ratios.filter((r) => r.best).map((r) => [r.tapegrad, r.other, r.ratio])).toEqual([['tapegrad-f32', 'torch', 1.8], ['tapegrad-f64', 'torch', 0.9]]);
    const w1 = GOALS.slice(0, 2).map((g) => g.evaluate(med, ratios));
    expect(w1.map((g) => [g.against, g.met])).toEqual([['torch', true], ['torch', false]]);
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
    expect(parseArgs([]).systems).not.toContain('tfjs-cpu');
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
