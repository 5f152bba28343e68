/**
 * The @example of every exported function in the core (src/*.ts, src/engine, src/ops), src/viz and src/explain runs: each is extracted from
 * its TSDoc, given the package's exports in scope, and executed as a module.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');
const DIRS = ['viz', 'explain', 'engine', 'ops', '.'];
/** Folders with an index.ts of their own whose exports the examples may use beyond the package root's. */
const SHIM_DIRS = ['viz', 'explain'];

interface Example {
  file: string;
  symbol: string;
  code: string;
}

/** The @example text of each TSDoc comment directly above an `export`, with the comment markers removed. */
function examplesOf(file: string, source: string): Example[] {
  const out: Example[] = [];
  for (const m of source.matchAll(/\/\*\*([\s\S]*?)\*\/\s*export\s+(?:async\s+)?(?:function|const|class)\s+(\w+)/g)) {
    const body = m[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n');
    const at = body.indexOf('@example');
    if (at < 0) continue;
    const rest = body.slice(at + '@example'.length);
    const end = rest.search(/\n@\w+/);
    const code = (end < 0 ? rest : rest.slice(0, end)).replace(/```\w*/g, '').trim();
    out.push({ file, symbol: m[2]!, code });
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const shim = join(dir, 'shim.ts');
writeFileSync(shim, [
  `export * from ${JSON.stringify(join(SRC, 'index.ts'))};`,
  ...SHIM_DIRS.map((d) => `export * from ${JSON.stringify(join(SRC, d, 'index.ts'))};`),
].join('\n'));
const names = Object.keys(await import(pathToFileURL(shim).href));

describe('TSDoc @example of the core, src/viz and src/explain', () => {
  const all = DIRS.flatMap((d) => readdirSync(join(SRC, d)).filter((f) => f.endsWith('.ts'))
    .map((f) => join(d, f)).flatMap((f) => examplesOf(f, readFileSync(join(SRC, f), 'utf8'))));

  it('finds the examples (the extractor itself)', () => {
    expect(all.map((e) => e.symbol)).toEqual(expect.arrayContaining(['toDot', 'toMermaid', 'toSvg', 'explain', 'buildGraph']));
  });

  for (const [k, ex] of all.entries()) {
    it(`${ex.file}: ${ex.symbol}`, async () => {
      const file = join(dir, `example_${k}.ts`);
      const prelude = `import { ${names.join(', ')} } from ${JSON.stringify(shim)};\n`;
      writeFileSync(file, `${prelude}${ex.code}\nexport {};\n`);
      const log = console.log;
      console.log = () => {};
      try {
        await import(pathToFileURL(file).href);
      } finally {
        console.log = log;
      }
    });
  }
});
