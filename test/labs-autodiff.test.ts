// Each seed's hand formula against tapegrad's autodiff, element by element, to ≤ 1e-9 relative.
import { describe, expect, it } from 'vitest';
import { autodiffGrads, maxRelDiff, toTensors } from '../src/labs/bridge.js';
import type { LabProblem } from '../src/labs/problems.js';
import * as P from '../src/labs/problems.js';
import { map } from '../src/labs/matrix.js';
import { mnistRows } from '../src/labs/mnist-batch.js';

function handVsAutodiff(p: LabProblem): Record<string, number> {
  const ad = autodiffGrads(toTensors(p.params), p.loss);
  const hand = p.hand(p.params);
  return Object.fromEntries(Object.keys(p.params).map((k) => {
    const h = hand[k];
    const a = ad[k];
    if (h === undefined || a === undefined) throw new Error(`missing gradient for ${k}`);
    return [k, maxRelDiff(h.data, a)];
  }));
}

const cases: [string, () => LabProblem][] = [
  ['seed 000 scalar chain', P.scalarChainProblem],
  ['seed 000 column-major MLP', () => P.seed000Problem()],
  ['seed 001 row-major MLP', () => P.seed001Problem()],
  ['seed 002 per-sample net (fixed forward)', () => P.seed002Problem()],
  ['seed 003 relu net', () => P.seed003Problem()],
  ['seed 004 curve net', () => P.seed004Problem()],
];

describe('hand formulas agree with autodiff', () => {
  for (const [name, make] of cases) {
    it(name, () => {
      const rel = handVsAutodiff(make());
      for (const [k, r] of Object.entries(rel)) expect(r, `${name} ${k}`).toBeLessThanOrEqual(1e-9);
    });
  }

  it('the buggy seed 002 forward leaves b3 with a zero autodiff gradient', () => {
    const p = P.seed002Problem({ buggy: true });
    const ad = autodiffGrads(toTensors(p.params), p.loss);
    expect(Array.from(ad.b3 ?? []).every((v) => v === 0)).toBe(true);
    const rel = handVsAutodiff(p);
    expect(rel.b3).toBe(Infinity);
    expect(rel.W3).toBeLessThanOrEqual(1e-9);
  });

  it('would notice a flipped sign in a copy of a lab formula', () => {
    const base = P.seed004Problem();
    const flipped: LabProblem = { ...base, hand: (q) => ({ ...base.hand(q), b2: map(base.hand(q).b2!, (v) => -v) }) };
    const rel = handVsAutodiff(flipped);
    expect(rel.b2).toBeGreaterThan(1.9);
    expect(rel.W2).toBeLessThanOrEqual(1e-9);
  });
});

describe('seed checks use real MNIST images', () => {
  it('the first 8 test images, scaled to [0,1], with their labels', () => {
    const r = mnistRows(8);
    expect(r).not.toBeNull();
    expect(r?.labels).toEqual([7, 2, 1, 0, 4, 1, 4, 9]);
    expect([r?.rows.rows, r?.rows.cols]).toEqual([8, 784]);
    const values = Array.from(r?.rows.data ?? []);
    expect(Math.min(...values)).toBe(0);
    expect(Math.max(...values)).toBe(1);
    expect(P.seed000Problem().data).toMatch(/first 8 MNIST test images/);
    expect(P.seed000Problem(4, { nx: 5, ny: 3 }).data).toMatch(/synthetic/);
  });
});
