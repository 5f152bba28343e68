/**
 * The package's promises that need no packing: the public contract in docs/api-contract.md is
 * what the package root exports, `npm install` leaves the committed lockfile alone, and the
 * install guide does not send people to a registry tapegrad is not on.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

const ROOT = resolve(__dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'tapegrad-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The names the contract lists: functions called in its code blocks and ops in its tables; `t.x` are Tensor members. */
function contractNames(markdown: string): { functions: Set<string>; members: Set<string>; tableOps: Set<string> } {
  const functions = new Set<string>();
  const members = new Set<string>();
  const tableOps = new Set<string>();
  let inCode = false;
  for (const raw of markdown.split('\n')) {
    if (raw.startsWith('```')) { inCode = !inCode; continue; }
    if (inCode) {
      const line = raw.replace(/\/\/.*$/, '');
      for (const m of line.matchAll(/(?:^|,\s*)([a-z]\w*)\(/g)) functions.add(m[1]!);
      for (const m of line.matchAll(/\b(?:t|loss)\.(\w+)/g)) members.add(m[1]!);
    } else if (raw.startsWith('| `')) {
      const cell = raw.split('|')[1]!;
      for (const code of cell.matchAll(/`([^`]+)`/g)) {
        for (const part of code[1]!.replace(/\([^)]*\)/g, '').split(/,\s*/)) {
          const name = /^(?:a\.)?(\w+)/.exec(part.trim())?.[1];
          if (name !== undefined) (part.trim().startsWith('a.') ? members : tableOps).add(name);
        }
      }
    }
  }
  return { functions, members, tableOps };
}

describe('docs/api-contract.md', () => {
  const contract = readFileSync(join(ROOT, 'docs', 'api-contract.md'), 'utf8');
  const { functions, members, tableOps } = contractNames(contract);
  const exported = api as unknown as Record<string, unknown>;

  it('is the shared contract, kept in the repository', () => {
    expect(contract).toContain('# tapegrad public API: the contract');
    expect(contract).not.toMatch(/\.\.\/shared|issue \d/);
    expect(functions.size + tableOps.size).toBeGreaterThan(30);
  });

  it('every function and op it lists is exported from the package root', () => {
    const missing = [...functions, ...tableOps].filter((n) => typeof exported[n] !== 'function');
    expect(missing).toEqual([]);
  });

  it('every op of its tables is also a Tensor method, and every member it names exists', () => {
    const t = api.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const has = (n: string): boolean => n in t;
    expect([...tableOps].filter((n) => !has(n))).toEqual([]);
    expect([...members].filter((n) => !has(n))).toEqual([]);
    expect(members).toContain('backward');
  });

  it('the name check can fail', () => {
    expect(contractNames('```ts\nnoSuchFunction(x)\n```\n').functions).toEqual(new Set(['noSuchFunction']));
    expect(typeof exported['noSuchFunction']).not.toBe('function');
  });
});

describe('installing', () => {
  it('npm install leaves the committed package-lock.json unchanged', () => {
    copyFileSync(join(ROOT, 'package.json'), join(work, 'package.json'));
    copyFileSync(join(ROOT, 'package-lock.json'), join(work, 'package-lock.json'));
    const before = readFileSync(join(work, 'package-lock.json'), 'utf8');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|npm_)/i.test(k)));
    const r = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
      { cwd: work, encoding: 'utf8', env, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(work, 'package-lock.json'), 'utf8')).toBe(before);
  }, 150_000);

  it('the install guide installs from a clone or a tarball, not from a registry', () => {
    const guide = readFileSync(join(ROOT, 'docs', 'getting-started.md'), 'utf8');
    expect(guide).not.toMatch(/npm install tapegrad\b(?![-/.\w])/);
    expect(guide).toMatch(/npm pack/);
    expect(guide).toMatch(/npm install \.\.\/tapegrad\/tapegrad-0\.1\.0\.tgz/);
  });

  it('package.json ships dist/, bin/, the native sources, the prebuilt addon, README and LICENSE only', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[]; license: string; scripts: Record<string, string> };
    expect(pkg.files).toEqual(['dist/', '!dist/**/*.map', 'bin/', 'native/*.cc', 'native/*.h', 'native/*.inc', 'native/setup.js', '!native/README.md', 'binding.gyp', 'prebuilds/', 'examples/labs/*.py', 'examples/labs/bug-hunt.json', 'README.md', 'LICENSE']);
    expect(pkg.scripts['prepack']).toMatch(/native\/setup\.js prebuild/);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(pkg.license).toBe('MIT');
  });
});
