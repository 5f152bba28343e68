/**
 * The seeds' own code as written (test/fixtures/seeds, repaired only where the PDF extraction broke
 * it), with tapegrad.verify lines appended, checks three ways through the interpreter.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNumpy } from '../src/index.js';

const fixture = (name: string): string => readFileSync(resolve(__dirname, 'fixtures/seeds', name), 'utf8');

// Seed 004's six Jacobians read global weights (`J_W3(x, y)`), so params is a list of global names.
const SEED004_VERIFY = `
import tapegrad
reset_network()
x = np.random.rand(1, 20)
y = np.concatenate([np.sin(3 * x), np.cos(2 * x)])
tapegrad.verify(["W1", "b1", "W2", "b2", "W3", "b3"], lambda: cost(x, y),
                lambda: {"J_W1": J_W1(x, y), "J_b1": J_b1(x, y), "J_W2": J_W2(x, y),
                         "J_b2": J_b2(x, y), "J_W3": J_W3(x, y), "J_b3": J_b3(x, y)})
`;

describe('the seeds as written', () => {
  it("seed 004: the student's six Jacobians agree three ways; J = 2(a3 − y) is reported as a convention", () => {
    const r = checkNumpy(fixture('seed004.py') + SEED004_VERIFY, { filename: 'seed004.py' });
    expect(r.error).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0]!.params.map((p) => [p.name, p.ok])).toEqual(
      ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'].map((n) => [n, true]));
    expect(r.stdout).toMatch(/J = 2 \* \(a3 - y\)`: J is 20 × ∂loss\/∂a3 .*a convention, not an error/);
  });

  it('seed 004 with its J_W3 sign flipped is caught at that line', () => {
    const source = fixture('seed004.py').replace('J = 2 * (a3 - y)', 'J = 2 * (y - a3)');
    const r = checkNumpy(source + SEED004_VERIFY, { filename: 'seed004.py' });
    expect(r.ok).toBe(false);
    const wrong = r.checks[0]!.firstWrongLine!;
    expect(wrong.text).toContain('J = 2 * (y - a3)');
    expect(r.checks[0]!.params.find((p) => p.name === 'W3')!.ok).toBe(false);
  });
});
