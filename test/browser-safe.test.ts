/** The main entry must run in a browser: nothing it loads may import a Node built-in. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every module reachable from `entry` through static relative imports/re-exports (type-only ones skipped). */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack = [resolve(entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    const specifiers = [...source.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)]
      .map((m) => m[1] ?? m[2]!);
    seen.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) stack.push(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  }
  return seen;
}

describe('browser safety of the main entry', () => {
  it('src/index.ts reaches no node: module (those belong in tapegrad/node)', () => {
    const offenders = [...reachable('src/index.ts')].filter(([, specs]) => specs.some((s) => s.startsWith('node:')))
      .map(([file]) => file.replace(resolve('.') + '/', ''));
    expect(offenders).toEqual([]);
  });

  it('the check itself sees Node imports where they are (tapegrad/node)', () => {
    const nodeOnly = [...reachable('src/node.ts')].filter(([, specs]) => specs.some((s) => s.startsWith('node:')));
    expect(nodeOnly.length).toBeGreaterThan(0);
  });
});
