/**
 * The ops modules import each other; whichever one a program imports first, loading must work
 * under tsx (esbuild), where a module-top-level call into an unfinished module of the cycle fails.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const modules = [
  ...readdirSync('src/ops').map((f) => `src/ops/${f}`),
  ...readdirSync('src/engine').map((f) => `src/engine/${f}`),
  'src/tensor.ts', 'src/creation.ts',
];

describe('any module of the core can be imported first', () => {
  it('loads and computes a gradient whichever module comes first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-order-'));
    // A few processes at a time: one tsx per module, all at once, swamps a 2-core machine.
    const results = await mapLimited(modules, 3, async (m, i) => {
      const file = join(dir, `entry${i}.ts`);
      writeFileSync(file, [
        `import '${resolve(m)}';`,
        `import { grad, tanh, tensor } from '${resolve('src/index.ts')}';`,
        `console.log(grad((x) => tanh(x).sum())(tensor([0]))[0].item());`,
      ].join('\n'));
      const { stdout } = await run(resolve('node_modules/.bin/tsx'), [file]);
      return [m, stdout.trim()] as const;
    });
    for (const [m, out] of results) expect(out, m).toBe('1');
  }, 300_000);
});

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
