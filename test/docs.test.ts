/**
 * Every ```ts block of every guide in docs/ runs, so the guides cannot rot. Each block is a
 * self-contained module importing from 'tapegrad' (rewritten to this repo's src/index.ts);
 * `// expect: text` lines must appear in what the block prints; `// needs: a, b` skips the block,
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
const GUIDES = ['getting-started.md', 'autodiff-vs-manual-backprop.md', 'verifying-gradients.md', 'defining-ops.md', 'how-it-works.md', 'performance.md', 'forward-mode.md', 'ops.md'];

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

async function runBlock(block: Block, n: number): Promise<string> {
  const code = block.code.replace(/from\s+['"]tapegrad['"]/g, `from ${JSON.stringify(INDEX)}`);
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
        for (const m of block.code.matchAll(/\/\/ expect: (.+)/g)) {
          expect(out, `${guide}:${block.line} should print "${m[1]!.trim()}"`).toContain(m[1]!.trim());
        }
      });
    });
  }
});
