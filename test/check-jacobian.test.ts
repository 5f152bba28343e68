// verifyJacobian: numerator layout, a denominator-layout hand Jacobian named, planted slips diagnosed.
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../src/index.js';
import { JACOBIAN_LAYOUT, verifyJacobian } from '../src/check/index.js';

const x = [0.5, -1, 2];
const params = () => ({ W: tensor([[0.3, 0.7, -0.2], [-0.5, 0.1, 0.4]]), b: tensor([0.1, -0.3]) });
const outputs = (p: Record<string, Tensor>) => p.W!.matmul(tensor([[0.5], [-1], [2]])).reshape([2]).add(p.b!).sigmoid();

/** J_W[i,k,l] = σ'(z_i)·[i=k]·x_l and J_b[i,k] = σ'(z_i)·[i=k], by hand. */
function handJacobians(p: Record<string, Tensor>) {
  const W = p.W!.toArray() as number[][];
  const b = p.b!.toArray() as number[];
  const ds = W.map((row, i) => {
    const z = row.reduce((s, w, l) => s + w * x[l]!, 0) + b[i]!;
    const s = 1 / (1 + Math.exp(-z));
    return s * (1 - s);
  });
  const JW = ds.map((d, i) => W.map((row, k) => row.map((_, l) => (i === k ? d * x[l]! : 0))));
  const Jb = ds.map((d, i) => b.map((_, k) => (i === k ? d : 0)));
  return { JW, Jb };
}

describe('verifyJacobian', () => {
  it('agrees on correct hand Jacobians and states the layout', () => {
    const r = verifyJacobian({ params: params(), outputs, manual: (p) => {
      const { JW, Jb } = handJacobians(p);
      return { J_W: JW, J_b: Jb };
    } });
    expect(r.ok).toBe(true);
    expect(r.params.map((q) => [q.name, q.shape])).toEqual([['J_W', [2, 2, 3]], ['J_b', [2, 2]]]);
    expect(r.layout).toBe(JACOBIAN_LAYOUT);
    expect(String(r)).toContain('layout: numerator layout');
    expect(r.evaluations).toBe(1 + 2 * 8);
  });

  it('names a hand Jacobian in denominator layout', () => {
    const r = verifyJacobian({ params: params(), outputs, manual: (p) => {
      const { JW, Jb } = handJacobians(p);
      // [param..., output...]: J_W[k,l,i]
      const den = JW[0]!.map((row, k) => row.map((_, l) => JW.map((Ji) => Ji[k]![l]!)));
      return { J_W: den, J_b: Jb };
    } });
    const jw = r.params[0]!;
    expect(jw.ok).toBe(false);
    expect(jw.diagnosisKind).toBe('transpose');
    expect(jw.diagnosis).toContain('J_W has shape [2,3,2], the denominator layout');
    expect(jw.diagnosis).toContain('the right Jacobian in the other layout');
    expect(r.params[1]!.ok).toBe(true);
  });

  it('a single wrong Jacobian entry is named', () => {
    const r = verifyJacobian({ params: params(), outputs, manual: (p) => {
      const { JW, Jb } = handJacobians(p);
      Jb[0]![1] = 0.01; // an off-diagonal entry that should be 0
      return { J_W: JW, J_b: Jb };
    } });
    expect(r.params[1]!.ok).toBe(false);
    expect(r.params[1]!.diagnosis).toContain('only J_b[0,1] is wrong');
  });

  it('a wrong factor in a Jacobian is named', () => {
    const r = verifyJacobian({ params: params(), outputs, manual: (p) => {
      const { JW, Jb } = handJacobians(p);
      return { J_W: JW.map((a) => a.map((r) => r.map((v) => -v))), J_b: Jb };
    } });
    expect(r.params[0]!.diagnosisKind).toBe('sign');
    expect(r.params[0]!.agree).toEqual({ manualVsAutodiff: false, autodiffVsNumerical: true, manualVsNumerical: false });
  });
});
