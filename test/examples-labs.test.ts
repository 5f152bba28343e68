// The seed examples and the bug hunt run, return success, and print what they claim.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main as seed000 } from '../examples/seed000-chain-rule.js';
import { main as seed001 } from '../examples/seed001-row-major.js';
import { main as seed002 } from '../examples/seed002-per-sample.js';
import { main as seed003 } from '../examples/seed003-relu.js';
import { main as seed004 } from '../examples/seed004-curve.js';
import { main as bugHunt } from '../examples/bug-hunt.js';

function capture(main: (log: (l: string) => void) => boolean): { ok: boolean; text: string } {
  const lines: string[] = [];
  const ok = main((l) => lines.push(l));
  return { ok, text: lines.join('\n') };
}

describe('seed examples', () => {
  it('seed 000 prints the factors, their product, autodiff and finite differences, and agrees', () => {
    const { ok, text } = capture(seed000);
    expect(ok).toBe(true);
    expect(text).toMatch(/∂J\/∂ŷ\s+= ŷ − y/);
    const grab = (label: string): number => Number(new RegExp(`^\\s+${label}\\s+(\\S+)$`, 'm').exec(text)?.[1]);
    const product = grab('product of factors');
    expect(grab('autodiff')).toBeCloseTo(product, 14);
    expect(Math.abs(grab('finite differences') - product)).toBeLessThan(1e-8);
    expect(text).toMatch(/✓ seed000-mlp/);
  });

  it('seed 001 agrees and shows the loop visiting 896 of 60000 samples', () => {
    const { ok, text } = capture(seed001);
    expect(ok).toBe(true);
    expect(text).toMatch(/896 samples visited of 60000 \(1\.49 %\)/);
    expect(text).toMatch(/✓ seed001-mlp/);
  });

  it('seed 002 agrees once fixed, catches the b3 bug, and shows raw pixels saturating', () => {
    const { ok, text } = capture(seed002);
    expect(ok).toBe(true);
    expect(text).toMatch(/✓ caught .*np\.dot/);
    const m = /raw 0–255 input: ([\d.]+) %\s+scaled 0–1 input: ([\d.]+) %/.exec(text);
    expect(Number(m?.[1])).toBeGreaterThan(50);
    expect(Number(m?.[2])).toBeLessThan(5);
  });

  it('seed 003 agrees and catches the (1 − y) slip on w_o', () => {
    const { ok, text } = capture(seed003);
    expect(ok).toBe(true);
    expect(text).toMatch(/flagged w_o/);
  });

  it('seed 004 agrees on all six Jacobians', () => {
    const { ok, text } = capture(seed004);
    expect(ok).toBe(true);
    for (const p of ['W1', 'b1', 'W2', 'b2', 'W3', 'b3']) expect(text).toMatch(new RegExp(`\\n  ${p} +\\[`));
  });

  it('the bug hunt prints a verdict per planted bug (the full hunt runs in the verify CLI test)', () => {
    const { ok, text } = capture((log) => bugHunt(log, ['seed002-dot-out', 'sign-slip']));
    expect(ok).toBe(true);
    expect(text.match(/✓ caught/g)?.length).toBe(2);
    expect(text).toMatch(/all 2 cases as expected/);
    expect(text).toMatch(/flagged W3: .*sign flip/);
  });

  it('runs as a script with npx tsx (exit 0)', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'examples/seed004-curve.ts'], { cwd: process.cwd() });
    expect(stdout).toMatch(/✓ seed004-curve/);
  });
});
