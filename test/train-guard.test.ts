/**
 * Training never lies: diverged runs stop with ok: false and advice, edited checkpoints are refused
 * naming the file and field, killed saves are cleaned up, bad data is an error naming the file, and
 * a folder holding another run is not overwritten silently. Every run here is tiny.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/train.js';
import { encodeIdx } from '../src/data/idx.js';
import { loadMnist } from '../src/data/mnist.js';
import { sliceDataset } from '../src/data/batches.js';
import { DivergenceError, SEED000, trainMnist, type MnistConfig } from '../src/nn/train/mnist.js';
import { SEED004, trainCurve } from '../src/nn/train/curve.js';
import { LossWatch } from '../src/nn/train/guard.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mnistTest = loadMnist('test');
const smallTest = sliceDataset({ x: mnistTest.images, labels: mnistTest.labels, count: mnistTest.count, features: 784 }, 0, 500);
const tiny: MnistConfig = { ...SEED000, hidden: [16], limit: 500, epochs: 1, layout: 'row', dtype: 'float64' };

async function cli(...argv: string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: string) => { out.push(s); });
  const error = vi.spyOn(console, 'error').mockImplementation((s: string) => { err.push(s); });
  try {
    return { status: await run(argv), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('divergence', () => {
  it('train mnist --lr 1e6 stops, exit 1, ok: false, diverged, with what to try', async () => {
    const r = await cli('mnist', '--lr', '1e6', '--limit', '1000', '--epochs', '2', '--hidden', '16', '--quiet', '--json', '--out', join(dir, 'lr'));
    expect(r.status).toBe(1);
    const last = JSON.parse(r.out[r.out.length - 1]!);
    expect(last).toMatchObject({ task: 'mnist', ok: false, diverged: true, epoch: 1 });
    expect(last.error).toMatch(/^training diverged: the loss grew from [\d.]+ to [\d.e+]+ \(mean over recent batches\) at step \d+ \(epoch 1, batch \d+\); stopped\. Try a smaller --lr/);
    expect(r.err.join('\n')).not.toMatch(/trainMnist|SGD:/);
  });

  it('train curve --aggression 1e6 stops, exit 1, ok: false, diverged', async () => {
    const r = await cli('curve', '--aggression', '1e6', '--iterations', '2000', '--quiet', '--json', '--out', join(dir, 'agg'));
    expect(r.status).toBe(1);
    const last = JSON.parse(r.out[r.out.length - 1]!);
    expect(last).toMatchObject({ task: 'curve', ok: false, diverged: true });
    expect(last.error).toMatch(/the cost rose from 0\.238 to 0\.6\d+ at iteration \d+; stopped\. Try a smaller --aggression \(now 1000000; the seed uses 7\)/);
  });

  it('healthy runs are not flagged: seed 000 settings, per-sample raw pixels, and the seed 004 curve', () => {
    expect(trainMnist({ ...tiny, limit: 2000 }, { testSet: smallTest }).final!.testAccuracy).toBeGreaterThan(0.3);
    const perSample = { ...tiny, hidden: [8, 8], activation: 'sigmoid' as const, batch: 1, lr: 0.003, scale: 1, shuffle: false, limit: 300, init: 'fanin' };
    expect(trainMnist(perSample, { testSet: smallTest }).history).toHaveLength(1);
    expect(trainCurve({ ...SEED004, iterations: 1000 }).finalCost).toBeLessThan(0.238);
  });

  it('LossWatch: a running mean, so one bad sample of a per-sample run does not stop it', () => {
    const w = new LossWatch(10, 'advice');
    w.observe(2.3, 1, 1, 1, 1);
    w.observe(60, 1, 2, 1, 2); // one confident mistake: the mean moves by 60/500
    for (let s = 3; s < 100; s++) w.observe(2, 1, s, 1, s);
    expect(() => w.observe(NaN, 1, 100, 1, 100)).toThrow(DivergenceError);
    const v = new LossWatch(10, 'advice');
    v.observe(2.3, 50, 1, 1, 1);
    expect(() => { for (let s = 2; s < 40; s++) v.observe(1e4, 50, s, 1, s); }).toThrow(/the loss grew from 2\.30 to/);
  });
});

describe('checkpoints on resume', () => {
  it('an emptied history or an edited epoch count of an MNIST checkpoint is one error naming file and field', () => {
    const out = join(dir, 'mnist-edit');
    trainMnist(tiny, { out, testSet: smallTest });
    const path = join(out, 'checkpoint.json');
    const original = readFileSync(path, 'utf8');
    const edit = (f: (file: any) => void): void => {
      const file = JSON.parse(original);
      f(file);
      writeFileSync(path, JSON.stringify(file));
    };
    const resume = (): unknown => trainMnist({ ...tiny, epochs: 2 }, { out, resume: true, testSet: smallTest });
    edit((file) => { file.meta.history = []; });
    expect(resume).toThrow(`loadCheckpoint: ${path}: field meta.history has 0 entries, but meta.epoch says 1 epochs were trained`);
    edit((file) => { file.meta.epoch = 25000; });
    expect(resume).toThrow(/field meta\.history has 1 entries, but meta\.epoch says 25000/);
    edit((file) => { file.meta.history[0].testAccuracy = 0.99; });
    expect(resume).toThrow(`loadCheckpoint: ${path}: field meta does not match its checksum (it was changed after the file was written)`);
  });

  it('a curve checkpoint at iteration 25 000 of a 300-iteration run, or with its history emptied, is refused', () => {
    const out = join(dir, 'curve-edit');
    const cfg = { ...SEED004, iterations: 300, logEvery: 50 };
    trainCurve(cfg, { out });
    const path = join(out, 'checkpoint.json');
    const original = readFileSync(path, 'utf8');
    const edit = (f: (file: any) => void): void => {
      const file = JSON.parse(original);
      f(file);
      writeFileSync(path, JSON.stringify(file));
    };
    edit((file) => { file.meta.iteration = 25000; });
    expect(() => trainCurve({ ...cfg, iterations: 400 }, { out, resume: true }))
      .toThrow(`loadCheckpoint: ${path}: field meta.iteration is 25000, expected a whole number from 0 to the run's 300 iterations`);
    edit((file) => { file.meta.history = []; });
    expect(() => trainCurve({ ...cfg, iterations: 400 }, { out, resume: true })).toThrow(/field meta\.history has 0 entries before iteration 300, expected 6/);
    writeFileSync(path, original);
    expect(trainCurve({ ...cfg, iterations: 400 }, { out, resume: true }).history.at(-1)!.iteration).toBe(400);
  });
});

describe('the output folder', () => {
  it('refuses a folder holding another run\'s checkpoint unless resumed or forced', async () => {
    const out = join(dir, 'taken');
    trainMnist(tiny, { out, testSet: smallTest });
    expect(() => trainMnist(tiny, { out, testSet: smallTest })).toThrow(`${out} already holds a training checkpoint (${join(out, 'checkpoint.json')}); pass --resume`);
    const r = await cli('mnist', '--limit', '500', '--hidden', '16', '--epochs', '1', '--out', out);
    expect(r.status).toBe(2);
    expect(r.out).toEqual([]); // refused before the banner
    expect(r.err).toHaveLength(1);
    expect(trainMnist(tiny, { out, testSet: smallTest, force: true }).history).toHaveLength(1);
  });

  it('removes the .tmp a killed save left behind, and creates a missing folder', () => {
    const out = join(dir, 'killed');
    mkdirSync(out);
    writeFileSync(join(out, '.checkpoint.json.9999999.0.tmp'), '{"format":"tapegrad-chec');
    trainMnist(tiny, { out: join(out), testSet: smallTest });
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const nested = join(dir, 'a', 'b', 'c');
    trainMnist(tiny, { out: nested, testSet: smallTest });
    expect(readdirSync(nested)).toContain('checkpoint.json');
  });

  it('a one-epoch run draws its single point (no NaN coordinates)', () => {
    const out = join(dir, 'one');
    trainMnist(tiny, { out, testSet: smallTest });
    for (const f of ['loss.svg', 'accuracy.svg']) {
      const svg = readFileSync(join(out, f), 'utf8');
      expect(svg).not.toMatch(/NaN/);
      expect(svg.match(/<circle /g)?.length).toBeGreaterThanOrEqual(2); // train and test
    }
  });
});

describe('bad training data', () => {
  const images = (n: number): Uint8Array => encodeIdx([n, 28, 28], new Uint8Array(n * 784).map((_, i) => (i * 37) % 256));
  const labels = (values: number[]): Uint8Array => encodeIdx([values.length], Uint8Array.from(values));
  function dataDir(name: string, files: { train: [Uint8Array, Uint8Array]; gzip?: boolean }): string {
    const d = join(dir, name);
    mkdirSync(d);
    const put = (file: string, bytes: Uint8Array): void => writeFileSync(join(d, file), bytes);
    put('train-images-idx3-ubyte', files.train[0]);
    put('train-labels-idx1-ubyte', files.train[1]);
    put('t10k-images-idx3-ubyte', images(10));
    put('t10k-labels-idx1-ubyte', labels([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    return d;
  }

  it('0 images, a label out of range and a damaged gzip are errors naming the file', () => {
    const empty = dataDir('empty', { train: [images(0), labels([])] });
    expect(() => trainMnist(tiny, { dataDir: empty })).toThrow(`loadMnist: ${join(empty, 'train-images-idx3-ubyte')} holds 0 images`);
    const bad = dataDir('labels', { train: [images(3), labels([1, 12, 3])] });
    expect(() => trainMnist(tiny, { dataDir: bad })).toThrow(/train-labels-idx1-ubyte is corrupt: label 12 at index 1 \(expected 0\.\.9\)/);
    const gz = join(dir, 'gz');
    mkdirSync(gz);
    const zipped = gzipSync(images(3));
    zipped[zipped.length - 6] = zipped[zipped.length - 6]! ^ 0xff; // damage the CRC
    writeFileSync(join(gz, 'train-images-idx3-ubyte.gz'), zipped);
    writeFileSync(join(gz, 'train-labels-idx1-ubyte'), labels([1, 2, 3]));
    expect(() => trainMnist(tiny, { dataDir: gz })).toThrow(`loadMnist: ${join(gz, 'train-images-idx3-ubyte.gz')} is a damaged gzip file`);
  });

  it('a validation split that leaves no training images is refused', () => {
    const few = dataDir('few', { train: [images(5), labels([1, 2, 3, 4, 5])] });
    expect(() => trainMnist({ ...tiny, limit: null, validation: 5 }, { dataDir: few })).toThrow(/the training set is empty: 5 images, 5 held out/);
  });
});
