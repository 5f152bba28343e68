// `tapegrad verify`: the JSON summary parses and says ok; a failing seed or a missed bug makes it fail.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run, verifyAll } from '../src/cli/verify.js';
import type { SeedCheck } from '../src/labs/checks.js';
import { seedChecks } from '../src/labs/checks.js';
import { map } from '../src/labs/matrix.js';
import { seed004Problem } from '../src/labs/problems.js';
import { runProblem } from '../src/labs/report.js';
import { bugCases } from '../src/labs/bugs.js';

afterEach(() => vi.restoreAllMocks());

describe('tapegrad verify', () => {
  it('--json prints one JSON object on the last line, ok, every seed ≤ 1e-9 and every bug caught', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { lines.push(a.join(' ')); });
    const status = await run(['--json']);
    expect(lines.length).toBe(1);
    const out = JSON.parse(lines[lines.length - 1] ?? '') as {
      ok: boolean; summary: { seedsOk: number; seedsTotal: number; bugsCaught: number; bugsTotal: number; worstHandVsAutodiff: number };
      seeds: { name: string; ok: boolean; maxHandVsAutodiff: number }[]; bugs: { id: string; caught: boolean }[];
    };
    expect(out.ok).toBe(true);
    expect(status).toBe(0);
    expect(out.summary.seedsOk).toBe(out.summary.seedsTotal);
    expect(out.summary.seedsTotal).toBe(seedChecks().length);
    expect(out.summary.bugsCaught).toBe(out.summary.bugsTotal);
    expect(out.summary.bugsTotal).toBe(bugCases().length);
    expect(out.summary.worstHandVsAutodiff).toBeLessThanOrEqual(1e-9);
    expect(out.seeds.map((s) => s.name)).toEqual(seedChecks().map((c) => c.name));
  });

  it('prints the three-way tables and the bug verdicts through verifyAll', () => {
    const lines: string[] = [];
    const check = seedChecks().find((c) => c.name === 'seed004-curve');
    const bug = bugCases().find((b) => b.id === 'sign-slip');
    if (check === undefined || bug === undefined) throw new Error('missing check or bug');
    const r = verifyAll({ checks: [check], bugs: [bug], say: (l) => lines.push(l) });
    expect(r.ok).toBe(true);
    const text = lines.join('\n');
    expect(text).toMatch(/✓ seed004-curve/);
    expect(text).toMatch(/hand\s+autodiff\s+finite diff/);
    expect(text).toMatch(/✓ caught .*J_W3/);
    expect(text).toMatch(/sign flip/);
  });

  it('rejects unknown flags with status 2', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await run(['--jsn'])).toBe(2);
  });

  it('fails when a seed formula is wrong', () => {
    const base = seed004Problem();
    const broken: SeedCheck = {
      name: 'broken', title: 'J_b1 with a flipped sign',
      run: () => runProblem('broken', 'flipped', { ...base, hand: (p) => ({ ...base.hand(p), b1: map(base.hand(p).b1!, (v) => -v) }) }),
    };
    const r = verifyAll({ checks: [broken], bugs: [], say: () => {} });
    expect(r.ok).toBe(false);
    expect(r.seeds[0]?.rows.find((row) => row.param === 'b1')?.verified).toBe(false);
  });

  it('fails when a planted bug is missed, and when a check crashes', () => {
    const sign = bugCases().find((b) => b.id === 'sign-slip');
    if (sign === undefined) throw new Error('missing case');
    const missed = verifyAll({ checks: [], bugs: [{ ...sign, problem: () => seed004Problem() }], say: () => {} });
    expect(missed.ok).toBe(false);
    const crashed = verifyAll({ checks: [{ name: 'x', title: 'x', run: () => { throw new Error('boom'); } }], bugs: [], say: () => {} });
    expect(crashed.ok).toBe(false);
    expect(crashed.crashes[0]?.error).toBe('boom');
  });
});
