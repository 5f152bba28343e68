/** `tapegrad run FILE.py --out DIR` runs a lab as written: prints to stdout, figures to DIR/*.svg. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
