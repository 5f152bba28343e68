/**
 * The guides' ```ts blocks also type-check against the real API (strict, like the repo), so an
 * option renamed in src/ cannot leave a guide that runs only because JavaScript ignores it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'tapegrad-docs-tsc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('every guide code block type-checks', () => {
  const files: string[] = [];
  const origin = new Map<string, string>();
  // api-contract.md lists signatures (`tensor(values, options?): Tensor`), not code to run.
  for (const guide of readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md') && f !== 'api-contract.md')) {
    const lines = readFileSync(join(ROOT, 'docs', guide), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
      let j = i + 1;
      while (j < lines.length && !/^```\s*$/.test(lines[j]!)) j++;
      // .mts: an ES module wherever it sits, so top-level await and imports type-check as in the docs test.
      const file = join(dir, `${guide.replace(/\W/g, '_')}_${i + 2}.mts`);
      const code = lines.slice(i + 1, j).join('\n').replace(/from\s+['"]tapegrad['"]/g, `from ${JSON.stringify(join(ROOT, 'src/index.js'))}`);
      writeFileSync(file, `${code}\nexport {};\n`);
      files.push(file);
      origin.set(file, `${guide}:${i + 2}`);
      i = j;
    }
  }
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true, rootDir: undefined });
  const problems = ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && origin.has(d.file.fileName))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${origin.get(d.file!.fileName)} (+${line}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  expect(files.length).toBeGreaterThan(20);
  expect(problems).toEqual([]);
}, 120_000);
