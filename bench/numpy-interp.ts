/**
 * Interpreter overhead: seed 000's one-epoch training loop (batch 50, 784-128-10, tanh + softmax,
 * its own backward and SGD) run through runNumpy vs the same loop written against the TypeScript
 * API, on the same data, kernels and shuffling. Prints both times and the ratio (goal ≤ 1.5×).
 *
 *   npx tsx bench/numpy-interp.ts [samples=2000] [repeats=3]
 *
 * Data: a synthetic MNIST-shaped set (pixels 0..255, labels 0..9) of `samples` images, served by
 * the test stand-in for tensorflow.keras until the keras host module lands; numpy.random by the
 * stand-in over nplibs' RandomState.
 */
import { readFileSync } from 'node:fs';
import { tensor } from '../src/creation.js';
import { add, div, mul, sub } from '../src/ops/arithmetic.js';
import { matmul } from '../src/ops/matmul.js';
import { max, sum, mean } from '../src/ops/reduce.js';
import { transpose, reshape } from '../src/ops/shape-ops.js';
import { exp, log, tanh } from '../src/ops/unary.js';
import { noGrad } from '../src/engine/mode.js';
import type { Tensor } from '../src/tensor.js';
import { runNumpy } from '../src/numpy/index.js';
import { asTensor } from '../src/numpy/host.js';
import { RandomState } from '../src/numpy/random/index.js';
import { getItem } from '../src/ops/indexing.js';
import { argmax } from '../src/ops/reduce-extra.js';
import { fakeKeras, fakeNumpyRandom, fakePyplot } from '../test/helpers/numpy-fakes.js';

const samples = Number(process.argv[2] ?? 2000);
const repeats = Number(process.argv[3] ?? 3);

// Seed 000's functions exactly as the fixture has them, then one epoch of its inner loop.
const fixture = readFileSync('test/fixtures/seeds/seed000.py', 'utf8');
const defs = fixture.slice(fixture.indexOf('def init_params'), fixture.indexOf('def train_mlp'));
const program = `import numpy as np
from tensorflow.keras.datasets import mnist
from tensorflow.keras.utils import to_categorical
${defs}
np.random.seed(0)
nx, nh, ny, eta, batch_size = 784, 128, 10, 0.1, 50
(X_train, Y_train), (X_test, Y_test) = mnist.load_data()
X_train = X_train.reshape(-1, nx).T / 255.0
Y_train = to_categorical(Y_train).T
params = init_params(nx, nh, ny)
indices = np.random.permutation(X_train.shape[1])
X_train, Y_train = X_train[:, indices], Y_train[:, indices]
for i in range(0, X_train.shape[1], batch_size):
    X_batch, Y_batch = X_train[:, i:i+batch_size], Y_train[:, i:i+batch_size]
    Yhat, outputs = forward(params, X_batch)
    loss, acc = loss_accuracy(Yhat, Y_batch)
    grads = backward(X_batch, Y_batch, params, outputs)
    sgd(params, grads, eta)
`;

function interpreted(): { ms: number; w1: Tensor } {
  const modules = [fakeNumpyRandom(), ...fakeKeras(samples), fakePyplot()];
  const t0 = performance.now();
  const r = runNumpy(program, { filename: 'seed000-epoch.py', modules });
  const ms = performance.now() - t0;
  const params = r.globals.get('params');
  const w1 = asTensor((params as { get(k: string): unknown }).get('W1'))!;
  return { ms, w1 };
}

/** The same epoch on the TypeScript API: the same draws, the same formulas, line for line. */
function typescript(): { ms: number; w1: Tensor } {
  const t0 = performance.now();
  const result = noGrad(() => {
    const rs = new RandomState(0);
    const images = new RandomState(1).randint(0, 256, [samples, 28, 28]).data;
    const labels = new RandomState(2).randint(0, 10, [samples]).data;
    let X = div(transpose(tensor(images, { shape: [samples, 784] })), 255.0);
    const onehot = new Float64Array(samples * 10);
    labels.forEach((c, i) => { onehot[i * 10 + c] = 1; });
    let Y = transpose(tensor(onehot, { shape: [samples, 10] }));
    const normal = (r: number, c: number): Tensor => tensor(rs.normal(0, 0.3, [r, c]).data, { shape: [r, c] });
    const p: Record<string, Tensor> = { W1: normal(128, 784), b1: tensor(new Float64Array(128), { shape: [128, 1] }), W2: normal(10, 128), b2: tensor(new Float64Array(10), { shape: [10, 1] }) };
    const perm = Array.from(rs.permutation(samples));
    X = getItem(X, [{ start: null, stop: null, step: null }, perm]);
    Y = getItem(Y, [{ start: null, stop: null, step: null }, perm]);
    for (let i = 0; i < samples; i += 50) {
      const xb = getItem(X, [{ start: null, stop: null, step: null }, { start: i, stop: i + 50, step: null }]);
      const yb = getItem(Y, [{ start: null, stop: null, step: null }, { start: i, stop: i + 50, step: null }]);
      const Z1 = add(matmul(p.W1!, xb), p.b1!);
      const A1 = tanh(Z1);
      const Z2 = add(matmul(p.W2!, A1), p.b2!);
      const e = exp(sub(Z2, max(Z2, 0, true)));
      const A2 = div(e, sum(e, 0, true));
      const m = yb.shape[1]!;
      void div(mul(sum(mul(yb, log(add(A2, 1e-8)))), -1), m);
      void mean(tensor(Array.from(argmax(A2, 0).data(), (v, j) => (v === argmax(yb, 0).data()[j] ? 1 : 0))));
      const dZ2 = sub(A2, yb);
      const g: Record<string, Tensor> = {
        dW2: div(matmul(dZ2, transpose(A1)), m),
        db2: div(sum(dZ2, 1, true), m),
      };
      const dA1 = matmul(transpose(p.W2!), dZ2);
      const dZ1 = mul(dA1, sub(1, mul(A1, A1)));
      g.dW1 = div(matmul(dZ1, transpose(xb)), m);
      g.db1 = div(sum(dZ1, 1, true), m);
      for (const k of Object.keys(p)) p[k] = sub(p[k]!, mul(g['d' + k]!, 0.1));
    }
    return p.W1!;
  });
  return { ms: performance.now() - t0, w1: reshape(result, result.shape) };
}

const runs: { py: number; ts: number }[] = [];
for (let r = 0; r < repeats + 1; r++) {
  const py = interpreted();
  const ts = typescript();
  const diff = Math.max(...Array.from(py.w1.data(), (v, i) => Math.abs(v - ts.w1.data()[i]!)));
  if (r === 0) console.log(`warm-up (not counted); both loops end with the same W1 to ${diff.toExponential(1)}`);
  else runs.push({ py: py.ms, ts: ts.ms });
}
const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const py = median(runs.map((r) => r.py));
const ts = median(runs.map((r) => r.ts));
console.log(`one epoch of seed 000 (${samples} samples, batch 50): interpreter ${py.toFixed(0)} ms, TypeScript API ${ts.toFixed(0)} ms, ratio ${(py / ts).toFixed(2)}x`);
