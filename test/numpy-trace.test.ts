/** checkNumpyTraced: checkNumpy's verdict plus the recorded forward (the user's names) and the three ways as numbers. */
import { describe, expect, it } from 'vitest';
import { checkNumpy, checkNumpyTraced, firstNonFinite } from '../src/index.js';

// The seed-000 scalar chain: J = ½(σ(w2·σ(w1·x1)) − y)² at w1 = 0.5, w2 = −1.5, x1 = 2, y = 1.
const CHAIN = `import numpy as np
import tapegrad
def sigmoid(z):
    return 1 / (1 + np.exp(-z))
w2, x1, y = -1.5, 2.0, 1.0
def J(w1):
    z1 = w1 * x1
    a1 = sigmoid(z1)
    z2 = w2 * a1
    yhat = sigmoid(z2)
    return 0.5 * (yhat - y) ** 2
def dJ(w1):
    a1 = sigmoid(w1 * x1)
    yhat = sigmoid(w2 * a1)
    return (yhat - y) * yhat * (1 - yhat) * w2 * a1 * (1 - a1) * x1
tapegrad.verify({"w1": np.array(0.5)}, lambda p: J(p["w1"]), lambda p: {"dw1": dJ(p["w1"])})
`;

// python3 -c "import numpy as np; s=lambda z:1/(1+np.exp(-z)); a1=s(1.0); yh=s(-1.5*a1);
//   print(repr(0.5*(yh-1)**2), repr((yh-1)*yh*(1-yh)*-1.5*a1*(1-a1)*2), repr((yh-1)*yh*(1-yh)*-1.5*2))"
const LOSS = 0.2809652438930425;
const DW1 = 0.08298755350172221;
const DW1_WITHOUT_SIGMA_PRIME = 0.4220880804818475;

describe('checkNumpyTraced', () => {
  it('gives checkNumpy\'s verdict and the forward with the user\'s names', () => {
    const r = checkNumpyTraced(CHAIN);
    const plain = checkNumpy(CHAIN);
    expect(r.exitCode).toBe(0);
    expect(r.checks.map((c) => c.params.map((p) => [p.name, p.ok]))).toEqual(plain.checks.map((c) => c.params.map((p) => [p.name, p.ok])));
    expect(r.stdout).toBe(plain.stdout);
    const t = r.traces[0]!;
    expect(t.line).toBe(16);
    expect(t.loss.item()).toBe(LOSS);
    expect(t.loss.requiresGrad).toBe(true);
    expect([...t.names.values()]).toEqual(['w1', 'z1', 'a1', 'z2', 'yhat', 'J']); // the loss takes the name of the def that returned it
    const z1 = [...t.names].find(([, n]) => n === 'z1')![0];
    expect(t.lines.get(z1)).toBe(7);
    expect(t.params['w1']!.requiresGrad).toBe(true);
    expect(t.names.get(t.params['w1']!)).toBe('w1');
  });

  it('has the three ways as numbers: hand, autodiff, float64 central differences', () => {
    const row = checkNumpyTraced(CHAIN).traces[0]!.table[0]!;
    expect(row.name).toBe('w1');
    expect(row.shape).toEqual([]);
    expect(row.autodiff[0]).toBeCloseTo(DW1, 15);
    expect(Math.abs(row.numerical[0]! - DW1)).toBeLessThan(1e-9);
    expect(row.hand![0]).toBeCloseTo(DW1, 15);
    expect(row.reachesLoss).toBe(true);
    expect(row.sampled).toBe(false);

    const slip = checkNumpyTraced(CHAIN.replace(' * a1 * (1 - a1) * x1', ' * x1'));
    expect(slip.exitCode).toBe(1);
    expect(slip.traces[0]!.table[0]!.hand![0]).toBeCloseTo(DW1_WITHOUT_SIGMA_PRIME, 14);
    expect(slip.checks[0]!.firstWrongLine?.line).toBe(15);
  });

  it('reads params given as global names, lists of arrays included, and restores the globals', () => {
    const src = `import numpy as np
import tapegrad
W = [np.array([1.0, 2.0]), np.array([3.0])]
b = np.array([0.5])
def loss():
    h = W[0] * b
    return np.sum(h) * W[1][0]
def grads():
    return [b * W[1][0] * np.ones(2), np.array([np.sum(W[0] * b)]), np.array([np.sum(W[0]) * W[1][0]])]
tapegrad.verify(["W", "b"], loss, grads)
print(W[0][1], b[0])
`;
    const r = checkNumpyTraced(src);
    expect(r.error).toBeNull();
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('2.0 0.5');
    const t = r.traces[0]!;
    expect(Object.keys(t.params)).toEqual(['W[0]', 'W[1]', 'b']);
    expect([...t.names.values()]).toContain('h');
    // d/dW[0] = b·W[1] = 1.5 each; d/dW[1] = Σ W[0]·b = 1.5; d/db = Σ W[0] · W[1] = 9
    expect(t.table.map((r) => Array.from(r.autodiff))).toEqual([[1.5, 1.5], [1.5], [9]]);
  });

  it('marks a parameter the loss never uses, and names where a non-finite loss first appeared', () => {
    const unused = checkNumpyTraced(`import numpy as np
import tapegrad
tapegrad.verify({"a": np.array([2.0]), "c": np.array([1.0])}, lambda p: np.sum(p["a"] ** 2), lambda p: {"a": 2 * p["a"], "c": np.array([1.0])})
`);
    const rows = unused.traces[0]!.table;
    expect(rows.find((r) => r.name === 'c')!.reachesLoss).toBe(false);
    expect(Array.from(rows.find((r) => r.name === 'c')!.autodiff)).toEqual([0]);

    const inf = checkNumpyTraced(`import numpy as np
import tapegrad
def loss(p):
    z = p["w"] - 1
    logz = np.log(z)
    return np.sum(logz)
tapegrad.verify({"w": np.array([1.0, 2.0])}, loss, lambda p: {"w": 1 / (p["w"] - 1)})
`);
    const t = inf.traces[0]!;
    expect(t.loss.item()).toBe(-Infinity);
    expect(firstNonFinite(t)).toEqual({ name: 'logz', line: 5, op: 'log', value: -Infinity });
    expect(firstNonFinite(checkNumpyTraced(CHAIN).traces[0]!)).toBeNull();
  });

  it('reports the same errors as checkNumpy, with line and column', () => {
    for (const src of ['x = (1,\n', 'def f():\n    yield 1\n', 'import numpy as np\nprint(np.zeros(3) @ np.ones(4))\n', 'print(1)\n']) {
      const r = checkNumpyTraced(src);
      expect(r.error).toEqual(checkNumpy(src).error);
      expect(r.exitCode).toBe(2);
      expect(r.traces).toEqual([]);
    }
    expect(() => checkNumpyTraced(42 as never)).toThrow(/checkNumpyTraced: source must be .* got 42/);
    expect(() => firstNonFinite({} as never)).toThrow(/firstNonFinite: expected one of checkNumpyTraced's traces/);
  });

  it('samples finite differences on large parameters, and the sampled ones match autodiff', () => {
    const r = checkNumpyTraced(`import numpy as np
import tapegrad
np.random.seed(0)
X = np.random.rand(3, 60)
def loss(p):
    return np.sum(np.tanh(X @ p["W"]) ** 2)
def grads(p):
    A = np.tanh(X @ p["W"])
    return {"dW": X.T @ (2 * A * (1 - A ** 2))}
tapegrad.verify({"W": np.random.rand(60, 40) - 0.5}, loss, grads)
`);
    expect(r.exitCode).toBe(0);
    const row = r.traces[0]!.table[0]!;
    expect(row.sampled).toBe(true);
    const sampled = [...row.numerical.keys()].filter((i) => !Number.isNaN(row.numerical[i]!));
    expect(sampled.length).toBe(48);
    for (const i of sampled) expect(Math.abs(row.numerical[i]! - row.autodiff[i]!)).toBeLessThan(1e-7 * Math.max(1, Math.abs(row.autodiff[i]!)));
  });
});
