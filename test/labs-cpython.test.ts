// The lab files' numpy is right on its own: run under real CPython + numpy with a stub `tapegrad`
// (test/fixtures/pystub/tapegrad.py: hand gradients vs float64 central differences), every lab
// agrees and every planted slip of the bug hunt breaks the gradient it is meant to break.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BugCase } from '../src/numpy/check/bug-table.js';
import { plant } from '../src/numpy/check/bug-table.js';

const LABS = 'examples/labs';
const hasNumpy = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function runPython(source: string): { status: number | null; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-lab-'));
  const file = join(dir, 'lab.py');
  writeFileSync(file, source);
  const r = spawnSync('python3', [file], { env: { ...process.env, PYTHONPATH: 'test/fixtures/pystub' }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout };
}

describe.skipIf(!hasNumpy)('lab files under CPython + numpy', () => {
  for (const lab of ['seed000.py', 'seed001.py', 'seed002.py', 'seed004.py']) {
    it(`${lab}: every hand gradient agrees with central differences`, () => {
      const r = runPython(readFileSync(`${LABS}/${lab}`, 'utf8'));
      expect(r.stdout).toMatch(/stub-verify line \d+: ok/);
      expect(r.stdout).not.toMatch(/FAIL/);
      expect(r.status).toBe(0);
    });
  }

  it('seed001.py prints the seed\'s own init digits', () => {
    const r = runPython(readFileSync(`${LABS}/seed001.py`, 'utf8'));
    expect(r.stdout).toContain("{'W1': array([[ 0.14901425, -0.04147929]]), 'b1': array([[0.19430656, 0.45690896]])");
  });

  it('seed003.py disagrees by ~6e-5 only because of the 1e-5 in its log: without it, it agrees', () => {
    const source = readFileSync(`${LABS}/seed003.py`, 'utf8');
    expect(runPython(source).stdout).toMatch(/FAIL w_o=[5-7]\.\de-05/);
    const r = runPython(source.replace('prediction + 0.00001', 'prediction + 0'));
    expect(r.stdout).toMatch(/stub-verify line \d+: ok/);
    expect(r.status).toBe(0);
  });

  const table = JSON.parse(readFileSync(`${LABS}/bug-hunt.json`, 'utf8')) as { bugs: BugCase[] };
  for (const bug of table.bugs.filter((b) => b.expect.params.length > 0 && b.lab !== 'seed003.py')) {
    it(`bug ${bug.id}: breaks ${bug.expect.params.join(', ')} under numpy too`, () => {
      const r = runPython(plant(readFileSync(`${LABS}/${bug.lab}`, 'utf8'), bug).source);
      expect(r.status).toBe(1);
      for (const p of bug.expect.params) {
        const raw = (new RegExp(`${p.replace(/[[\]]/g, '\\$&')}=(\\S+)`).exec(r.stdout.split('\n').find((l) => l.includes('FAIL')) ?? '')?.[1]);
        const rel = raw === 'inf' ? Infinity : Number(raw); // inf: the shape is wrong
        expect(rel).toBeGreaterThan(1e-4);
      }
    });
  }
});
