// The bug hunt: every planted mistake is flagged on the right parameter with the right diagnosis.
import { describe, expect, it } from 'vitest';
import type { BugCase } from '../src/labs/bugs.js';
import { bugCases, formatBug, runBug } from '../src/labs/bugs.js';
import { seed004Problem } from '../src/labs/problems.js';

describe('bug hunt', () => {
  for (const c of bugCases()) {
    it(c.expect.params.length > 0 ? `catches ${c.id} on ${c.expect.params.join(', ')}` : `does not flag ${c.id}`, () => {
      const r = runBug(c);
      expect(r.reasons, formatBug(r)).toEqual([]);
      expect(r.caught).toBe(true);
      expect(r.flagged.sort()).toEqual([...c.expect.params].sort());
      for (const f of r.found.filter((x) => c.expect.params.includes(x.param))) {
        if (c.expect.diagnosis !== undefined) expect(f.diagnosis ?? '').toMatch(c.expect.diagnosis);
        if (c.expect.element !== undefined) expect(f.element).toEqual(c.expect.element);
      }
      expect(formatBug(r)).toMatch(c.expect.params.length > 0 ? /^✓ caught/ : /^✓ cleared/);
    });
  }

  it('the b3 diagnosis says the loss does not depend on b3', () => {
    const c = bugCases().find((b) => b.id === 'seed002-dot-out');
    if (c === undefined) throw new Error('missing case');
    const r = runBug(c);
    expect(r.found[0]?.diagnosis ?? '').toMatch(/b3/);
    expect(r.report.rows.find((row) => row.param === 'b3')?.worst?.autodiff).toBe(0);
  });

  it('a correct formula planted as a "bug" is reported as missed, not caught', () => {
    const fake: BugCase = {
      id: 'not-a-bug', seed: '004', title: 'the correct J_W3', explanation: 'nothing is wrong',
      expect: { params: ['W3'], diagnosis: /sign/i }, problem: () => seed004Problem(),
    };
    const r = runBug(fake);
    expect(r.caught).toBe(false);
    expect(r.reasons).toContain('W3 not flagged');
    expect(formatBug(r)).toMatch(/^✗ missed/);
  });

  it('an expectation naming the wrong parameter is reported as missed', () => {
    const real = bugCases().find((b) => b.id === 'sign-slip');
    if (real === undefined) throw new Error('missing case');
    const r = runBug({ ...real, expect: { params: ['W2'] } });
    expect(r.caught).toBe(false);
    expect(r.reasons.join('; ')).toMatch(/W2 not flagged.*also flagged: W3/);
  });

  it('a real bug declared a false alarm is reported as missed', () => {
    const real = bugCases().find((b) => b.id === 'sign-slip');
    if (real === undefined) throw new Error('missing case');
    const r = runBug({ ...real, expect: { params: [] } });
    expect(r.caught).toBe(false);
    expect(r.reasons.join('; ')).toMatch(/also flagged: W3/);
  });
});
