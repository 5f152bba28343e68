/** The playground's language, stepper and checks, in Node (the browser test drives the page itself). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatNumber as vizNumber, square, tensor, valueAndGrad } from '../src/index.js';
import { SourceError, parseExpression, parseProgram } from '../playground/src/parser.js';
import { evaluate } from '../playground/src/evaluate.js';
import { handGradient, lossFunction, paramsOf, parseValues, runForward } from '../playground/src/program.js';
import { gradientsAfter, traceBackward } from '../playground/src/stepper.js';
import { compareWithFiniteDifferences, verifyHandGradient } from '../playground/src/checks.js';
import { graphDot } from '../playground/src/dot.js';
import { PRESETS } from '../playground/src/presets.js';
import { steepestDescent } from '../playground/src/train.js';
import { curveSvg, decimate, lossSvg } from '../playground/src/plot.js';
import { describeStep, firstNonFinite, inputsOfLoss, namerFor } from '../playground/src/chain.js';
import { lossHeadline, plainVerdict, rowVerdict, staleNote } from '../playground/src/honest.js';
import { createWorkerCore, type Reply } from '../playground/src/worker.js';

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

  it('draws the graph (toDot) with values, gradients so far, the stepped op and the verdicts (formulas live in the step text)', () => {
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
    expect(after).not.toContain('g · y · (1 − y)'); // the formulas are in the step text, in the user's names
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
    const blowUpEager = steepestDescent(lossFunction('exp(w*w)', parseValues('w = 1')), paramsOf(parseValues('w = 1')), 100, { compile: false });
    expect(() => blowUpEager.advance(1000, 10)).toThrow(/loss became Infinity after 1 iterations/);
  });

  /** Runs `iterations` of steepest descent on a fresh copy of the boxes; returns the losses and the final parameters. */
  const descend = (values: string, expression: string, rate: number, iterations: number, compile: boolean) => {
    const vs = parseValues(values);
    const d = steepestDescent(lossFunction(expression, vs), paramsOf(vs), rate, { compile });
    const losses: number[] = [];
    // Several slices, as the worker runs them: the compiled step is traced once, then replayed.
    while (losses.length < iterations) losses.push(...d.advance(1e9, Math.min(37, iterations - losses.length)));
    return { losses, mode: d.mode, params: vs.filter((v) => !v.data).map((v) => [v.name, [...v.tensor.storage]]) };
  };

  it('compiles the descent when it can: the same losses and parameters, bit for bit, as the eager descent', () => {
    for (const p of PRESETS) {
      const iterations = p.id === 'seed004' ? 150 : 60;
      const eager = descend(p.values, p.expression, p.rate, iterations, false);
      const compiled = descend(p.values, p.expression, p.rate, iterations, true);
      expect(eager.mode).toBe('eager');
      expect(compiled.mode, p.id).toBe('compiled');
      expect(compiled.losses, p.id).toEqual(eager.losses);
      expect(compiled.params, p.id).toEqual(eager.params);
      expect(eager.losses[iterations - 1]!, p.id).toBeLessThan(eager.losses[0]!);
    }
  });

  it('compiled descent equals eager on random small networks (property)', () => {
    const acts = ['sigmoid', 'tanh', 'relu', 'exp'] as const;
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }),
      fc.constantFrom(...acts), fc.constantFrom('mean((P - Y)^2)', 'sum(abs(P - Y)) / size(Y)', 'mean(max(P, 1) ^ 2)'),
      fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.001, max: 0.5, noNaN: true }),
      (inputs, hidden, n, act, loss, seed, rate) => {
        const values = [
          `data X = randn(${inputs}, ${n}, ${seed})`, `data Y = randn(1, ${n}, ${seed + 1})`,
          `W1 = randn(${hidden}, ${inputs}, ${seed + 2}) * 0.5`, `b1 = randn(${hidden}, 1, ${seed + 3})`,
          `W2 = randn(1, ${hidden}, ${seed + 4}) * 0.5`, 'b2 = zeros(1, 1)',
        ].join('\n');
        const expression = `H = ${act}(W1 @ X + b1)\nP = W2 @ H + b2\nL = ${loss}`;
        const run = (compile: boolean): ReturnType<typeof descend> | string => {
          try {
            return descend(values, expression, rate, 12, compile);
          } catch (e) {
            return (e as Error).message; // exp may blow up: then both must fail alike
          }
        };
        const eager = run(false);
        const compiled = run(true);
        expect(compiled).toEqual(typeof eager === 'string' ? eager : { ...eager, mode: 'compiled' });
      },
    ), { numRuns: 40 });
  });

  it('falls back to the eager descent, with the same numbers, when compile refuses the program', () => {
    // sum(…, k) reads k's value: a replay could not follow a change of it, so compile refuses while tracing.
    const values = 'w = [[1, 2], [3, 4]]\ndata k = 1';
    const expression = 'sum(sum(w*w, k)) / 10';
    const eager = descend(values, expression, 0.1, 30, false);
    const fallback = descend(values, expression, 0.1, 30, true);
    expect(fallback.mode).toBe('eager');
    expect(fallback).toEqual(eager);
    // The refusal is compile's own error (the trigger for the fallback), and nothing else is swallowed.
    const vs = parseValues(values);
    expect(() => steepestDescent(lossFunction('sum(w, 5)', vs), paramsOf(vs), 0.1).advance(1e9, 1)).toThrow(/axis|sum/);
  });

  it('plots: one target dot per point, the prediction as one line, the loss on a log scale', () => {
    const svg = curveSvg(new Float64Array([0.1, 0.5, 0.9, 0.2, 0.6, 0.8]), new Float64Array([0, 0.5, 1, 0, 0.5, 1]), 3);
    expect(svg.match(/<circle/g)!.length).toBe(3);
    // x = 24 + 232·v, y = 256 − 232·v: the unit square inside a 24 px margin, y up.
    expect(svg).toContain('points="47.2,209.6 140.0,116.8 232.8,70.4"');
    expect(lossSvg([1])).not.toContain('polyline');
    expect(lossSvg([1, 0.1, 0.01])).toContain('loss (log scale), iteration 3: 0.01000');
  });
});

/** The names the page gives a program's tensors: the user's names, else the sub-expression's text. */
function stepped(valuesSrc: string, expression: string) {
  const values = parseValues(valuesSrc);
  const fwd = runForward(expression, values);
  const names = new Map([...fwd.texts, ...fwd.labels]);
  return { values, fwd, trace: traceBackward(fwd.loss), name: namerFor(names) };
}

describe('playground chain-rule text', () => {
  const seed = PRESETS.find((p) => p.id === 'seed000')!;

  it('seed 000: every step in the user\'s names with the numbers substituted', () => {
    const { trace, name } = stepped(seed.values, seed.expression);
    const at = (k: number) => describeStep(trace, k, name, 'J');
    // python3 -c "import math;s=lambda z:1/(1+math.exp(-z));a1=s(1);yh=s(-1.2*a1);gz2=(yh-1)*yh*(1-yh);print(yh-1,gz2,gz2*-1.2,gz2*a1,gz2*-1.2*a1*(1-a1)*2)"
    // → -0.706256 -0.146519 0.175823 -0.107114 0.0691376
    expect(at(1).title).toBe('J = 0.5 · ((yhat - y)^2)');
    expect(at(1).upstream).toBe('∂J/∂J = 1 (the backward pass starts here)');
    expect(at(1).inputs.map((l) => l.text)).toEqual(['0.5: a constant, no gradient', '∂J/∂((yhat - y)^2) = ∂J/∂J · 0.5 = 1 × 0.5 = 0.5']);
    expect(at(2).inputs[0]!.text).toBe('∂J/∂(yhat - y) = ∂J/∂((yhat - y)^2) · 2 · (yhat - y)^(2−1) = 0.5 × 2 × (−0.7063)^(2−1) = −0.7063');
    expect(at(3).inputs.map((l) => l.text)).toEqual(['∂J/∂yhat = ∂J/∂(yhat - y) = −0.7063', 'y: data, no gradient']);
    expect(at(4).title).toBe('yhat = sigmoid(z2)');
    expect(at(4).inputs[0]!.text).toBe('∂J/∂z2 = ∂J/∂yhat · yhat · (1 − yhat) = −0.7063 × 0.2937 × (1 − 0.2937) = −0.1465');
    expect(at(5).title).toBe('z2 = w2 · a1');
    expect(at(5).upstream).toBe('∂J/∂z2 = −0.1465');
    expect(at(5).inputs.map((l) => l.text)).toEqual([
      '∂J/∂w2 = ∂J/∂z2 · a1 = −0.1465 × 0.7311 = −0.1071',
      '∂J/∂a1 = ∂J/∂z2 · w2 = −0.1465 × −1.2 = 0.1758',
    ]);
    expect(at(7).inputs[0]!.text).toBe('∂J/∂w1 = ∂J/∂z1 · x1 = 0.03457 × 2 = 0.06914');
    expect(at(7).scalar).toBe(true);
    expect(() => describeStep(trace, 8, name, 'J')).toThrow(/step 8 is outside 1…7/);
  });

  it('a negative value after a minus gets parentheses: 1 − (−0.5)', () => {
    const { trace, name } = stepped('w = -0.5', 'L = 1 - w');
    expect(describeStep(trace, 1, name, 'L').inputs[1]!.text).toBe('∂L/∂w = −∂L/∂L = −1');
    const sq = stepped('w = -0.5', 'L = w^2');
    expect(describeStep(sq.trace, 1, sq.name, 'L').inputs[0]!.text).toBe('∂L/∂w = ∂L/∂L · 2 · w^(2−1) = 1 × 2 × (−0.5)^(2−1) = −1');
  });

  it('a coefficient against its letter (square\'s g · 2x) gets the value, not a dangling x', () => {
    const [w] = parseValues('w = -0.5');
    const loss = square(w!.tensor);
    const trace = traceBackward(loss);
    const name = namerFor(new Map([[w!.tensor, 'w'], [loss, 'L']]));
    expect(describeStep(trace, 1, name, 'L').inputs[0]!.text).toBe('∂L/∂w = ∂L/∂L · 2 · w = 1 × 2 × −0.5 = −1');
  });

  it('paths that meet are summed, written out with each path', () => {
    const { trace, name } = stepped('w = 3', 'L = w*w + w');
    const first = describeStep(trace, 1, name, 'L');
    expect(first.inputs.map((l) => l.text)).toEqual(['∂L/∂(w*w) = ∂L/∂L = 1', '∂L/∂w = ∂L/∂L = 1']);
    const second = describeStep(trace, 2, name, 'L');
    expect(second.inputs.map((l) => l.meet)).toEqual([
      'paths meet at w: ∂L/∂w so far = 1 (via L) + 3 (via w*w) = 4',
      'paths meet at w: ∂L/∂w so far = 1 (via L) + 3 (via w*w) + 3 (via w*w) = 7',
    ]);
    // Two paths into one intermediate: its upstream is shown as their sum.
    const meet = stepped('w = 2', 'u = w*3\nL = u*u');
    expect(describeStep(meet.trace, 2, meet.name, 'L').upstream).toBe('2 paths meet at u: ∂L/∂u = 6 (via L) + 6 (via L) = 12');
  });

  it('tensor steps show shapes and a summary, not the numbers', () => {
    const p = PRESETS.find((x) => x.id === 'seed004')!;
    const { trace, name } = stepped(p.values, p.expression);
    const w3 = describeStep(trace, 7, name, 'C');
    expect(w3.title).toBe('W3 @ a2'); // an unnamed step is named once, by its own text
    expect(describeStep(trace, 5, name, 'C').title).toBe('a3 = sigmoid(W3 @ a2 + b3)');
    expect(w3.scalar).toBe(false);
    expect(w3.inputs[0]!.text).toMatch(/^∂C\/∂W3 = ∂C\/∂\(W3 @ a2\) · a2ᵀ {3}\[∂C\/∂\(W3 @ a2\) is 2×100, a2 is 7×100\] {3}→ 2×7 in \[−?[\d.]+, [\d.]+\]$/);
    const bias = describeStep(trace, 6, name, 'C').inputs[1]!.text;
    expect(bias).toMatch(/^∂C\/∂b3 = ∂C\/∂\(W3 @ a2 \+ b3\) .*\(summed over the broadcast axes to b3's shape 2×1\)$/);
  });

  it('names NaN/∞ where it first appears, and finds parameters outside the loss', () => {
    const { fwd, name, values } = stepped('w = -1\nv = 2\ndata x = 2', 'u = log(w)\nL = u*x');
    expect(firstNonFinite(fwd.loss, name)).toEqual({ name: 'u', op: 'log(w)', value: 'NaN' });
    const inLoss = inputsOfLoss(fwd.loss);
    expect(values.map((v) => inLoss.has(v.tensor))).toEqual([true, false, true]);
    const fine = stepped('w = 1', 'L = exp(w)');
    expect(firstNonFinite(fine.fwd.loss, fine.name)).toBeNull();
    const big = stepped('w = 800', 'L = exp(w)');
    expect(firstNonFinite(big.fwd.loss, big.name)).toEqual({ name: 'L', op: 'exp(w)', value: '∞' });
  });
});

describe('playground honest state', () => {
  it('the loss headline names NaN and ∞ and where they began', () => {
    expect(lossHeadline('J', 0.24939893815455527, null, 7)).toEqual({ text: 'J = 0.24939894 · 7 ops on the tape', bad: false });
    const nan = lossHeadline('L', NaN, { name: 'u', op: 'log(w)', value: 'NaN' }, 2);
    expect(nan.bad).toBe(true);
    expect(nan.text).toBe('L is NaN (not a number): the first non-finite value is u = log(w) (NaN); no gradient or check is meaningful until it is finite');
    expect(lossHeadline('L', Infinity, { name: 'L', op: 'exp(w)', value: '∞' }, 1).text).toMatch(/^L is ∞ \(overflow\): it first appears in L = exp\(w\);/);
  });

  it('a row verdict: not in the loss before a non-finite loss before the hand verdict before autodiff vs FD', () => {
    const c = { name: 'v', ok: false };
    expect(rowVerdict(c, { inLoss: false, lossFinite: false }).cls).toBe('unused');
    expect(rowVerdict(c, { inLoss: false, lossFinite: true }).text).toBe('not in the loss');
    expect(rowVerdict(c, { inLoss: true, lossFinite: false }).text).toBe('loss not finite');
    expect(rowVerdict(c, { inLoss: true, lossFinite: true, hand: { ok: true } }).text).toBe('✓ yours agrees');
    expect(rowVerdict(c, { inLoss: true, lossFinite: true, hand: { ok: false, diagnosis: 'x' } })).toEqual({ text: '✗ yours is wrong', cls: 'bad', title: 'x' });
    expect(rowVerdict(c, { inLoss: true, lossFinite: true }).text).toBe('✗ autodiff ≠ FD');
    expect(rowVerdict({ name: 'w', ok: true }, { inLoss: true, lossFinite: true }).text).toBe('autodiff = FD');
  });

  it('the stale note names the box', () => {
    expect(staleNote('expression')).toBe('The Loss box has an error (see below it): nothing here is up to date until it is fixed.');
    expect(staleNote('hand')).toMatch(/^The Your gradient box/);
  });
});

describe('playground worker protocol (the message handler, run in Node)', () => {
  const seed = PRESETS.find((p) => p.id === 'seed000')!;
  const run = async (request: Parameters<ReturnType<typeof createWorkerCore>['handle']>[0]): Promise<Reply[]> => {
    const replies: Reply[] = [];
    await createWorkerCore((r) => replies.push(r)).handle(request);
    return replies;
  };

  it('check: finite differences per element and verifyGradients\' verdict in plain words', async () => {
    const dropped = 'dw1 = (yhat - y) * yhat*(1 - yhat) * w2 * x1\ndw2 = (yhat - y) * yhat*(1 - yhat) * a1';
    const [reply] = await run({ id: 7, kind: 'check', values: seed.values, expression: seed.expression, hand: dropped });
    if (reply?.kind !== 'checked') throw new Error(`expected a checked reply, got ${JSON.stringify(reply)}`);
    expect(reply.id).toBe(7);
    const w1 = reply.comparisons.find((c) => c.name === 'w1')!;
    expect(w1.numerical[0]).toBeCloseTo(0.0691376097520507, 8); // python3 reference in the chain-rule test
    expect(w1.ok).toBe(true);
    expect(reply.hand!['w1']![0]).toBeCloseTo(0.0691376097520507 / 0.19661193324148185, 12); // σ′(1) left out
    expect(reply.report!.ok).toBe(false);
    expect(plainVerdict(reply.report!, ['w1', 'w2'])).toEqual([
      '✗ dw1 is wrong: it leaves out σ′(z1) = a1(1 − a1) = 0.1966, the derivative of the inner sigmoid (hand ÷ autodiff = 5.086).',
      '✓ dw2 agrees with autodiff and finite differences.',
    ]);
    expect(reply.report!.text).toMatch(/FAIL w1 \(worst w1\)/);
  });

  it('train: one loss per iteration, in order, and the trained parameters', async () => {
    const replies = await run({ id: 1, kind: 'train', values: 'w = 3', expression: 'w*w', rate: 0.25, iterations: 5 });
    const losses = replies.flatMap((r) => (r.kind === 'progress' ? [...r.losses] : []));
    expect(losses).toEqual([9, 2.25, 0.5625, 0.140625, 0.03515625]); // w halves each step: 3, 1.5, 0.75, …
    const last = replies[replies.length - 1]!;
    expect(last).toMatchObject({ id: 1, kind: 'trained', done: 5, total: 5, stopped: false });
    if (last.kind === 'trained') expect(last.params['w']![0]).toBe(0.09375);
    // Overrides: training continues from given parameters, not from the values box.
    const more = await run({ id: 2, kind: 'train', values: 'w = 3', expression: 'w*w', rate: 0.25, iterations: 1, overrides: { w: Float64Array.of(1) } });
    expect(more.flatMap((r) => (r.kind === 'progress' ? [...r.losses] : []))).toEqual([1]);
  });

  it('svg: lays out DOT with Graphviz (the page keeps this off its own thread)', async () => {
    const [reply] = await run({ id: 9, kind: 'svg', dot: 'digraph { w1 -> z1 }' });
    expect(reply).toMatchObject({ id: 9, kind: 'svg' });
    if (reply?.kind === 'svg') expect(reply.svg).toMatch(/<svg[\s\S]*>w1<[\s\S]*>z1</);
    const [bad] = await run({ id: 10, kind: 'svg', dot: 'digraph { w1 -> ' });
    expect(bad).toMatchObject({ id: 10, kind: 'error' });
  });

  it('cancel stops a long run at its next pause; bad input is an error reply naming the problem', async () => {
    const replies: Reply[] = [];
    const core = createWorkerCore((r) => {
      replies.push(r);
      if (r.kind === 'progress') void core.handle({ id: 3, kind: 'cancel' });
    });
    await core.handle({ id: 3, kind: 'train', values: 'w = 3', expression: 'w*w', rate: 1e-9, iterations: 1e9 });
    const last = replies[replies.length - 1]!;
    expect(last.kind).toBe('trained');
    if (last.kind === 'trained') {
      expect(last.stopped).toBe(true);
      expect(last.done).toBeLessThan(1e9);
    }
    expect(await run({ id: 4, kind: 'train', values: 'w = 3', expression: 'w*w', rate: 0.1, iterations: 0 }))
      .toEqual([{ id: 4, kind: 'error', message: 'train: iterations must be a positive whole number, got 0' }]);
    const [bad] = await run({ id: 5, kind: 'check', values: 'w = ', expression: 'w', hand: null });
    expect(bad).toMatchObject({ id: 5, kind: 'error' });
    if (bad?.kind === 'error') expect(bad.message).toMatch(/expected a number/);
  });
});

describe('playground loss history', () => {
  it('keeps every iteration and decimates only for drawing, keeping each bucket\'s extremes', () => {
    expect(decimate([3, 1, 2, 0.5], 2)).toEqual([[1, 3], [2, 1], [3, 2], [4, 0.5]]);
    const long = Array.from({ length: 10_000 }, (_, i) => 1 / (i + 1));
    long[5000] = 50; // a spike survives decimation
    const drawn = decimate(long, 100);
    expect(drawn.length).toBeLessThanOrEqual(200);
    expect(drawn).toContainEqual([5001, 50]);
    expect(drawn[0]).toEqual([1, 1]);
    expect(drawn[drawn.length - 1]).toEqual([10_000, 1e-4]);
    const svg = lossSvg(long);
    expect(svg).toContain('iteration 10000: 0.0001000');
    expect(svg).toContain('>5001<'); // the middle tick of the iterations axis
  });
});
