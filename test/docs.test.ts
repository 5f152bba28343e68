/**
 * Every ```ts block of every guide in docs/ runs, so the guides cannot rot. Each block is a
 * self-contained module importing from 'tapegrad' (rewritten to this repo's src/index.ts);
 * its `// expect: text` lines must be found in what the block itself prints, line by line and in
 * order; `console.log(…); // → text` checks that one call's own output starts with `text`; `// needs: a, b` skips the block,
 * with the reason shown, while those exports are missing from the package.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { format } from 'node:util';

const DOCS = resolve(__dirname, '../docs');
const INDEX = resolve(__dirname, '../src/index.ts');
const GUIDES = ['getting-started.md', 'autodiff-vs-manual-backprop.md', 'verifying-gradients.md', 'defining-ops.md', 'how-it-works.md', 'performance.md', 'forward-mode.md', 'ops.md', 'semantics.md'];

interface Block {
  guide: string;
  line: number;
  code: string;
}

/** The ```ts blocks of a Markdown file, with the line each starts on. */
function extractBlocks(guide: string, markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && !/^```\s*$/.test(lines[j]!)) j++;
    blocks.push({ guide, line: start + 1, code: lines.slice(start, j).join('\n') });
    i = j;
  }
  return blocks;
}

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The checks a block asks for: `// → text` after a one-line console.log, with the line it is on. */
interface ArrowCheck {
  line: number;
  expected: string;
}

/**
 * Rewrites every one-line `console.log(args); // → text` so that its own output is recorded under its
 * line number, and returns the rewritten code and the checks.
 */
function instrument(code: string): { code: string; arrows: ArrowCheck[] } {
  const arrows: ArrowCheck[] = [];
  const lines = code.split('\n').map((l, i) => {
    const m = /^(\s*)console\.log\((.*)\);\s*\/\/ → (.+)$/.exec(l);
    if (m === null) return l;
    arrows.push({ line: i + 1, expected: m[3]!.trim() });
    return `${m[1]}(globalThis as any).__docLog(${i + 1}, ${m[2]});`;
  });
  return { code: lines.join('\n'), arrows };
}

/**
 * Finds each expectation in its own printed line, in order: the k-th `// expect:` must be in a line
 * after the one that matched the (k−1)-th. Returns the expectations not found that way.
 */
function unmatched(printed: string, expects: readonly string[]): string[] {
  const lines = printed.split('\n');
  let at = 0;
  const missing: string[] = [];
  for (const e of expects) {
    const found = lines.findIndex((l, i) => i >= at && l.includes(e));
    if (found < 0) missing.push(e);
    else at = found + 1;
  }
  return missing;
}

const calls = new Map<number, string>();
(globalThis as { __docLog?: unknown }).__docLog = (line: number, ...args: unknown[]): void => {
  calls.set(line, format(...args));
  console.log(...args);
};

async function runBlock(block: Block, n: number): Promise<string> {
  calls.clear();
  const code = instrument(block.code).code.replace(/from\s+['"]tapegrad['"]/g, `from ${JSON.stringify(INDEX)}`);
  const file = join(dir, `${block.guide.replace(/\W/g, '_')}_${n}.ts`);
  writeFileSync(file, `${code}\nexport {};\n`);
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    printed.push(format(...args));
  };
  try {
    await import(pathToFileURL(file).href);
  } finally {
    console.log = original;
  }
  return printed.join('\n');
}

const api = (await import('../src/index.js')) as Record<string, unknown>;

describe('guides', () => {
  it('every guide exists and has runnable code', () => {
    const present = readdirSync(DOCS).filter((f) => f.endsWith('.md'));
    for (const g of GUIDES) {
      expect(present).toContain(g);
      expect(extractBlocks(g, readFileSync(join(DOCS, g), 'utf8')).length).toBeGreaterThan(0);
    }
  });

  it('checks each block against its own lines, in order, and each `// →` against its own call (the harness itself)', () => {
    expect(unmatched('float32 float32\nfloat64\nfloat64', ['float32 float32', 'float64'])).toEqual([]);
    expect(unmatched('b\na', ['a', 'b'])).toEqual(['b']);
    expect(unmatched('x float32 y', ['float32'])).toEqual([]);
    const { code, arrows } = instrument("const t = 1;\n  console.log(t.toFixed(1), 'x'); // → 1.0 x\nconsole.log(2);");
    expect(arrows).toEqual([{ line: 2, expected: '1.0 x' }]);
    expect(code).toContain("  (globalThis as any).__docLog(2, t.toFixed(1), 'x');");
  });

  it('extracts blocks and expectations (the harness itself)', () => {
    const md = 'text\n```ts\nconsole.log(1);\n// expect: 1\n```\n```sh\nls\n```\n```ts\nthrow new Error("x");\n```\n';
    const blocks = extractBlocks('t.md', md);
    expect(blocks.map((b) => b.line)).toEqual([3, 10]);
    expect(blocks[0]!.code).toContain('// expect: 1');
  });

  for (const guide of GUIDES) {
    const blocks = extractBlocks(guide, readFileSync(join(DOCS, guide), 'utf8'));
    blocks.forEach((block, n) => {
      const needs = /\/\/ needs: (.+)/.exec(block.code)?.[1]?.split(',').map((s) => s.trim()) ?? [];
      const missing = needs.filter((name) => api[name] === undefined);
      const title = `${guide}:${block.line} runs${missing.length > 0 ? ` (SKIPPED: ${missing.join(', ')} not exported yet)` : ''}`;
      it.skipIf(missing.length > 0)(title, async () => {
        const out = await runBlock(block, n);
        const expects = [...block.code.matchAll(/\/\/ expect: (.+)/g)].map((m) => m[1]!.trim());
        expect(unmatched(out, expects), `${guide}:${block.line} printed:\n${out}`).toEqual([]);
        for (const a of instrument(block.code).arrows) {
          expect(calls.get(a.line), `${guide}:${block.line + a.line - 1}: console.log should print "${a.expected}"`).toMatch(new RegExp(`^${a.expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
        }
      });
    });
  }
});
