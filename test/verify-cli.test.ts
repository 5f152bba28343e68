// `tapegrad verify`: the lab files run through the interpreter and agree; the bug hunt's planted
// slips are each named at their line; the JSON summary parses; a broken lab or a missed bug fails it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadLabs, run, verifyAll } from '../src/cli/verify.js';

afterEach(() => vi.restoreAllMocks());

describe('tapegrad verify', () => {
  it('--json prints one JSON object: ok, every lab agrees, every planted bug caught at its line', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { lines.push(a.join(' ')); });
    const status = await run(['--json']);
    expect(lines.length).toBe(1);
    const out = JSON.parse(lines[0] ?? '') as {
      ok: boolean; summary: { labsOk: number; labsTotal: number; bugsCaught: number; bugsTotal: number };
      bugs: { id: string; caught: boolean; reasons: string[] }[];
    };
    expect(out.bugs.filter((b) => !b.caught)).toEqual([]);
    expect(out.summary.labsOk).toBe(5);
    expect(out.summary.labsTotal).toBe(5);
    expect(out.summary.bugsCaught).toBe(loadLabs().bugs.length);
    expect(out.ok).toBe(true);
    expect(status).toBe(0);
  }, 120_000);

  it('rejects unknown flags with status 2', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await run(['--jsn'])).toBe(2);
  });

  it('fails when a lab is wrong, and when a planted bug is not caught as its row says', () => {
    const { labs, bugs } = loadLabs();
    const lab = labs.find((l) => l.name === 'seed004.py')!;
    const broken = { name: 'seed004.py', source: lab.source.replace('J = np.sum(J, axis=1, keepdims=True) / x.size\n    return J\n\ndef J_W2', 'J = -np.sum(J, axis=1, keepdims=True) / x.size\n    return J\n\ndef J_W2') };
    expect(broken.source).not.toBe(lab.source);
    expect(verifyAll({ labs: [broken], bugs: [], say: () => {} }).ok).toBe(false);
    const sign = bugs.find((b) => b.id === 'seed004-sign')!;
    const wrongLine = { ...sign, expect: { ...sign.expect, line: 'J = J * d_sigma(z3)' } };
    const r = verifyAll({ labs: [lab], bugs: [wrongLine], say: () => {} });
    expect(r.ok).toBe(false);
    expect(r.bugs[0]!.reasons.join(' ')).toMatch(/first wrong line \d+ `J = 2 \* \(y - a3\)`/);
  }, 60_000);
});
