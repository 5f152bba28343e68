// docs/checking-numpy.md shows real output: its example is re-run and every verdict line it quotes is printed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkNumpy } from '../src/numpy/check/index.js';

describe('docs/checking-numpy.md', () => {
  it('the quoted verdict is what tapegrad check prints for seed000.py without the / m of dW2', () => {
    const doc = readFileSync('docs/checking-numpy.md', 'utf8');
    const quoted = /## 3\. Read the verdict[\s\S]*?```\n([\s\S]*?)```/.exec(doc)![1]!.trim().split('\n');
    const source = readFileSync('examples/labs/seed000.py', 'utf8').replace('    dW2 = (dZ2 @ A1.T) / m', '    dW2 = (dZ2 @ A1.T)');
    const r = checkNumpy(source, { filename: 'my_lab.py' });
    expect(r.exitCode).toBe(1);
    const printed = r.stdout.trim().split('\n');
    expect(quoted.slice(0, -1)).toEqual(printed);
    expect(quoted[quoted.length - 1]).toBe('check: a gradient is wrong');
  }, 30_000);
});
