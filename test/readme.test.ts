/** The README's example is examples/quickstart.ts verbatim, and it prints gradients equal to finite differences. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matmul, randn, softmaxCrossEntropy, tanh, tensor, zeros } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { numericalGradients } from './helpers/finite-diff.js';

describe('README quick start', () => {
  const quickstart = readFileSync('examples/quickstart.ts', 'utf8');

  it('the README shows examples/quickstart.ts exactly', () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme);
    expect(block?.[1]).toBe(quickstart);
    expect(quickstart.trim().split('\n').length).toBeLessThanOrEqual(16);
  });

  it('runs as written and prints gradients that match finite differences', () => {
    const out = execFileSync('node_modules/.bin/tsx', ['examples/quickstart.ts'], { encoding: 'utf8' });
    const printed = new Map(out.trim().split('\n').map((line) => {
      const [name, ...rest] = line.split(' ');
      return [name!, JSON.parse(rest.join(' ')) as unknown];
    }));
    const X = tensor([[0.5, -1.2, 0.3], [1.0, 0.4, -0.7]]);
    const params = [randn([3, 4], { seed: 1, std: 0.5 }), zeros([4]), randn([4, 2], { seed: 2, std: 0.5 }), zeros([2])];
    const loss = (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor): Tensor =>
      softmaxCrossEntropy(matmul(tanh(matmul(X, W1).add(b1)), W2).add(b2), [1, 0]);
    expect(printed.get('loss')).toBeCloseTo(loss(...(params as [Tensor, Tensor, Tensor, Tensor])).item(), 14);
    const numerical = numericalGradients((...p) => loss(...(p as [Tensor, Tensor, Tensor, Tensor])), params);
    ['W1', 'b1', 'W2', 'b2'].forEach((name, k) => {
      const shown = (printed.get(name) as number[] | number[][]).flat();
      expect(shown.length).toBe(numerical[k]!.length);
      shown.forEach((v, i) => expect(v).toBeCloseTo(numerical[k]![i]!, 8));
    });
  });

  it('the verifyGradients example runs as written and reports the missing 1/m', () => {
    const readme = readFileSync('README.md', 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const example = blocks.find((b) => b.includes('verifyGradients'));
    expect(example).toBeDefined();
    // Inside the package folder, so that `import … from 'tapegrad'` resolves to this package.
    mkdirSync('test/.tmp', { recursive: true });
    writeFileSync('test/.tmp/readme-verify.ts', example!);
    const out = execFileSync('node_modules/.bin/tsx', ['test/.tmp/readme-verify.ts'], { encoding: 'utf8' });
    expect(out).toContain('verifyGradients FAILED: W');
    expect(out).toContain('×8 autodiff — a missing 1/m? (m = 8, the batch size)');
  });
});
