// tapegrad.verify inside numpy files: three-way verdicts, the first wrong line of a hand-written
// backward (by name and by value), conventions, the log guard, errors with line and column, the
// `tapegrad check` JSON and exit codes.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi, afterEach } from 'vitest';
import { checkJson, checkNumpy } from '../src/numpy/check/index.js';
import { run as checkCli } from '../src/cli/check.js';
import { loadLabs } from '../src/cli/verify.js';
import { judgeBug } from '../src/numpy/check/bug-hunt.js';

afterEach(() => vi.restoreAllMocks());

const lab = (name: string): string => readFileSync(`examples/labs/${name}`, 'utf8');

describe('the lab files agree three ways', () => {
  for (const name of ['seed000.py', 'seed001.py', 'seed002.py', 'seed003.py', 'seed004.py']) {
    it(name, () => {
      const r = checkNumpy(lab(name), { filename: name });
      expect(r.error).toBeNull();
      expect(r.checks.flatMap((c) => c.params.filter((p) => !p.ok).map((p) => `${p.name}: ${p.diagnosis}`))).toEqual([]);
      expect(r.exitCode).toBe(0);
    }, 30_000);
  }

  it('seed 000: the dropped 1e-8 is explained, and A2 − Y is reported as the un-averaged convention', () => {
    const r = checkNumpy(lab('seed000.py'));
    const mlp = r.checks[1]!;
    expect(mlp.params.map((p) => p.kind)).toEqual(['log-epsilon', 'log-epsilon', 'log-epsilon', 'log-epsilon']);
    expect(mlp.params[0]!.diagnosis).toMatch(/^agrees with the gradient of the loss without the 1e-8 in the log; your backward drops that term/);
    expect(mlp.conventions.map((c) => c.message)).toEqual([
      expect.stringMatching(/`dZ2 = A2 - Y`: dZ2 is 8 × ∂loss\/∂Z2 \(un-averaged over the batch; your later lines divide by 8\): a convention, not an error/),
    ]);
    expect(r.stdout).toMatch(/tapegrad\.verify \(line \d+\): ✓ W1, b1, W2, b2 agree three ways/);
  }, 30_000);

  it('seed 004: J reused on every line is paired by value with ∂loss/∂a3, ∂loss/∂z3, …', () => {
    const r = checkNumpy(lab('seed004.py'));
    const as = r.checks[0]!.recognised.filter((x) => x.variable === 'J').map((x) => x.as);
    for (const q of ['20 × ∂loss/∂a3', '20 × ∂loss/∂z3', '20 × ∂loss/∂a2', '20 × ∂loss/∂z2', '20 × ∂loss/∂a1', '20 × ∂loss/∂z1']) expect(as).toContain(q);
  }, 30_000);
});

describe('the bug hunt: each planted slip named at its line with the right words', () => {
  const { labs, bugs } = loadLabs();
  for (const bug of bugs) {
    it(`${bug.id} (${bug.lab})`, () => {
      const v = judgeBug(bug, labs.find((l) => l.name === bug.lab)!.source);
      expect(v.reasons).toEqual([]);
      if (bug.expect.line !== undefined && bug.id !== 'seed002-dot-out') expect(v.firstWrongLine?.line).toBe(v.mutatedLine);
    }, 30_000);
  }
});

describe('errors and the command line', () => {
  it('grads returning None is an error that says so, exit 2 with line and column', () => {
    const r = checkNumpy('import numpy as np\nimport tapegrad\nw = np.array([1.0, 2.0])\ntapegrad.verify({"w": w}, lambda p: np.sum(p["w"] ** 2), lambda p: None)\n');
    expect(r.exitCode).toBe(2);
    expect(r.error).toMatchObject({ line: 4, column: 1 });
    expect(r.error!.message).toMatch(/grads returned None: it must return the hand gradients/);
  });

  it('an unsupported construct exits 2 naming line and column', () => {
    const r = checkNumpy('import tapegrad\ndef f():\n    yield 1\n');
    expect(r.exitCode).toBe(2);
    expect(r.error!.line).toBe(3);
    expect(r.error!.column).toBeGreaterThan(0);
    expect(r.error!.message).toMatch(/yield/);
    expect(checkJson(r)).toMatchObject({ ok: false, error: { line: 3 } });
  });

  it('keys that match no parameter are listed as not checked', () => {
    const r = checkNumpy('import numpy as np\nimport tapegrad\nX = np.array([[1.0, 2.0], [3.0, -1.0]])\n'
      + 'tapegrad.verify({"w": np.array([0.5, -0.25])}, lambda p: np.sum((X @ p["w"]) ** 2) / 2, lambda p: {"dw": X.T @ (X @ p["w"]), "dA0": X})\n');
    expect(r.exitCode).toBe(0);
    expect(r.checks[0]!.notChecked).toEqual(['dA0']);
  });

  it('tapegrad check --json: last line is the object, exit 1 for a wrong gradient', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { lines.push(a.join(' ')); });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const bug = loadLabs().bugs.find((b) => b.id === 'missing-1/m')!;
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'tg-')), 'lab.py');
    writeFileSync(file, lab('seed000.py').replace(bug.find, bug.replace));
    expect(await checkCli([file, '--json'])).toBe(1);
    const out = JSON.parse(lines[lines.length - 1]!) as { ok: boolean; checks: { line: number; ok: boolean; params: { name: string; ok: boolean; diagnosis: string | null }[]; firstWrongLine: { line: number; text: string; variable: string; expected: string } | null }[] };
    expect(out.ok).toBe(false);
    expect(out.checks[0]!.ok).toBe(true);
    const mlp = out.checks[1]!;
    expect(mlp.params.filter((p) => !p.ok).map((p) => p.name)).toEqual(['W2']);
    expect(mlp.firstWrongLine).toMatchObject({ text: 'dW2 = (dZ2 @ A1.T)', variable: 'dW2', expected: '∂loss/∂W2, shape [3, 5]' });
    expect(await checkCli(['--help'])).toBe(0);
  }, 60_000);
});

describe('host options of the check: a smaller MNIST, imports that are accepted but not usable', () => {
  it('mnistLimit serves the first N images and labels of each split, in MNIST order; a bad limit names checkNumpy', async () => {
    await import('../src/numpy/keras/node.js');
    const { loadMnist } = await import('../src/data/mnist.js');
    const source = 'import tapegrad\nimport numpy as np\nfrom tensorflow.keras.datasets import mnist\n'
      + '(x, y), (xt, yt) = mnist.load_data()\nprint(x.shape, xt.shape, [int(v) for v in y], [int(v) for v in yt], int(x[2].sum()))\n'
      + 'tapegrad.verify({"w": np.array([1.0])}, lambda p: np.sum(p["w"] ** 2), lambda p: {"dw": 2 * p["w"]})\n';
    const r = checkNumpy(source, { mnistLimit: 3 });
    expect(r.error).toBeNull();
    const train = loadMnist('train');
    const test = loadMnist('test');
    const third = Array.from(train.images.subarray(2 * 784, 3 * 784)).reduce((a, b) => a + b, 0);
    expect(r.stdout.split('\n')[0]).toBe(`(3, 28, 28) (3, 28, 28) [${[...train.labels.subarray(0, 3)].join(', ')}] [${[...test.labels.subarray(0, 3)].join(', ')}] ${third}`);
    expect(() => checkNumpy(source, { mnistLimit: 0 })).toThrow(/checkNumpy: mnistLimit must be a positive integer .* got 0/);
  });

  it('sklearn can be imported (seed 001 does, unused); calling it is an error with its line', () => {
    const r = checkNumpy('import tapegrad\nfrom sklearn.utils import shuffle\nfrom sklearn.model_selection import train_test_split\nx = shuffle([1, 2, 3])\n');
    expect(r.exitCode).toBe(2);
    expect(r.error).toMatchObject({ line: 4, type: 'NotSupported' });
    expect(r.error!.message).toMatch(/sklearn\.utils\.shuffle is not supported in the tapegrad numpy dialect/);
  });

  it('tapegrad check --mnist-limit N runs a file that trains on MNIST unchanged; a bad N exits 2', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { lines.push(a.join(' ')); });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'tg-')), 'lab.py');
    writeFileSync(file, 'import numpy as np\nimport tapegrad\nfrom keras.datasets import mnist\n(x, y), _ = mnist.load_data()\n'
      + 'X = x.reshape(-1, 784) / 255.0\nw0 = np.zeros((784, 1)) + 0.01\n'
      + 'tapegrad.verify({"w": w0}, lambda p: np.sum((X @ p["w"]) ** 2) / 2, lambda p: {"dw": X.T @ (X @ p["w"])})\nprint(X.shape)\n');
    expect(await checkCli([file, '--json', '--mnist-limit', '4'])).toBe(0);
    expect(JSON.parse(lines[lines.length - 1]!)).toMatchObject({ ok: true, checks: [{ line: 7, ok: true }] });
    expect(await checkCli([file, '--mnist-limit', '0'])).toBe(2);
  }, 30_000);
});
