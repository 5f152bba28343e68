/** Training tests: a short MNIST smoke run, resume identical to an uninterrupted run, NaN stop, the curve task, the CLI. */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DivergenceError, SEED000, trainMnist, type MnistConfig } from '../src/nn/train/mnist.js';
import { SEED004, trainCurve } from '../src/nn/train/curve.js';
import { run, mnistConfig, MNIST_SPEC } from '../src/cli/train.js';
import { parseArgs } from '../src/cli/flags.js';
import { sliceDataset } from '../src/data/batches.js';
import { loadMnist } from '../src/data/mnist.js';
import { loadCheckpoint, saveCheckpoint } from '../src/io/checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mnistTest = loadMnist('test');
const smallTest = sliceDataset({ x: mnistTest.images, labels: mnistTest.labels, count: mnistTest.count, features: 784 }, 0, 1000);

const tiny: MnistConfig = {
  ...SEED000, hidden: [16], limit: 600, batch: 50, epochs: 2, momentum: 0.9, lr: 0.05, layout: 'row', dtype: 'float64',
};

function paramsOf(r: ReturnType<typeof trainMnist>): number[][] {
  return r.model.parameters().map((p) => Array.from(p.storage));
}

describe('trainMnist', () => {
  it('smoke: seed 000 settings on 2000 images for 1 epoch reach far above chance and write every file', () => {
    const out = join(dir, 'smoke');
    const r = trainMnist({ ...SEED000, epochs: 1, limit: 2000 }, { out });
    expect(r.final!.testAccuracy).toBeGreaterThan(0.5); // chance is 0.1
    expect(r.final!.trainLoss).toBeLessThan(Math.log(10));
    for (const f of ['metrics.json', 'metrics.csv', 'loss.svg', 'accuracy.svg', 'checkpoint.json']) {
      expect(statSync(join(out, f)).size).toBeGreaterThan(100);
    }
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.final.testAccuracy).toBe(r.final!.testAccuracy);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').split('\n')[0]).toContain('testAccuracy');
  });

  it('2 epochs equal 1 epoch + resume + 1 epoch, bit for bit (momentum state included)', () => {
    const whole = trainMnist(tiny, { out: join(dir, 'whole'), testSet: smallTest });
    const out = join(dir, 'split');
    trainMnist({ ...tiny, epochs: 1 }, { out, testSet: smallTest });
    const resumed = trainMnist(tiny, { out, resume: true, testSet: smallTest });
    expect(resumed.epochsRun).toBe(1);
    expect(paramsOf(resumed)).toEqual(paramsOf(whole));
    const strip = (h: typeof whole.history): unknown[] => h.map(({ seconds: _s, samplesPerSecond: _p, heapMB: _m, ...rest }) => rest);
    expect(strip(resumed.history)).toEqual(strip(whole.history));
    // Resuming from a checkpoint whose momentum velocity was zeroed must NOT match: the test can fail.
    const out2 = join(dir, 'split-novelocity');
    trainMnist({ ...tiny, epochs: 1 }, { out: out2, testSet: smallTest });
    const ck = loadCheckpoint(join(out2, 'checkpoint.json'));
    for (const v of Object.values(ck.optimizer!.buffers.velocity!)) v.fill(0);
    const model = trainMnist({ ...tiny, epochs: 1 }, { testSet: smallTest }).model;
    saveCheckpoint(join(out2, 'checkpoint.json'), { params: model.namedParameters(), optimizer: ck.optimizer, meta: ck.meta });
    expect(paramsOf(trainMnist(tiny, { out: out2, resume: true, testSet: smallTest }))).not.toEqual(paramsOf(whole));
  });

  it('refuses to resume with a different configuration or without a checkpoint', () => {
    const out = join(dir, 'split');
    expect(() => trainMnist({ ...tiny, lr: 0.5 }, { out, resume: true, testSet: smallTest })).toThrow(/cannot resume .* lr: checkpoint 0\.05, now 0\.5/);
    expect(() => trainMnist(tiny, { out: join(dir, 'nothing'), resume: true })).toThrow(`cannot resume: ${join(dir, 'nothing', 'checkpoint.json')} does not exist`);
  });

  it('stops on a NaN loss, naming the step, and keeps the last good checkpoint', () => {
    const out = join(dir, 'nan');
    trainMnist({ ...tiny, epochs: 1 }, { out, testSet: smallTest });
    const before = readFileSync(join(out, 'checkpoint.json'), 'utf8');
    // float32 weights of order 1e38 overflow to Infinity in the first product; Inf − Inf gives NaN.
    const bad = { ...tiny, init: 'normal:1e38', dtype: 'float32' as const };
    let err: unknown;
    try { trainMnist(bad, { out, testSet: smallTest, force: true }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as DivergenceError).message).toMatch(/loss is (NaN|Infinity|-Infinity) at step 1 \(epoch 1, batch 1\)/);
    expect(readFileSync(join(out, 'checkpoint.json'), 'utf8')).toBe(before);
  });

  it('per-sample, in-order training (seed 002 style) runs with raw pixels', () => {
    const r = trainMnist({ ...tiny, hidden: [8, 8], activation: 'sigmoid', batch: 1, lr: 0.003, momentum: 0, scale: 1, shuffle: false, limit: 300, epochs: 1, init: 'fanin' }, { testSet: smallTest });
    expect(r.history).toHaveLength(1);
    expect(Number.isFinite(r.final!.testLoss)).toBe(true);
  });
});

describe('trainCurve', () => {
  const cfg = { ...SEED004, iterations: 400, logEvery: 50 };

  it('lowers the seed 004 cost and writes curve.svg and cost.svg', () => {
    const out = join(dir, 'curve');
    const r = trainCurve(cfg, { out });
    expect(r.finalCost).toBeLessThan(r.history[0]!.cost);
    expect(readFileSync(join(out, 'curve.svg'), 'utf8')).toContain('network');
    expect(existsSync(join(out, 'cost.svg'))).toBe(true);
  });

  it('resumes bit-identically (noise generator state is checkpointed)', () => {
    const whole = trainCurve(cfg);
    const out = join(dir, 'curve-split');
    trainCurve({ ...cfg, iterations: 150 }, { out });
    const resumed = trainCurve(cfg, { out, resume: true });
    expect(resumed.model.parameters().map((p) => Array.from(p.storage))).toEqual(whole.model.parameters().map((p) => Array.from(p.storage)));
    expect(resumed.history).toEqual(whole.history);
  });
});

describe('tapegrad train CLI', () => {
  it('parses flags over presets', () => {
    const flags = (argv: string[]): ReturnType<typeof parseArgs>['flags'] => parseArgs(MNIST_SPEC, argv).flags;
    const c = mnistConfig(flags(['--preset', 'seed002', '--scale=255', '--hidden', '64,32']));
    expect(c).toMatchObject({ hidden: [64, 32], activation: 'sigmoid', batch: 1, scale: 255, shuffle: false, lr: 0.003 });
    expect(mnistConfig(flags(['--no-output-bias'])).outputBias).toBe(false);
    const full = mnistConfig(flags(['--batch', 'full', '--validation', '10000']));
    expect(full.batch).toBe(50000);
    expect(() => flags(['--lr'])).toThrow(/--lr needs a value/);
    expect(() => flags(['--lr', 'fast'])).toThrow(/--lr must be a number > 0, got 'fast'/);
  });

  it('exits 2 on bad usage and prints final metrics as JSON on the last line', async () => {
    const logs: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => { logs.push(s); });
    const errs = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await run(['mnist', '--bogus'])).toBe(2);
      expect(await run(['cifar'])).toBe(2);
      expect(await run(['curve', '--iterations', '200', '--out', join(dir, 'cli-curve'), '--json'])).toBe(0);
      const last = JSON.parse(logs[logs.length - 1]!);
      expect(last).toMatchObject({ task: 'curve', ok: true, iterations: 200 });
      expect(last.finalCost).toBeGreaterThan(0);
    } finally {
      log.mockRestore();
      errs.mockRestore();
    }
  });
});
