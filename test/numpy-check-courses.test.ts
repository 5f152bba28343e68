/**
 * The first wrong line in the harder shapes of backward code, on course-style numpy files of our own
 * (test/fixtures/courses): an RNN that accumulates over time steps, deeplearning.ai's one helper per
 * layer called in a loop, cs231n's class-based TwoLayerNet with in-place edits, scalar chains with a
 * factor dropped one step early, and one name J reused on every line. Each unmutated file agrees
 * three ways; each mutated line must be the reported first wrong line, with the expected quantity
 * and words that say what differs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNumpy } from '../src/index.js';

const course = (name: string): string => readFileSync(resolve(__dirname, 'fixtures/courses', name), 'utf8');

interface Mutation {
  readonly title: string;
  readonly find: string;
  readonly replace: string;
  /** Exactly these parameters are flagged. */
  readonly params: readonly string[];
  /** What the report says the line should have computed, and how it differs. */
  readonly expected: RegExp;
  readonly why: RegExp;
}

// σ′ values of chain.py: python3 -c "import numpy as np; s=lambda z:1/(1+np.exp(-z)); a1=s(0.8*1.5); yh=s(-1.3*a1); print(round(a1*(1-a1),4), round(yh*(1-yh),4))"
// prints 0.1779 0.1967.
const TABLE: Record<string, readonly Mutation[]> = {
  'rnn.py': [
    { title: 'accumulation over time steps lost: = for +=', find: 'dWh += dz @ hs[t].T', replace: 'dWh = dz @ hs[t].T', params: ['Wh'],
      expected: /^∂loss\/∂Wh, shape \[5, 5\]$/, why: /dWh is overwritten on every pass of the loop \(line \d+ ran 4 times\).*the sum of all 4 is ∂loss\/∂Wh: accumulate with `\+=`/ },
    { title: '1 − h for 1 − h² (tanh′)', find: 'dz = (1 - hs[t + 1] ** 2) * dh', replace: 'dz = (1 - hs[t + 1]) * dh', params: ['Wx', 'Wh', 'b'],
      expected: /^∂loss\/∂\(p\["Wx"\] @ xs\[t\] \+ p\["Wh"\] @ h \+ p\["b"\]\), shape \[5, 1\]$/, why: /= ∂loss\/∂h ⊙ tanh′\(.*\) = 1 − h²/ },
    { title: 'missing / T', find: 'dy = (ys[t] - targets[t]) / T', replace: 'dy = (ys[t] - targets[t])', params: ['Wx', 'Wh', 'b', 'Wy', 'by'],
      expected: /^∂loss\/∂y, shape \[2, 1\]$/, why: /4× the expected value: a missing 1\/4/ },
    { title: 'dh_next dropped from dh', find: 'dh = p["Wy"].T @ dy + dh_next', replace: 'dh = p["Wy"].T @ dy', params: ['Wx', 'Wh', 'b'],
      expected: /^∂loss\/∂h, shape \[5, 1\]$/, why: /elements differ/ },
    { title: 'Wh for Wh.T carrying dh_next back', find: 'dh_next = p["Wh"].T @ dz', replace: 'dh_next = p["Wh"] @ dz', params: ['Wx', 'Wh', 'b'],
      expected: /^∂loss\/∂h, shape \[5, 1\]$/, why: /elements differ/ },
    { title: 'tanh′ dropped: dz = dh, one step early', find: 'dz = (1 - hs[t + 1] ** 2) * dh', replace: 'dz = dh', params: ['Wx', 'Wh', 'b'],
      expected: /^∂loss\/∂\(p\["Wx"\] @ xs\[t\] \+ p\["Wh"\] @ h \+ p\["b"\]\), shape \[5, 1\]$/, why: /^it leaves out tanh′\(.*\) = 1 − h², the derivative of the 4th tanh/ },
    { title: 'sign of an accumulation', find: 'db += dz', replace: 'db -= dz', params: ['b'],
      expected: /^∂loss\/∂b, shape \[5, 1\]$/, why: /sign is flipped/ },
  ],
  'lmodel.py': [
    { title: 'missing / m in the per-layer helper', find: 'dW = np.dot(dZ, A_prev.T) / m', replace: 'dW = np.dot(dZ, A_prev.T)', params: ['W1', 'W2', 'W3'],
      expected: /^∂loss\/∂W3, shape \[1, 3\]$/, why: /6× the expected value: a missing 1\/6 \(m = 6/ },
    { title: 'wrong axis in the helper', find: 'db = np.sum(dZ, axis=1, keepdims=True) / m', replace: 'db = np.sum(dZ, axis=0, keepdims=True) / m', params: ['b1', 'b2', 'b3'],
      expected: /^∂loss\/∂b3, shape \[1, 1\]$/, why: /is its sum over axis 1 .*not summed/ },
    { title: 'σ′ = s(1 − s) with the (1 − s) dropped', find: 'dZ = dA * s * (1 - s)', replace: 'dZ = dA * s', params: ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'],
      expected: /^6 × ∂loss\/∂Z, shape \[1, 6\]/, why: /elements differ/ },
    { title: 'sigmoid_backward without σ′: dZ = dA, one step early', find: 'dZ = dA * s * (1 - s)', replace: 'dZ = dA', params: ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'],
      expected: /^6 × ∂loss\/∂Z, shape \[1, 6\]/, why: /^it leaves out σ′\(Z\) = AL\(1 − AL\), the derivative of the sigmoid/ },
    { title: 'sign of dAL', find: 'dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))', replace: 'dAL = (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))', params: ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'],
      expected: /^6 × ∂loss\/∂AL, shape \[1, 6\]/, why: /sign is flipped/ },
    { title: 'dA_prev divided by m: the next layer down, right for layer 3, gets wrong input', find: 'dA_prev = np.dot(W.T, dZ)', replace: 'dA_prev = np.dot(W.T, dZ) / m', params: ['W1', 'b1', 'W2', 'b2'],
      expected: /^6 × ∂loss\/∂A, shape \[3, 6\]/, why: /divided by 6 once too often/ },
  ],
  'twolayer.py': [
    { title: 'bias gradient not summed over the batch', find: 'grads["b2"] = np.sum(dscores, axis=0)', replace: 'grads["b2"] = dscores', params: ['b2'],
      expected: /^∂loss\/∂b2, shape \[3\]$/, why: /is ∂loss\/∂scores; ∂loss\/∂b2 \[3\] is its sum over axis 0 .*not summed/ },
    { title: 'wrong axis for b1', find: 'grads["b1"] = np.sum(dhidden, axis=0)', replace: 'grads["b1"] = np.sum(dhidden, axis=1)', params: ['b1'],
      expected: /^∂loss\/∂b1, shape \[6\]$/, why: /shape/ },
    { title: 'the 2 of the L2 term dropped', find: '+ 2 * reg * W2', replace: '+ reg * W2', params: ['W2'],
      expected: /^∂loss\/∂W2, shape \[6, 3\]$/, why: /18 of 18 elements differ/ },
    { title: 'sign of dhidden', find: 'dhidden = dscores.dot(W2.T)', replace: 'dhidden = -dscores.dot(W2.T)', params: ['W1', 'b1'],
      expected: /^∂loss\/∂hidden, shape \[5, 6\]$/, why: /sign is flipped/ },
  ],
  'chain.py': [
    { title: 'scalar chain without σ′(z1)', find: 'dw1 = dJ_dyhat * dyhat_dz2 * dz2_da1 * da1_dz1 * dz1_dw1', replace: 'dw1 = dJ_dyhat * dyhat_dz2 * dz2_da1 * dz1_dw1', params: ['w1'],
      expected: /^∂loss\/∂w1, shape \[\]$/, why: /^it leaves out σ′\(z1\) = a1\(1 − a1\) = 0\.1779, the derivative of the inner sigmoid/ },
    { title: 'scalar sign', find: 'dJ_dyhat = yhat - y', replace: 'dJ_dyhat = y - yhat', params: ['w1', 'w2'],
      expected: /^∂loss\/∂yhat, shape \[\]$/, why: /sign is flipped/ },
    { title: 'σ′(z2) dropped one step early: delta2, not its readers', find: 'delta2 = (yhat - y) * yhat * (1 - yhat)', replace: 'delta2 = (yhat - y)', params: ['w1', 'w2'],
      expected: /^∂loss\/∂z2, shape \[\]$/, why: /^it leaves out σ′\(z2\) = yhat\(1 − yhat\) = 0\.1967, the derivative of the outer sigmoid/ },
    { title: 'σ′(z1) dropped one step early: delta1, not dw1 = delta1 * x1', find: 'delta1 = delta2 * p["w2"] * a1 * (1 - a1)', replace: 'delta1 = delta2 * p["w2"]', params: ['w1'],
      expected: /^∂loss\/∂z1, shape \[\]$/, why: /^it leaves out σ′\(z1\) = a1\(1 − a1\) = 0\.1779/ },
    { title: 'J reused: half of σ′ dropped', find: '    J = J * a1 * (1 - a1)\n', replace: '    J = J * a1\n', params: ['w1'],
      expected: /^6 × ∂loss\/∂\(p\["w1"\] @ xs\), shape \[1, 6\]/, why: /= ∂loss\/∂a1 ⊙ σ′\(p\["w1"\] @ xs\) = a1\(1 − a1\)/ },
    { title: 'J reused: missing / xs.size on the last line', find: '    J = J @ xs.T / xs.size\n', replace: '    J = J @ xs.T\n', params: ['w1'],
      expected: /^∂loss\/∂w1, shape \[1, 1\]$/, why: /6× the expected value: a missing 1\/6/ },
    { title: 'J reused: a stray ½ in the middle is blamed where it appears, not on the last line', find: '    J = (J.T @ p["w2"]).T\n', replace: '    J = (J.T @ p["w2"]).T / 2\n', params: ['w1'],
      expected: /^6 × ∂loss\/∂a1, shape \[1, 6\]/, why: /1\/2 of the expected value/ },
  ],
};

describe('course-style backward code: unmutated files agree three ways', () => {
  for (const name of Object.keys(TABLE)) {
    it(name, () => {
      const r = checkNumpy(course(name), { filename: name });
      expect(r.error).toBeNull();
      expect(r.checks.flatMap((c) => c.params.filter((p) => !p.ok).map((p) => `${p.name}: ${p.diagnosis}`))).toEqual([]);
      expect(r.exitCode).toBe(0);
    });
  }
});

describe('course-style backward code: each mutated line is the first wrong line', () => {
  for (const [name, rows] of Object.entries(TABLE)) {
    for (const m of rows) {
      it(`${name}: ${m.title}`, () => {
        const source = course(name);
        const at = source.indexOf(m.find);
        expect(at, `'${m.find}' is in ${name}`).toBeGreaterThanOrEqual(0);
        const mutated = source.slice(0, at) + m.replace + source.slice(at + m.find.length);
        const line = source.slice(0, at + m.find.search(/\S/)).split('\n').length;
        const r = checkNumpy(mutated, { filename: name });
        expect(r.error).toBeNull();
        expect(r.exitCode).toBe(1);
        const c = r.checks.find((x) => !x.ok)!;
        expect(c.params.filter((p) => !p.ok).map((p) => p.name)).toEqual(m.params);
        const w = c.firstWrongLine!;
        expect(w.line).toBe(line);
        expect(w.text).toContain(m.replace.trim());
        expect(w.expected).toMatch(m.expected);
        expect(w.why).toMatch(m.why);
      });
    }
  }
});
