/** `tapegrad run FILE.py --out DIR` runs a lab as written: prints to stdout, figures to DIR/*.svg. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/run.js';

afterEach(() => vi.restoreAllMocks());

describe('tapegrad run', () => {
  it('writes every figure into --out as SVG (savefig and figures left open) and prints as Python does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-run-'));
    const lab = join(dir, 'lab.py');
    writeFileSync(lab, [
      'import numpy as np',
      'import matplotlib.pyplot as plt',
      'x = np.linspace(0, 1, 5)',
      "plt.plot(x, x ** 2, 'r-', label='square')",
      "plt.title('a parabola')",
      "plt.savefig('curve.png')",
      'plt.figure()',
      'plt.plot([1, 2, 3])',
      'print(x.sum())',
    ].join('\n'));
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((t) => { out.push(String(t)); return true; });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const status = await run([lab, '--out', join(dir, 'figs')]);
    expect(status).toBe(0);
    expect(out.join('')).toBe('2.5\n');
    const files = readdirSync(join(dir, 'figs')).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain('curve.svg');
    expect(readFileSync(join(dir, 'figs', 'curve.svg'), 'utf8')).toContain('a parabola');
  });

  it('exits 2 naming the line and column when the file cannot run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-run-'));
    const lab = join(dir, 'bad.py');
    writeFileSync(lab, 'x = 1\ndef g():\n    yield x\n');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((t) => { errors.push(String(t)); });
    expect(await run([lab])).toBe(2);
    expect(errors.join('\n')).toMatch(/bad\.py:3:\d+: .*yield/);
  });

  it("runs seed 000's training code as written on an MNIST subset (--mnist-limit) and writes its plots as valid SVG", async () => {
    // The seed's file unchanged: 10 epochs of its loop over the first 200 training images (4 batches
    // of 50), tested on the first 200 test images. As written it opens a figure every epoch, each
    // with two subplots (loss and accuracy over the epochs so far); plt.show() writes them all.
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-run-'));
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((t) => { out.push(String(t)); return true; });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // The student's code only: the fixture's cells marked "added for tapegrad" (its verify lines) are cut off.
    const lab = join(mkdtempSync(join(tmpdir(), 'tapegrad-lab-')), 'seed000.py');
    writeFileSync(lab, readFileSync('test/fixtures/seeds/seed000.py', 'utf8').split('# ---- added for tapegrad')[0]!);
    const status = await run([lab, '--out', dir, '--mnist-limit', '200']);
    expect(status).toBe(0);
    const lines = out.join('').trim().split('\n');
    expect(lines).toHaveLength(10);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^Epoch ${i + 1}/10, Loss: \\d+\\.\\d{4}, Accuracy: 0\\.\\d{4}$`)));
    // Training on 200 images still learns: the test loss falls from the first epoch to the last.
    const loss = (l: string): number => Number(/Loss: ([\d.]+)/.exec(l)![1]);
    expect(loss(lines[9]!)).toBeLessThan(loss(lines[0]!));
    const files = readdirSync(dir).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(files).toEqual(Array.from({ length: 10 }, (_, i) => `figure-${i + 1}.svg`));
    for (const [i, f] of files.entries()) {
      const doc = new DOMParser({ onError: (level: string, msg: string) => { throw new Error(`${f}: ${level}: ${msg}`); } })
        .parseFromString(readFileSync(join(dir, f), 'utf8'), 'image/svg+xml');
      const titles = Array.from(doc.getElementsByTagName('text')).filter((e) => e.getAttribute('class') === 'title').map((e) => e.textContent);
      expect(titles).toEqual(['Loss Over Epochs', 'Accuracy Over Epochs']);
      const curves = Array.from(doc.getElementsByTagName('path')).filter((e) => e.getAttribute('class') === 'line');
      // Figure k plots the k epochs so far: k points per curve (one point draws no line, as in matplotlib).
      expect(curves).toHaveLength(i === 0 ? 0 : 2);
      for (const c of curves) expect(c.getAttribute('d')!.split(/[ML]/).filter((p) => p !== '')).toHaveLength(i + 1);
    }
  }, 120_000);

  it('refuses a --mnist-limit that is not a positive integer (exit 2, one line)', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((t) => { errors.push(String(t)); });
    expect(await run(['test/fixtures/seeds/seed000.py', '--mnist-limit', '0'])).toBe(2);
    expect(errors.join('\n')).toMatch(/mnist-limit/);
  });
});
