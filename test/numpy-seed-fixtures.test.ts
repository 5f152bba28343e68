/**
 * The five seeds' own code as written (test/fixtures/seeds: repaired only where the PDF extraction
 * broke it, plus the tapegrad.verify lines at the end) checks three ways through the interpreter,
 * whole files, MNIST training at top level included: `mnistLimit` serves the first N images of each
 * split so the files run unchanged, fast. Then a table of one-line mutations of each seed's backward,
 * each named at its line with the expected quantity.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNumpy } from '../src/index.js';
import type { CheckResult } from '../src/index.js';
import '../src/numpy/keras/node.js';

const fixture = (name: string): string => readFileSync(resolve(__dirname, 'fixtures/seeds', name), 'utf8');

/**
 * Images per MNIST split for each seed. Seed 001 iterates `range(0, X_train.shape[1], batch_size)`,
 * over its 784 features: with fewer than 912 images most of its batches are empty, which the
 * interpreter's argmax refuses (numpy returns an empty array), so it gets 1000.
 */
const LIMIT: Record<string, number> = { 'seed000.py': 100, 'seed001.py': 1000, 'seed002.py': 20, 'seed003.py': 40 };

function check(name: string, source = fixture(name)): CheckResult {
  const limit = LIMIT[name];
  return checkNumpy(source, { filename: name, ...(limit === undefined ? {} : { mnistLimit: limit }) });
}

const verdicts = (r: CheckResult): string[][] => r.checks.map((c) => c.params.map((p) => `${p.name} ${p.ok ? 'ok' : 'wrong'}`));

describe('the seeds as written, whole files', () => {
  it('seed 000: trains 10 epochs at top level, then backward() agrees three ways; the 1e-8 and the un-averaged dZ2 are said', () => {
    const r = check('seed000.py');
    expect(r.error).toBeNull();
    expect(r.stdout).toMatch(/Epoch 10\/10, Loss: \d\.\d{4}, Accuracy: 0\.\d{4}/);
    expect(r.exitCode).toBe(0);
    const c = r.checks[0]!;
    expect(c.params.map((p) => [p.name, p.ok, p.kind])).toEqual(['W1', 'b1', 'W2', 'b2'].map((n) => [n, true, 'log-epsilon']));
    expect(r.stdout).toContain('agree with the gradient of the loss without the 1e-8 in the log; your backward drops that term');
    expect(c.conventions.map((x) => x.message)).toEqual([
      'line 52 `dZ2 = A2 - Y`: dZ2 is 32 × ∂loss/∂Z2 (un-averaged over the batch; your later lines divide by 32): a convention, not an error',
    ]);
    expect(r.figures.length).toBeGreaterThan(0);
  }, 60_000);

  it("seed 001: prints the seed's init digits, trains, and backward() agrees three ways (1e-10 in the log)", () => {
    const r = check('seed001.py');
    expect(r.error).toBeNull();
    expect(r.stdout).toContain("{'W1': array([[ 0.14901425, -0.04147929]]), 'b1': array([[0.19430656, 0.45690896]])");
    expect(r.exitCode).toBe(0);
    expect(verdicts(r)).toEqual([['W1 ok', 'b1 ok', 'W2 ok', 'b2 ok']]);
    expect(r.stdout).toContain('agree with the gradient of the loss without the 1e-10 in the log; your backward drops that term');
    // dZ2 = (Y_hat - Y) / m already holds the 1/m: no convention to report.
    expect(r.checks[0]!.conventions).toEqual([]);
  }, 60_000);

  it('seed 002: np.dot(a2, weights[2], biases[2]) is caught: the bias is numpy\'s out, never added; db3 = dZ3 is the gradient of nothing', () => {
    const r = check('seed002.py');
    expect(r.error).toBeNull();
    expect(r.stdout).toMatch(/Accuracy \(# of correct guesses\): \d+\.0 \/ 20/);
    expect(r.exitCode).toBe(1);
    expect(verdicts(r)).toEqual([['weights[0] ok', 'weights[1] ok', 'weights[2] ok', 'biases[0] ok', 'biases[1] ok', 'biases[2] wrong']]);
    const w = r.checks[0]!.firstWrongLine!;
    expect(w).toMatchObject({ line: 162, text: 'db3 = dZ3', variable: 'db3', expected: '∂loss/∂biases[2] = 0, shape [1, 10]' });
    expect(w.why).toBe('biases[2] never enters the forward pass: line 93 `z3= np.dot(a2,weights[2], biases[2])` passes biases[2] as numpy\'s out argument, so it is overwritten with the product and never added; the loss does not depend on it, so db3 is the gradient of nothing');
    // The gradients read back from train_one_sample's update are no convention of the student's.
    expect(r.checks[0]!.conventions).toEqual([]);
  }, 60_000);

  it('seed 003: momentum training runs as written; grad_ce and back_prop agree (0.00001 in the log), delta_o is the un-averaged ∂loss/∂z_o', () => {
    const r = check('seed003.py');
    expect(r.error).toBeNull();
    expect(r.stdout).toContain('Iteration  199');
    expect(r.exitCode).toBe(0);
    expect(verdicts(r)).toEqual([['z ok'], ['w_o ok', 'b_o ok', 'w_h ok', 'b_h ok']]);
    expect(r.checks.every((c) => c.params.every((p) => p.kind === 'log-epsilon'))).toBe(true);
    expect(r.stdout).toContain('agrees with the gradient of the loss without the 0.00001 in the log; your backward drops that term');
    expect(r.checks.map((c) => c.line)).toEqual([95, 103]);
    expect(r.checks[1]!.conventions.map((x) => x.message)).toEqual([
      'line 60 `delta_o = grad_ce(target, x_o)`: delta_o is 16 × ∂loss/∂z_o (un-averaged over the batch; your later lines divide by 16): a convention, not an error',
    ]);
  }, 60_000);

  it("seed 004: the student's six Jacobians agree three ways; J = 2(a3 − y) is reported as a convention", () => {
    const r = check('seed004.py');
    expect(r.error).toBeNull();
    expect(r.exitCode).toBe(0);
    expect(verdicts(r)).toEqual([['W1 ok', 'b1 ok', 'W2 ok', 'b2 ok', 'W3 ok', 'b3 ok']]);
    expect(r.stdout).toMatch(/J = 2 \* \(a3 - y\)`: J is 20 × ∂loss\/∂a3 .*a convention, not an error/);
  }, 30_000);
});

interface SeedMutation {
  readonly seed: string;
  readonly title: string;
  readonly find: string;
  readonly replace: string;
  readonly params: readonly string[];
  readonly expected: RegExp;
  readonly why: RegExp;
}

// Every mutation runs the whole file, training included (the mutated backward trains the network too).
const SEED_MUTATIONS: readonly SeedMutation[] = [
  { seed: 'seed000.py', title: 'dW2 without the / m', find: 'dW2 = (dZ2 @ A1.T) / m', replace: 'dW2 = (dZ2 @ A1.T)', params: ['W2'],
    expected: /^∂loss\/∂W2, shape \[10, 128\]$/, why: /32× the expected value: a missing 1\/32 \(m = 32/ },
  { seed: 'seed000.py', title: '1 − A1 for 1 − A1²', find: 'dZ1 = dA1 * (1 - np.power(A1, 2))', replace: 'dZ1 = dA1 * (1 - A1)', params: ['W1', 'b1'],
    expected: /^32 × ∂loss\/∂Z1, shape \[128, 32\]/, why: /expected ∂loss\/∂Z1 = ∂loss\/∂A1 ⊙ tanh′\(Z1\) = 1 − A1²/ },
  { seed: 'seed001.py', title: "the write-up's step (D): dZ1 = dA1 * (1 - A1)", find: 'dZ1 = dA1 * (1 - np.square(A1))', replace: 'dZ1 = dA1 * (1 - A1)', params: ['W1', 'b1'],
    expected: /^∂loss\/∂Z1, shape \[32, 128\]$/, why: /tanh′\(Z1\) = 1 − A1²/ },
  { seed: 'seed002.py', title: 'dZ3 = y_v - s: a sign, before the out= slip', find: 'dZ3 = s - y_v', replace: 'dZ3 = y_v - s',
    params: ['weights[0]', 'weights[1]', 'weights[2]', 'biases[0]', 'biases[1]', 'biases[2]'], expected: /^∂loss\/∂z3, shape \[1, 10\]$/, why: /sign is flipped/ },
  { seed: 'seed003.py', title: "grad_ce's sign", find: '    return (logits - target)', replace: '    return (target - logits)', params: ['z'],
    expected: /^∂loss\/∂z, shape \[16, 10\]$/, why: /sign is flipped/ },
  { seed: 'seed003.py', title: 'd_bo without the / N', find: 'd_bo = np.sum(delta_o, axis=0, keepdims=True) / N', replace: 'd_bo = np.sum(delta_o, axis=0, keepdims=True)', params: ['b_o'],
    expected: /^∂loss\/∂b_o, shape \[1, 10\]$/, why: /16× the expected value: a missing 1\/16/ },
  { seed: 'seed004.py', title: 'J_W2 without the / x.size', find: '    J = J @ a1.T / x.size', replace: '    J = J @ a1.T', params: ['W2'],
    expected: /^∂loss\/∂W2, shape \[7, 6\]$/, why: /20× the expected value: a missing 1\/20/ },
  { seed: 'seed004.py', title: "J_b2 without σ′(z2): the sum that follows reads ∂loss/∂a2", find: '    J = J * d_sigma(z2)\n    J = np.sum(J, axis=1, keepdims=True) / x.size', replace: '    J = np.sum(J, axis=1, keepdims=True) / x.size', params: ['b2'],
    expected: /^∂loss\/∂b2, shape \[7, 1\]$/, why: /7 of 7 elements differ/ },
  { seed: 'seed004.py', title: "J_W3's sign", find: 'J = 2 * (a3 - y)', replace: 'J = 2 * (y - a3)', params: ['W3'],
    expected: /^20 × ∂loss\/∂a3, shape \[2, 20\]/, why: /sign is flipped/ },
];

describe('a mutated line in any of the five seeds is named, with the expected quantity', () => {
  for (const m of SEED_MUTATIONS) {
    it(`${m.seed}: ${m.title}`, () => {
      const source = fixture(m.seed);
      const at = source.indexOf(m.find);
      expect(at, `'${m.find}' is in ${m.seed}`).toBeGreaterThanOrEqual(0);
      const line = source.slice(0, at + m.find.search(/\S/)).split('\n').length;
      const r = check(m.seed, source.slice(0, at) + m.replace + source.slice(at + m.find.length));
      expect(r.error).toBeNull();
      expect(r.exitCode).toBe(1);
      const c = r.checks.find((x) => !x.ok)!;
      expect(c.params.filter((p) => !p.ok).map((p) => p.name)).toEqual(m.params);
      const w = c.firstWrongLine!;
      expect(w.line).toBe(line);
      expect(w.text).toContain(m.replace.trim().split('\n')[0]);
      expect(w.expected).toMatch(m.expected);
      expect(w.why).toMatch(m.why);
    }, 90_000);
  }
});
