/**
 * Course-style code and the five seed fixtures through the interpreter. course.py is ours (a
 * cs231n-style TwoLayerNet, a deeplearning.ai-style L_model_forward/backward); its expected output
 * is what python3 + numpy printed: `python3 test/fixtures/numpy/course.py > test/fixtures/numpy/course.out`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNumpy } from '../src/numpy/index.js';
import { asTensor, fromPy, listItems, type PyValue } from '../src/numpy/host.js';
import { parseModule } from '../src/numpy/parse.js';
import { fakeKeras, fakeNumpyRandom, fakePyplot } from './helpers/numpy-fakes.js';

/** Compares printed output token by token: numbers to 1e-12 relative (numpy sums pairwise, we in order), the rest exactly. */
function expectSameOutput(got: string, expected: string): void {
  const tokens = (s: string): string[] => s.split(/([-+]?\d+\.?\d*(?:e[-+]?\d+)?)/);
  const a = tokens(got);
  const b = tokens(expected);
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (i % 2 === 1) {
      const x = Number(a[i]);
      const y = Number(b[i]);
      expect(Math.abs(x - y), `token ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(y)) + (Math.abs(y) < 1e-15 ? 1e-15 : 0));
    } else {
      expect(a[i]).toBe(b[i]);
    }
  }
}

describe('course-style code runs as under python3 + numpy', () => {
  it('TwoLayerNet.loss with dscores aliasing and L_model_backward with caches', () => {
    const source = readFileSync('test/fixtures/numpy/course.py', 'utf8');
    const got = runNumpy(source, { filename: 'course.py' }).stdout;
    expectSameOutput(got, readFileSync('test/fixtures/numpy/course.out', 'utf8'));
  });

  it('cs231n-style SVM/softmax losses with nditer gradient checks, dictionary_to_vector helpers, a char-RNN, and the numpy functions labs use', () => {
    // python3 test/fixtures/numpy/course2.py > test/fixtures/numpy/course2.out (numpy 2.4.6); every number is compared.
    const source = readFileSync('test/fixtures/numpy/course2.py', 'utf8');
    const got = runNumpy(source, { filename: 'course2.py' }).stdout;
    expectSameOutput(got, readFileSync('test/fixtures/numpy/course2.out', 'utf8'));
  });
});

// The student's code only: the fixtures' cells marked "added for tapegrad" (verify lines, seed 003's
// missing forward_prop/data) belong to test/numpy-seed-fixtures.test.ts.
const seed = (n: number): string => readFileSync(`test/fixtures/seeds/seed00${n}.py`, 'utf8').split('# ---- added for tapegrad')[0]!;
const fakes = (): ReturnType<typeof fakeKeras> => [fakeNumpyRandom(), ...fakeKeras(100), fakePyplot()];

describe('the seed fixtures', () => {
  it.each([0, 1, 2, 3, 4])('seed 00%i parses', (n) => {
    expect(parseModule(seed(n), `seed00${n}.py`).body.length).toBeGreaterThan(3);
  });

  it('seed 000 runs as written, one epoch on a small synthetic MNIST stand-in', () => {
    const src = seed(0).replace('batch_size=50, epochs=10)', 'batch_size=50, epochs=1)');
    const r = runNumpy(src, { filename: 'seed000.py', modules: fakes() });
    expect(r.stdout).toMatch(/^Epoch 1\/1, Loss: \d+\.\d{4}, Accuracy: 0\.\d{4}\n$/);
    const params = r.globals.get('params') as PyValue;
    expect(asTensor((fromPy(params) as Record<string, PyValue>).W1)!.shape).toEqual([128, 784]);
  });

  it('seed 001: the cells after the sklearn imports define and run init_params, forward, backward, sgd', () => {
    const src = seed(1).replace(/^from sklearn.*$/gm, '').replace('eta, batch_size, epochs = 0.1, 128, 50', 'eta, batch_size, epochs = 0.1, 128, 1');
    // 1000 stand-in images: the loop's last batch starts at 768.
    const r = runNumpy(src, { filename: 'seed001.py', modules: [fakeNumpyRandom(), ...fakeKeras(1000), fakePyplot()] });
    // The init cell prints the seed's digits only with numpy's exact RandomState, which the stand-in uses.
    expect(r.stdout.split('\n')[0]).toBe("{'W1': array([[ 0.14901425, -0.04147929]]), 'b1': array([[0.19430656, 0.45690896]]), 'W2': array([[-0.07024601],");
    // seed 001's loop runs over range(0, X_train.shape[1], 128): 784 features, so 7 batches.
    expect(listItems(r.globals.get('loss_history'))!.length).toBe(7);
  });

  it('seed 002 reaches default_rng, which this build does not provide yet', () => {
    expect(() => runNumpy(seed(2), { filename: 'seed002.py', modules: fakes() })).toThrow(/seed002\.py:\d+:1: ImportError: cannot import name 'default_rng'/);
  });

  it("seed 002's forward pass overwrites biases[2] with the product (np.dot's out argument)", () => {
    const defs = seed(2).split('from numpy.random import default_rng')[1]!.replace('rng = default_rng(80085)', '').split('def feed_forward_dataset')[0]!;
    const src = `import numpy as np\nimport math\n${seed(2).split('import numpy as np')[1]!.split('import math')[0]}\n${defs}\nb_before = biases[2]\nloss, guess = feed_forward_sample(np.ones(784) * 0.01, 3)\n`;
    const r = runNumpy(src, { filename: 'seed002.py', modules: fakes() });
    const biases = listItems(r.globals.get('biases'))!;
    expect(biases[2]).toBe(r.globals.get('b_before'));
    expect(asTensor(biases[2])!.data().some((v) => v !== 0)).toBe(true);
  });

  it('seed 003 helpers and seed 004 Jacobians run', () => {
    const helpers = seed(3).split('for epoch in range(200):')[0]!;
    const r3 = runNumpy(`import numpy as np\n${helpers}\nx = np.array([[1., -2.], [0.5, 3.]])\np = softmax(x)\nprint(relu(x), p.sum(axis=1), average_ce(np.eye(2), p))\n`, { filename: 'seed003.py' });
    // python3 -c "import numpy as np; x=np.array([[1.,-2.],[.5,3.]]); e=np.exp(x-x.max(1,keepdims=True)); p=e/e.sum(1,keepdims=True); print(np.maximum(x,0), p.sum(1), -np.sum(np.eye(2)*np.log(p+1e-5))/2)"
    expect(r3.stdout).toBe('[[1.  0. ]\n [0.5 3. ]] [1. 1.] 0.06372788362963441\n');
    const r4 = runNumpy(`${seed(4)}\nnp.random.seed(1)\nreset_network()\nx = np.array([[0.1, 0.5, 0.9]])\ny = np.array([[0.2, 0.4, 0.6], [0.1, 0.3, 0.5]])\nJ = [J_W3(x, y), J_b3(x, y), J_W2(x, y), J_b2(x, y), J_W1(x, y), J_b1(x, y)]\nprint([j.shape for j in J], cost(x, y) > 0)\n`, { filename: 'seed004.py', modules: [fakeNumpyRandom()] });
    expect(r4.stdout).toBe('[(2, 7), (2, 1), (7, 6), (7, 1), (6, 1), (6, 1)] True\n');
  });
});
