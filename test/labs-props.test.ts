// Properties: for any sizes and seeds, each lab's hand formula equals tapegrad's autodiff to ≤ 1e-9.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { autodiffGrads, maxRelDiff, toTensors } from '../src/labs/bridge.js';
import type { LabProblem } from '../src/labs/problems.js';
import * as P from '../src/labs/problems.js';
import { jacobians } from '../src/labs/seed004.js';
import { map } from '../src/labs/matrix.js';
import { runProblem } from '../src/labs/report.js';

function worst(p: LabProblem): number {
  const ad = autodiffGrads(toTensors(p.params), p.loss);
  const hand = p.hand(p.params);
  return Math.max(...Object.keys(p.params).map((k) => maxRelDiff(hand[k]?.data ?? [], ad[k] ?? new Float64Array())));
}

const dims = fc.record({
  seed: fc.integer({ min: 0, max: 1e6 }),
  nx: fc.integer({ min: 1, max: 12 }),
  nh: fc.integer({ min: 1, max: 9 }),
  ny: fc.integer({ min: 2, max: 6 }),
});
const batch = fc.integer({ min: 1, max: 6 });

describe('hand formulas equal autodiff for any sizes (property)', () => {
  it('seed 000 column-major MLP', () => {
    fc.assert(fc.property(dims, batch, (d, m) => worst(P.seed000Problem(m, d)) <= 1e-9), { numRuns: 40 });
  });

  it('seed 001 row-major MLP', () => {
    fc.assert(fc.property(dims, batch, (d, m) => worst(P.seed001Problem(d, m)) <= 1e-9), { numRuns: 40 });
  });

  it('seed 003 relu net', () => {
    fc.assert(fc.property(dims, batch, (d, n) => worst(P.seed003Problem(d, n)) <= 1e-9), { numRuns: 40 });
  });

  it('seed 004 curve net, any hidden sizes and number of points', () => {
    const opts = fc.record({
      seed: fc.integer({ min: 0, max: 1e6 }), points: fc.integer({ min: 1, max: 40 }),
      n1: fc.integer({ min: 1, max: 8 }), n2: fc.integer({ min: 1, max: 8 }),
    });
    fc.assert(fc.property(opts, (o) => worst(P.seed004Problem(jacobians, o)) <= 1e-9), { numRuns: 40 });
  });

  it('a sign flipped in any one of seed 004\'s Jacobians is flagged on exactly that parameter', () => {
    const names = ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'] as const;
    fc.assert(fc.property(fc.constantFrom(...names), fc.integer({ min: 0, max: 1e6 }), (name, seed) => {
      const base = P.seed004Problem(jacobians, { seed, points: 20 });
      const flipped: LabProblem = { ...base, hand: (q) => { const g = base.hand(q); const m = g[name]!; return { ...g, [name]: map(m, (v) => -v) }; } };
      const r = runProblem('flip', name, flipped);
      const flagged = r.rows.filter((row) => !row.verified).map((row) => row.param);
      return !r.ok && flagged.length === 1 && flagged[0] === name;
    }), { numRuns: 12 });
  });
});
