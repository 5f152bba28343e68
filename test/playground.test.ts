/** The playground's language, stepper and checks, in Node (the browser test drives the page itself). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatNumber as vizNumber, tensor, valueAndGrad } from '../src/index.js';
import { SourceError, parseExpression, parseProgram } from '../playground/src/parser.js';
import { evaluate } from '../playground/src/evaluate.js';
import { handGradient, lossFunction, paramsOf, parseValues, runForward } from '../playground/src/program.js';
import { gradientsAfter, traceBackward } from '../playground/src/stepper.js';
import { compareWithFiniteDifferences, verifyHandGradient } from '../playground/src/checks.js';
import { graphDot } from '../playground/src/dot.js';
import { PRESETS } from '../playground/src/presets.js';
import { steepestDescent } from '../playground/src/train.js';
import { curveSvg, lossSvg } from '../playground/src/plot.js';

const num = (src: string, scope: Record<string, number> = {}): number => {
  const v = evaluate(parseExpression(src), new Map(Object.entries(scope)), src);
  if (typeof v !== 'number') throw new Error('expected a number');
  return v;
};

const error = (f: () => unknown): SourceError => {
  try {
    f();
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw e;
  }
  throw new Error('expected a SourceError');
};

describe('playground parser', () => {
  it('follows maths precedence: unary minus below ^, ^ right-associative, * before +', () => {
    expect(num('-2^2')).toBe(-4);
    expect(num('2^3^2')).toBe(512);
    expect(num('1 + 2*3 - 4/2')).toBe(5);
    expect(num('(1 + 2)*3')).toBe(9);
    expect(num('2**3 − 1')).toBe(7);
    expect(num('-x*-y', { x: 2, y: 3 })).toBe(6);
  });

  it('agrees with JavaScript on random + − * / trees', () => {
    const leaf = fc.integer({ min: 1, max: 9 }).map(String);
    const tree = fc.letrec((tie) => ({
      e: fc.oneof({ depthSize: 'small' }, leaf, fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/'), tie('e')).map(([a, o, b]) => `(${a} ${o} ${b})`)),
    })).e as fc.Arbitrary<string>;
    fc.assert(fc.property(tree, (src) => {
      // eslint-disable-next-line no-new-func
      expect(num(src)).toBeCloseTo(Function(`return ${src}`)() as number, 9);
    }), { numRuns: 200 });
  });

  it('reports syntax errors with their position', () => {
    const e = error(() => parseProgram('0.5*(sigmoid(w1*x1) - y'));
    expect(e.message).toMatch(/expected '\)'.*end of input/);
    expect(e.start).toBe(23);
    const juxt = error(() => parseProgram('2 w'));
    expect(juxt.message).toMatch(/write \* for multiplication.*column 3/);
    expect(juxt.start).toBe(2);
    expect(error(() => parseProgram('w = 1\nz = w $ 2')).message).toMatch(/unexpected character '\$' at line 2, column 7/);
  });

  it('names unknown names and functions, and shape mismatches, with the sub-expression', () => {
    const [w] = parseValues('w = [1, 2, 3]');
    expect(error(() => runForward('sum(w * q)', [w!])).message).toMatch(/unknown name 'q'.*known names: w/);
    expect(error(() => runForward('sigmod(w)', [w!])).message).toMatch(/unknown function 'sigmod'/);
    // [3] @ [3] is numpy-legal (an inner product); [2,2] @ [3] is not.
    const [m] = parseValues('m = [[1, 2], [3, 4]]');
    const shape = error(() => runForward('sum(m @ w)', [w!, m!]));
    expect(shape.message).toMatch(/matmul: cannot multiply \[2,2\] by \[3\].*\(in 'm @ w'/);
    expect(error(() => runForward('w * 2', [w!])).message).toMatch(/shape \[3\].*sum\(…\)/);
  });
});

describe('playground program, stepper and checks', () => {
  const seed = PRESETS.find((p) => p.id === 'seed000')!;

  it('the seed 000 chain: stepping backward ends at the engine gradient and the seed formula', () => {
    const values = parseValues(seed.values);
    const fwd = runForward(seed.expression, values);
    const trace = traceBackward(fwd.loss);
    expect(trace.steps.map((s) => s.record.op)).toEqual(['mul', 'pow', 'sub', 'sigmoid', 'mul', 'sigmoid', 'mul']);
    const w1 = values.find((v) => v.name === 'w1')!.tensor;
    expect(gradientsAfter(trace, 0).has(w1)).toBe(false);
    const stepped = gradientsAfter(trace, trace.steps.length).get(w1)!.item();
    const engine = valueAndGrad((w: typeof w1) => lossFunction(seed.expression, values)({ ...paramsOf(values), w1: w }))(w1).grads[0]!.item();
    expect(stepped).toBe(engine);
    // Seed 000's formula (ŷ − y)·ŷ(1 − ŷ)·w2·a1(1 − a1)·x1 at w1 = 0.5, w2 = −1.2, x1 = 2, y = 1.
    const sig = (z: number): number => 1 / (1 + Math.exp(-z));
    const a1 = sig(0.5 * 2);
    const yhat = sig(-1.2 * a1);
    expect(stepped).toBeCloseTo((yhat - 1) * yhat * (1 - yhat) * -1.2 * a1 * (1 - a1) * 2, 14);
  });

  it('sums gradients where a value is used twice', () => {
    const values = parseValues('w = 3');
    const trace = traceBackward(runForward('w*w + w', values).loss);
    expect(gradientsAfter(trace, trace.steps.length).get(values[0]!.tensor)!.item()).toBe(7);
  });

  it('every preset: hand gradient verified, autodiff matches finite differences', () => {
    for (const p of PRESETS) {
      const values = parseValues(p.values);
      const loss = lossFunction(p.expression, values);
      const report = verifyHandGradient(loss, paramsOf(values), handGradient(p.hand, p.expression, values));
      expect(report.ok, `${p.id}\n${report.toString()}`).toBe(true);
      expect(report.params.length).toBe(Object.keys(paramsOf(values)).length === 6 ? 6 : report.params.length);
    }
  });

  it('flags a broken hand formula and names the factor', () => {
    const values = parseValues(seed.values);
    const broken = seed.hand.replace('dw2 = (yhat - y)', 'dw2 = 2*(yhat - y)');
    const report = verifyHandGradient(lossFunction(seed.expression, values), paramsOf(values), handGradient(broken, seed.expression, values));
    expect(report.ok).toBe(false);
    const w2 = report.params.find((e) => e.name === 'w2')!;
    expect(w2.ok).toBe(false);
    expect(w2.diagnosis).toMatch(/hand formula disagrees.*×2/);
    expect(report.params.find((e) => e.name === 'w1')!.ok).toBe(true);
    expect(report.toString()).toMatch(/FAIL w2 \(worst w2\)/);

    const mlp = PRESETS.find((p) => p.id === 'mlp')!;
    const mv = parseValues(mlp.values);
    const halved = mlp.hand.replace('dP = 2*(P - Y) / m', 'dP = (P - Y) / m');
    const r2 = verifyHandGradient(lossFunction(mlp.expression, mv), paramsOf(mv), handGradient(halved, mlp.expression, mv));
    expect(r2.params.find((e) => e.name === 'W1')!.diagnosis).toMatch(/×1\/2 autodiff — a missing factor 2/);
    expect(r2.toString()).toMatch(/FAIL W1 \(worst W1\[\d,\d\]\)/);
  });

  it('a hand gradient of the wrong shape is an error naming both shapes', () => {
    const values = parseValues('W = [[1, 2], [3, 4]]');
    const f = handGradient('dW = [1, 2]', 'sum(W*W)', values);
    expect(error(() => f(paramsOf(values))).message).toMatch(/dW has shape \[2\] but W has shape \[2,2\]/);
    const [w] = parseValues('w = 3');
    const typed = handGradient('dw = 6.0', 'w*w', [w!]);
    expect(typed({ w: w!.tensor }).w!.item()).toBe(6); // a plain number is a hand gradient too
  });

  it('finite differences catch a wrong autodiff (a sanity check on the checker)', () => {
    const w = tensor(1.5, { requiresGrad: true });
    const cmp = compareWithFiniteDifferences((p) => p.w!.mul(p.w!).mul(p.w!), { w });
    expect(cmp[0]!.numerical[0]).toBeCloseTo(3 * 1.5 ** 2, 6);
    expect(cmp[0]!.ok).toBe(true);
  });

  it('draws the graph (toDot) with values, gradients so far, formulas, the stepped op and the verdicts', () => {
    const values = parseValues(seed.values);
    const fwd = runForward(seed.expression, values);
    const trace = traceBackward(fwd.loss);
    const before = graphDot({ trace, done: 0 });
    expect(before).toContain('a1 = sigmoid');
    expect(before).not.toMatch(/L0 \[label="w1[^\]]*grad/);
    expect(before).toMatch(/N6 \[style="rounded,filled,dashed"/); // the loss op is next
    const dw1 = gradientsAfter(trace, trace.steps.length).get(values[0]!.tensor)!.item();
    const report = { ok: false, params: [{ name: 'w1', ok: false, worst: { index: [], manual: 1, autodiff: dw1, numerical: dw1 } }] };
    const after = graphDot({ trace, done: trace.steps.length, report });
    expect(after).toMatch(new RegExp(`L0 \\[label="w1[^\\]]*grad ${vizNumber(dw1).replace('.', '\\.')}`));
    expect(after).toContain('g · y · (1 − y)');
    expect(after).toMatch(/L0 \[[^\]]*color="#dc2626"/);
    expect(after).toMatch(/N0 \[fillcolor="#fdba74"/); // the last step is the first op of the tape
    expect(after.trim().endsWith('}')).toBe(true);
  });

  it('steepest descent updates the parameters in place and refuses bad rates', () => {
    const [w] = parseValues('w = 3');
    const d = steepestDescent(lossFunction('w*w', [w!]), paramsOf([w!]), 0.25);
    expect(d.advance(1000, 1)).toEqual([9]);
    expect(w!.tensor.item()).toBe(1.5); // 3 − 0.25·6
    const losses = d.advance(1000, 40);
    expect(losses.length).toBe(40);
    expect(losses[39]!).toBeLessThan(1e-20);
    expect(() => steepestDescent(lossFunction('w*w', [w!]), paramsOf([w!]), -1)).toThrow(/rate must be a positive number/);
    const big = parseValues('w = 1');
    const blowUp = steepestDescent(lossFunction('exp(w*w)', big), paramsOf(big), 100);
    expect(() => blowUp.advance(1000, 10)).toThrow(/loss became Infinity.*lower the rate/);
  });

  it('plots: one target dot per point, the prediction as one line, the loss on a log scale', () => {
    const svg = curveSvg(new Float64Array([0.1, 0.5, 0.9, 0.2, 0.6, 0.8]), new Float64Array([0, 0.5, 1, 0, 0.5, 1]), 3);
    expect(svg.match(/<circle/g)!.length).toBe(3);
    // x = 24 + 232·v, y = 256 − 232·v: the unit square inside a 24 px margin, y up.
    expect(svg).toContain('points="47.2,209.6 140.0,116.8 232.8,70.4"');
    expect(lossSvg([1])).not.toContain('polyline');
    expect(lossSvg([1, 0.1, 0.01])).toContain('loss (log scale): 0.01000');
  });
});
