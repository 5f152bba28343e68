/**
 * Bad input, thrown at every public function, constructor and option: each probe must give a plain
 * `Error` (not a TypeError or RangeError from deep inside) whose message starts with the name of
 * the function the user called and mentions the offending value or shapes. One table, one row per
 * probe; the last test checks that every exported function or class has a row (or a reason not to).
 *
 * To add probes for a new op: append rows `[name, () => call, 'text the message must contain']`
 * in its section (a RegExp works too). The row's label is the call's source, so keep calls short.
 */
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { tensor, zeros } from '../src/index.js';
import type { Tensor } from '../src/index.js';

type Probe = readonly [name: string, run: () => unknown, mentions: string | RegExp];

const m34 = zeros([3, 4]);
const m52 = zeros([5, 2]);
const v3 = zeros([3]);
const w = tensor([1, 2], { requiresGrad: true });
const bad = 'x' as never; // a value of the wrong type, for arguments typed otherwise
const params = (): [string, Tensor][] => [['w', tensor([1, 2], { requiresGrad: true })]];
const deep = (depth: number): unknown => { let v: unknown = 1; for (let i = 0; i < depth; i++) v = [v]; return v; };
const square = (x: Tensor): Tensor => x.mul(x).sum();
const okDef: T.OpDef = { name: 'twice', formulas: ['2·g'], forward: ([x]) => x!.mul(2), vjp: (_c, g) => [g.mul(2)] };
const dataset = { x: new Float64Array(6), labels: Uint8Array.of(0, 1, 2), count: 3, features: 2 };

const PROBES: readonly Probe[] = [
  // ── constructors and creation ────────────────────────────────────────────────────────────────
  ['Tensor', () => new T.Tensor(new Float64Array(5), [2, 2]), '[2,2]'],
  ['Tensor', () => new T.Tensor(new Float64Array(4), [2, -2]), '[2,-2]'],
  ['Tensor', () => new T.Tensor(new Float64Array(2), [1.5, 2] as never), '1.5'],
  ['Tensor', () => new T.Tensor([1, 2] as never, [2]), 'array'],
  ['Tensor', () => new T.Tensor(new Float64Array(2), 2 as never), '2'],
  ['tensor', () => tensor([[1, 2], [3]]), '[1]'],
  ['tensor', () => tensor([[1, 2], [3, [4]]] as never), '[1,1]'],
  ['tensor', () => tensor([1, 'a'] as never), 'string'],
  ['tensor', () => tensor(null as never), 'null'],
  ['tensor', () => tensor('abc' as never), 'string'],
  ['tensor', () => tensor(undefined as never), 'undefined'],
  ['tensor', () => tensor(deep(20000) as never), '20000'],
  ['tensor', () => tensor([1], { dtype: 'int32' as never }), '"int32"'],
  ['tensor', () => tensor(new Float64Array(5), { shape: [2, 2] }), '[2,2]'],
  ['tensor', () => tensor(new Float64Array(2), { shape: [1.5, 2] }), '1.5'],
  ['tensor', () => tensor([1, 2], { shape: [-1, -2] }), '-1'],
  ['tensor', () => tensor([1], { requiresGrad: 'yes' as never }), '"yes"'],
  ['tensor', () => tensor([1], { name: 5 as never }), '5'],
  ['tensor', () => tensor([1], { copy: 0 as never }), '0'],
  ['tensor', () => tensor([1], { sahpe: [1] } as never), 'sahpe'],
  ['full', () => T.full([2], bad), '"x"'],
  ['full', () => T.full(bad, 1), '"x"'],
  ['full', () => T.full([2, 0.5], 1), '0.5'],
  ['full', () => T.full([2], 1, { dtype: 'int8' as never }), '"int8"'],
  ['full', () => T.full([1e5, 1e5], 1), '[100000,100000]'],
  ['zeros', () => zeros([1e5, 1e5]), '[100000,100000]'],
  ['zeros', () => zeros([2, -1]), '[2,-1]'],
  ['zeros', () => zeros(3 as never), '3'],
  ['zeros', () => zeros([2], { dtype: 'float16' as never }), '"float16"'],
  ['zeros', () => zeros([2], { requiresGrad: 1 as never }), '1'],
  ['ones', () => T.ones([-3]), '[-3]'],
  ['ones', () => T.ones([2 ** 40]), String(2 ** 40)],
  ['ones', () => T.ones([2], { name: {} as never }), 'name'],
  ['randn', () => T.randn([2], { std: -1 }), '-1'],
  ['randn', () => T.randn([2], { mean: NaN }), 'NaN'],
  ['randn', () => T.randn([2], { mean: Infinity }), 'Infinity'],
  ['randn', () => T.randn([2], { std: Infinity }), 'Infinity'],
  ['randn', () => T.randn([2], { seed: {} as never }), 'seed'],
  ['randn', () => T.randn([2.5]), '2.5'],
  ['randn', () => T.randn([2], { dtype: 'f32' as never }), '"f32"'],
  ['randn', () => T.randn([2], { sd: 2 } as never), 'sd'],
  ['rand', () => T.rand([2], { low: 1, high: 0 }), '1'],
  ['rand', () => T.rand([2], { low: 1, high: 1 }), '1'],
  ['rand', () => T.rand([2], { high: Infinity }), 'Infinity'],
  ['rand', () => T.rand([2], { low: NaN }), 'NaN'],
  ['rand', () => T.rand([2], { low: -Infinity }), '-Infinity'],
  ['rand', () => T.rand(bad), '"x"'],
  ['oneHot', () => T.oneHot([0, 3], 3), '3'],
  ['oneHot', () => T.oneHot([0], 0), '0'],
  ['oneHot', () => T.oneHot([0], 2.5), '2.5'],
  ['oneHot', () => T.oneHot([0.5], 2), '0.5'],
  ['oneHot', () => T.oneHot(tensor([[0, 1], [2, -1]]), 3), '-1'],
  ['oneHot', () => T.oneHot('abc' as never, 3), '"abc"'],
  ['oneHot', () => T.oneHot([0], 2, { dtype: 'int' as never }), '"int"'],
  ['manualSeed', () => T.manualSeed({} as never), 'object'],
  ['manualSeed', () => T.manualSeed(NaN), 'NaN'],

  // ── element-wise ops ─────────────────────────────────────────────────────────────────────────
  ['add', () => T.add(m34, v3), '[3,4] and [3]'],
  ['add', () => T.add(m34, [1, 2] as never), 'array'],
  ['add', () => T.add(null as never, m34), 'null'],
  ['sub', () => T.sub(m34, m52), '[3,4] and [5,2]'],
  ['sub', () => T.sub(m34, '1' as never), 'string'],
  ['mul', () => m34.mul(m52), '[3,4] and [5,2]'],
  ['mul', () => T.mul(undefined as never, 2), 'undefined'],
  ['div', () => T.div(m34, zeros([2])), '[3,4] and [2]'],
  ['div', () => T.div(m34, {} as never), 'object'],
  ['pow', () => T.pow(m34, zeros([2])), '[3,4] and [2]'],
  ['pow', () => T.pow(m34, 'x' as never), 'string'],
  ['neg', () => T.neg(3 as never), 'number'],
  ['exp', () => T.exp([1] as never), 'array'],
  ['log', () => T.log(null as never), 'null'],
  ['sqrt', () => T.sqrt('4' as never), 'string'],
  ['abs', () => T.abs(undefined as never), 'undefined'],
  ['tanh', () => T.tanh({} as never), 'object'],
  ['sigmoid', () => T.sigmoid(1 as never), 'number'],
  ['relu', () => T.relu([0] as never), 'array'],
  ['sign', () => T.sign(true as never), 'boolean'],
  ['equalMask', () => T.equalMask(m34, v3), '[3,4] and [3]'],
  ['greaterMask', () => T.greaterMask(m34, m52), '[3,4] and [5,2]'],
  ['greaterEqualMask', () => T.greaterEqualMask(v3, 'x' as never), 'string'],
  ['tanhBackward', () => T.tanhBackward(m34, v3), '[3,4] and [3]'],
  ['sigmoidBackward', () => T.sigmoidBackward(m34, m52), '[3,4] and [5,2]'],
  ['reluBackward', () => T.reluBackward(v3, m52), '[3] and [5,2]'],
  ['where', () => T.where(zeros([2]), m34, 0), '[2] and [3,4]'],
  ['where', () => T.where([1, 0] as never, 1, 0), 'array'],
  ['where', () => T.where(v3, 'a' as never, 0), 'string'],

  // ── reductions ───────────────────────────────────────────────────────────────────────────────
  ['sum', () => T.sum(m34, 2), '2'],
  ['sum', () => T.sum(m34, '1' as never), '"1"'],
  ['sum', () => T.sum(m34, null as never), 'null'],
  ['sum', () => T.sum(m34, [0, 'a'] as never), '"a"'],
  ['sum', () => T.sum(m34, 0.5), '0.5'],
  ['sum', () => T.sum(m34, 0, 'yes' as never), '"yes"'],
  ['sum', () => m34.sum(-3), '-3'],
  ['sum', () => T.sum([1, 2] as never), 'array'],
  ['mean', () => T.mean(m34, -3), '-3'],
  ['mean', () => T.mean(zeros([0, 2]), 0), '[0,2]'],
  ['mean', () => T.mean(m34, {} as never), 'object'],
  ['mean', () => T.mean(m34, 0, 1 as never), '1'],
  ['max', () => T.max(m34, [0, -2]), '0'],
  ['max', () => T.max(zeros([0, 2]), 0), '[0,2]'],
  ['max', () => T.max(m34, 'ab' as never), '"ab"'],
  ['max', () => T.max(m34, undefined, null as never), 'null'],

  // ── shape ops ────────────────────────────────────────────────────────────────────────────────
  ['reshape', () => T.reshape(m34, [5, 2]), '[5,2]'],
  ['reshape', () => T.reshape(m34, [-1, -1]), '[-1,-1]'],
  ['reshape', () => T.reshape(m34, [5, -1]), '[5,-1]'],
  ['reshape', () => T.reshape(m34, [1.5, 8]), '1.5'],
  ['reshape', () => T.reshape(m34, 'x' as never), '"x"'],
  ['reshape', () => T.reshape(12 as never, [12]), 'number'],
  ['transpose', () => T.transpose(m34, [0, 0]), '[0,0]'],
  ['transpose', () => T.transpose(m34, 'ab' as never), '"ab"'],
  ['transpose', () => T.transpose(m34, [0, 2]), '[0,2]'],
  ['transpose', () => T.transpose(m34, [0.5, 1]), '0.5'],
  ['transpose', () => T.transpose(m34, null as never), 'null'],
  ['transpose', () => T.transpose('m' as never), 'string'],
  ['broadcastTo', () => T.broadcastTo(m34, [4, 4]), '[3,4]'],
  ['broadcastTo', () => T.broadcastTo(m34, 'x' as never), '"x"'],
  ['broadcastTo', () => T.broadcastTo(v3, [1.5, 3]), '1.5'],
  ['broadcastTo', () => T.broadcastTo(v3, [-2, 3]), '-2'],
  ['broadcastTo', () => T.broadcastTo(m34, [4]), '[4]'],
  ['broadcastTo', () => T.broadcastTo(null as never, [2]), 'null'],
  ['sumTo', () => T.sumTo(m34, [4, 4]), '[4,4]'],
  ['sumTo', () => T.sumTo(m34, [5]), '[5]'],
  ['sumTo', () => T.sumTo(m34, 'x' as never), '"x"'],
  ['sumTo', () => T.sumTo(m34, [1, 2, 3, 4]), '[1,2,3,4]'],
  ['sumTo', () => T.sumTo([1] as never, [1]), 'array'],
  ['cast', () => T.cast(m34, 'int8' as never), '"int8"'],
  ['cast', () => T.cast(m34, undefined as never), 'undefined'],
  ['cast', () => T.cast(1 as never, 'float32'), 'number'],

  // ── matrix products ──────────────────────────────────────────────────────────────────────────
  ['matmul', () => T.matmul(m34, m52), '[3,4] by [5,2]'],
  ['matmul', () => T.matmul(tensor(2), m34), '[] and [3,4]'],
  ['matmul', () => T.matmul(m34, [[1]] as never), 'array'],
  ['matmulNT', () => T.matmulNT(m34, m52), '[3,4] by [5,2]'],
  ['matmulNT', () => T.matmulNT(v3, m34), '[3]'],
  ['matmulNT', () => T.matmulNT(m34, 'b' as never), 'string'],
  ['matmulNT', () => T.matmulNT(m34, zeros([2, 4], { dtype: 'float32' })), 'float32'],
  ['matmulTN', () => T.matmulTN(m34, m52), '[3,4] by [5,2]'],
  ['matmulTN', () => T.matmulTN(null as never, m34), 'null'],

  // ── softmax and losses ───────────────────────────────────────────────────────────────────────
  ['softmax', () => T.softmax(m34, 5), '5'],
  ['softmax', () => T.softmax(m34, '1' as never), '"1"'],
  ['softmax', () => T.softmax(3 as never), 'number'],
  ['logSoftmax', () => T.logSoftmax(m34, 0.5), '0.5'],
  ['logSoftmax', () => T.logSoftmax(m34, null as never), 'null'],
  ['softmaxCrossEntropy', () => T.softmaxCrossEntropy(m34, [1, 2]), '[2]'],
  ['softmaxCrossEntropy', () => T.softmaxCrossEntropy(m34, [0, 4, 1]), '4'],
  ['softmaxCrossEntropy', () => T.softmaxCrossEntropy(m34, [0, 1.5, 1]), '1.5'],
  ['softmaxCrossEntropy', () => T.softmaxCrossEntropy(m34, [0, 1, 1], { reduction: 'max' as never }), '"max"'],
  ['softmaxCrossEntropy', () => T.softmaxCrossEntropy(tensor(1), [0]), '0-d'],
  ['softmaxCrossEntropy', () => T.softmaxCrossEntropy(m34, [0, 1, 1], { axis: 'x' as never }), '"x"'],
  ['softmaxCrossEntropy', () => T.softmaxCrossEntropy(m34, 'abc' as never), '"abc"'],
  ['softmaxCrossEntropy', () => T.softmaxCrossEntropy(m34, [0, 1, 1], { reduce: 'sum' } as never), 'reduce'],
  ['mseLoss', () => T.mseLoss(zeros([4, 1]), zeros([4])), '[4,1]'],
  ['mseLoss', () => T.mseLoss(v3, v3, { reduction: 'avg' as never }), '"avg"'],
  ['mseLoss', () => T.mseLoss(zeros([0]), zeros([0])), '[0]'],
  ['mseLoss', () => T.mseLoss(v3, [0, 0, 0] as never), 'array'],
  ['mseLoss', () => T.mseLoss(v3, v3, 'sum' as never), '"sum"'],

  // ── autodiff ─────────────────────────────────────────────────────────────────────────────────
  ['backward', () => T.backward(w.mul(2)), '[2]'],
  ['backward', () => T.backward(w.mul(2), zeros([3])), '[3]'],
  ['backward', () => T.backward(w.mul(2), [1, 1] as never), 'array'],
  ['backward', () => T.backward(v3.sum()), '[]'],
  ['backward', () => T.backward(w.sum(), undefined, { retainGraph: 'yes' as never }), '"yes"'],
  ['backward', () => T.backward(w.sum(), undefined, { createGraph: 1 as never }), '1'],
  ['backward', () => T.backward(w.sum(), undefined, { retain: true } as never), 'retain'],
  ['backward', () => T.backward('loss' as never), '"loss"'],
  ['backward', () => w.mul(2).backward(tensor([1, 1, 1])), '[3]'],
  ['grad', () => T.grad(square, 2)(v3), '2'],
  ['grad', () => T.grad(square, 0.5)(v3), '0.5'],
  ['grad', () => T.grad(square, 'a' as never)(v3), '"a"'],
  ['grad', () => T.grad(square)(3 as never), 'got 3'],
  ['grad', () => T.grad((x: Tensor) => x.mul(2))(v3), '[3]'],
  ['grad', () => T.grad((() => 3) as never)(v3), 'got 3'],
  ['grad', () => T.grad(3 as never), 'got 3'],
  ['valueAndGrad', () => T.valueAndGrad(null as never), 'null'],
  ['valueAndGrad', () => T.valueAndGrad(square, [0, 0])(v3), '[0,0]'],
  ['valueAndGrad', () => T.valueAndGrad(square, -1)(v3), '-1'],
  ['noGrad', () => T.noGrad(3 as never), 'number'],
  ['tape', () => T.tape(3 as never), 'got 3'],
  ['applyOp', () => T.applyOp({} as never, [v3], undefined), 'name'],
  ['applyOp', () => T.applyOp(okDef, v3 as never, undefined), 'inputs'],
  ['applyOp', () => T.applyOp(okDef, [v3, 3] as never, undefined), 'input 1'],
  ['applyOp', () => T.applyOp({ ...okDef, forward: () => 3 as never }, [v3], undefined), 'returned 3'],
  ['requiresGrad', () => { const r = w.mul(2); r.requiresGrad = false; }, "'mul'"],
  ['requiresGrad', () => { v3.detach().requiresGrad = 'yes' as never; }, '"yes"'],
  ['item', () => m34.item(), '[3,4]'],
  ['backward', () => T.backward((() => { const x = tensor([1], { requiresGrad: true, name: 'x' }); const y = x.mul(x).sum(); x.markModified(); return y; })()), /^backward: .*x is at version 1; expected version 0 \(saved by mul\)/],

  // ── custom ops and checking ──────────────────────────────────────────────────────────────────
  ['defineOp', () => T.defineOp(null as never), 'null'],
  ['defineOp', () => T.defineOp({ name: '', forward: (x) => x, backward: (g) => g }), '""'],
  ['defineOp', () => T.defineOp({ name: 'f', forward: 3 as never, backward: (g) => g }), 'got 3'],
  ['defineOp', () => T.defineOp({ name: 'f', forward: (x) => x, backward: 'g' as never }), '"g"'],
  ['defineOp', () => T.defineOp({ name: 'f', forward: (x) => x.mul(2), backward: (g) => [g, g] })(w).sum().backward(), '2 gradient(s) for 1 input'],
  ['defineOp', () => T.defineOp({ name: 'f', forward: (x) => x.mul(2), backward: () => [zeros([3])] })(w).sum().backward(), '[3]'],
  ['defineOp', () => T.defineOp({ name: 'f', forward: () => 3 as never, backward: (g) => g })(w), 'number'],
  ['defineOp', () => T.defineOp({ name: 'f', forward: (x) => x, backward: (g) => g })('x' as never), 'string'],
  ['checkOp', () => T.checkOp(T.exp, [3 as never]), 'Tensor'],
  ['checkOp', () => T.checkOp(T.exp, v3 as never), 'sampleInputs'],
  ['checkOp', () => T.checkOp(3 as never, [v3]), 'got 3'],
  ['gradcheck', () => T.gradcheck(3 as never, [v3]), 'got 3'],
  ['gradcheck', () => T.gradcheck(square, [3 as never]), 'number'],
  ['gradcheck', () => T.gradcheck(square, [v3], { eps: -1 }), '-1'],
  ['gradcheck', () => T.gradcheck(square, [v3], { atol: NaN }), 'NaN'],
  ['gradcheck', () => T.gradcheck(square, [v3], { rtol: 'x' as never }), '"x"'],
  ['formatGradcheck', () => T.formatGradcheck('x' as never), '"x"'],
  ['verifyGradients', () => T.verifyGradients(null as never), 'null'],
  ['verifyGradients', () => T.verifyGradients({ params: { W: 3 as never }, loss: square as never, manual: () => ({}) }), 'W'],
  ['verifyGradients', () => T.verifyGradients({ params: { W: v3 }, loss: 3 as never, manual: () => ({}) }), 'loss'],
  ['verifyGradients', () => T.verifyGradients({ params: { W: v3 }, loss: (p) => square(p['W']!), manual: () => ({}), batchSize: -1 }), '-1'],
  ['formatVerify', () => T.formatVerify(null as never), 'null'],
  ['verifyJacobian', () => T.verifyJacobian(null as never), 'null'],
  ['verifyJacobian', () => T.verifyJacobian({ params: { x: v3 }, outputs: 3 as never, manual: () => ({}) }), 'outputs'],
  ['diagnose', () => T.diagnose([1] as never, new Float64Array(1), { name: 'W', shape: [1] } as never), 'manual'],
  ['diagnose', () => T.diagnose(new Float64Array(2), new Float64Array(3), { name: 'W', shape: [2] } as never), '3'],

  // ── pictures, explainer, formatting ──────────────────────────────────────────────────────────
  ['toDot', () => T.toDot('abc' as never), '"abc"'],
  ['toDot', () => T.toDot(w.sum(), { digits: -2 } as never), '-2'],
  ['toMermaid', () => T.toMermaid(null as never), 'null'],
  ['buildGraph', () => T.buildGraph(3 as never), 'got 3'],
  ['graphToDot', () => T.graphToDot('g' as never), '"g"'],
  ['graphToMermaid', () => T.graphToMermaid(null as never), 'null'],
  ['explain', () => T.explain('loss' as never), '"loss"'],
  ['explain', () => T.explain(w.sum(), 3 as never), 'got 3'],
  ['summarize', () => T.summarize([1] as never), 'array'],
  ['formatNumber', () => T.formatNumber('1' as never), '"1"'],
  ['linePlot', () => T.linePlot(null as never), 'null'],
  ['linePlot', () => T.linePlot({ series: [{ label: 'a', x: [1, 2], y: [1] }] } as never), "'a'"],
  ['niceTicks', () => T.niceTicks(NaN, 1), 'NaN'],
  ['niceTicks', () => T.niceTicks(0, 1, 0), '0'],

  // ── nn, init, optimizers ─────────────────────────────────────────────────────────────────────
  ['Linear', () => new T.Linear(0, 2), '0'],
  ['Linear', () => new T.Linear(2.5, 2), '2.5'],
  ['Linear', () => new T.Linear(2, 2, { layout: 'diag' as never }), '"diag"'],
  ['Linear', () => new T.Linear(2, 2, { init: 'bogus' }), 'bogus'],
  ['Linear', () => new T.Linear(2, 2, { dtype: 'int8' as never }), '"int8"'],
  ['Linear', () => new T.Linear(2, 2, { bias: 'no' as never }), '"no"'],
  ['Activation', () => new T.Activation('swish-ish'), 'swish-ish'],
  ['Sequential', () => new T.Sequential('x' as never), '"x"'],
  ['MLP', () => new T.MLP({ sizes: [3] }), '[3]'],
  ['MLP', () => new T.MLP({ sizes: [3, 0] }), '0'],
  ['MLP', () => new T.MLP({ sizes: [3, 2], activation: 'gelu-ish' as never }), 'gelu-ish'],
  ['MLP', () => new T.MLP(null as never), 'null'],
  ['parseInit', () => T.parseInit('bogus'), 'bogus'],
  ['parseInit', () => T.parseInit('normal:-1'), 'normal:-1'],
  ['parseInit', () => T.parseInit(3 as never), 'got 3'],
  ['formatInit', () => T.formatInit({ kind: 'bogus' } as never), '"bogus"'],
  ['initWeight', () => T.initWeight(new Float64Array(2), -1, 2, { kind: 'he' }, Math.random), '-1'],
  ['initWeight', () => T.initWeight(new Float64Array(2), 1, 2, { kind: 'bogus' } as never, Math.random), '"bogus"'],
  ['initBias', () => T.initBias(new Float64Array(2), { kind: 'bogus' } as never, Math.random), '"bogus"'],
  ['SGD', () => new T.SGD(params(), { lr: -1 }), '-1'],
  ['SGD', () => new T.SGD(params(), { lr: NaN }), 'NaN'],
  ['SGD', () => new T.SGD(params(), { lr: 0.1, momentum: 2 }), '2'],
  ['SGD', () => new T.SGD([3] as never, { lr: 0.1 }), 'got 3'],
  ['SGD', () => new T.SGD([v3], { lr: 0.1 }), 'p0'],
  ['SGD', () => new T.SGD([...params(), ...params()], { lr: 0.1 }), "'w'"],
  ['SGD', () => new T.SGD(params(), undefined as never), 'lr'],
  ['SGD', () => new T.SGD(params(), { lr: 0.1, nesterov: true } as never), 'nesterov'],
  ['SGD', () => { const [[, p]] = params() as [[string, Tensor]]; p.grad = zeros([3]); new T.SGD([p], { lr: 0.1 }).step(); }, '3'],
  ['Adam', () => new T.Adam(params(), { beta1: 1 }), 'beta1'],
  ['Adam', () => new T.Adam(params(), { eps: -1 }), '-1'],
  ['Adam', () => new T.Adam(params(), { lr: 0 }), '0'],
  ['Adam', () => new T.Adam(params()).loadStateDict(new T.SGD(params(), { lr: 1 }).stateDict()), "'SGD'"],
  ['Adam', () => new T.Adam(params(), { betas: [0.9, 0.99] } as never), 'betas'],

  // ── data ─────────────────────────────────────────────────────────────────────────────────────
  ['epochPermutation', () => T.epochPermutation(-1, 1, 0), '-1'],
  ['epochPermutation', () => T.epochPermutation(3, 1, 0.5), '0.5'],
  ['batchRanges', () => [...T.batchRanges(Int32Array.of(0, 1), 0)], '0'],
  ['batchRanges', () => [...T.batchRanges([0, 1] as never, 1)], 'array'],
  ['gatherFeatures', () => T.gatherFeatures(new Float64Array(4), 2, Int32Array.of(5)), '5'],
  ['gatherFeatures', () => T.gatherFeatures(new Float64Array(4), 0, Int32Array.of(0)), '0'],
  ['gatherFeatures', () => T.gatherFeatures(new Float64Array(4), 2, Int32Array.of(0), { layout: 'diag' as never }), '"diag"'],
  ['gatherOneHot', () => T.gatherOneHot(Uint8Array.of(2, 0), Int32Array.of(0), 2), '2'],
  ['gatherOneHot', () => T.gatherOneHot(Uint8Array.of(0), Int32Array.of(0), 0), '0'],
  ['gatherLabels', () => T.gatherLabels(Uint8Array.of(1, 2), Int32Array.of(2)), '2'],
  ['gatherLabels', () => T.gatherLabels(Uint8Array.of(1, 2), Int32Array.of(-1)), '-1'],
  ['sliceDataset', () => T.sliceDataset(null as never, 0, 1), 'null'],
  ['sliceDataset', () => T.sliceDataset(dataset, 2, 1), '2'],
  ['sliceDataset', () => T.sliceDataset(dataset, 0, 1.5), '1.5'],
  ['parseIdx', () => T.parseIdx(Uint8Array.of(0, 0), 'f.idx'), 'f.idx'],
  ['parseIdx', () => T.parseIdx(Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0), 'f.idx'), '0x01000801'],
  ['parseIdx', () => T.parseIdx([0, 0, 8, 1] as never, 'f.idx'), 'array'],
  ['encodeIdx', () => T.encodeIdx([3], Uint8Array.of(1, 2)), '[3]'],
  ['encodeIdx', () => T.encodeIdx([-1], Uint8Array.of()), '-1'],
  ['curveDataset', () => T.curveDataset({ n: 1 }), '1'],
  ['curveDataset', () => T.curveDataset({ target: 'star' as never }), '"star"'],
  ['configureKernels', () => T.configureKernels({ variant: 'avx9000' } as never), 'avx9000'],
  ['configureKernels', () => T.configureKernels({ smallWork: -1 } as never), '-1'],
  ['configureKernels', () => T.configureKernels(null as never), 'null'],
];

/** Exports that take no user input, or are not functions a user calls with data. */
const NOT_PROBED: Readonly<Record<string, string>> = {
  isGradEnabled: 'takes no arguments',
  kernelInfo: 'takes no arguments',
  Tanh: 'an activation factory without arguments',
  Sigmoid: 'an activation factory without arguments',
  ReLU: 'an activation factory without arguments',
  Module: 'an abstract base class',
  Optimizer: 'an abstract base class (probed through SGD and Adam)',
  TapeNode: 'a tape record, created by applyOp (probed there)',
  toSvg: 'async: probed by the rejection test below',
  dotToSvg: 'async: probed by the rejection test below',
  // The numpy interpreter: its errors are PyErrors located in the user's Python source (file:line:column),
  // probed construct by construct in test/numpy-interp.test.ts; the host helpers accept any Python value.
  runNumpy: 'errors are PyErrors at file:line:column of the Python source (test/numpy-interp.test.ts)',
  PyError: 'the error class itself',
  isNdArray: 'accepts any value (answers false)',
  isPyError: 'accepts any value (answers false)',
  asTensor: 'accepts any Python value (answers null)',
  fromPy: 'accepts any Python value',
  dictEntries: 'accepts any Python value (answers null)',
  listItems: 'accepts any Python value (answers null)',
  pyRepr: 'accepts any Python value',
  pyStr: 'accepts any Python value',
  toPy: 'accepts any JS value',
  pyFloat: 'a number in, a Python float out',
  pyTuple: 'accepts any values',
  makeNdArray: 'wraps a Tensor (host code, typed)',
  makeNdScalar: 'wraps a number (host code, typed)',
  hostFunction: 'wraps a host implementation (typed)',
  defineModule: 'wraps a name and attributes (typed)',
};

function outcome(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('bad-input probes: a plain Error that starts with the function name and names the bad value', () => {
  it(`has at least 150 distinct probes (${PROBES.length})`, () => {
    expect(new Set(PROBES.map(([n, run]) => `${n} ${run.toString()}`)).size).toBe(PROBES.length);
    expect(PROBES.length).toBeGreaterThanOrEqual(150);
  });

  for (const [name, run, mentions] of PROBES) {
    const source = run.toString().replace(/^\(\) => /, '').replace(/\(0,\s*__vite_ssr_import_\d+__\.(\w+)\)/g, '$1')
      .replace(/__vite_ssr_import_\d+__\./g, 'T.').replace(/\s+/g, ' ');
    it(`${name}: ${source}`, () => {
      const e = outcome(run);
      expect(e, 'no error was thrown').toBeInstanceOf(Error);
      const err = e as Error;
      expect(err.constructor.name, `a ${err.constructor.name}: ${err.message}`).toBe('Error');
      expect(err.message.startsWith(name), `does not start with '${name}': ${err.message}`).toBe(true);
      if (typeof mentions === 'string') expect(err.message).toContain(mentions);
      else expect(err.message).toMatch(mentions);
    });
  }

  it('the async picture functions reject the same way', async () => {
    await expect(T.toSvg('abc' as never)).rejects.toThrow(/^toSvg: .*"abc"/);
    await expect(T.dotToSvg(5 as never)).rejects.toThrow(/^dotToSvg: .*got 5/);
  });

  it('every exported function and class has a probe, or a reason in NOT_PROBED', () => {
    const probed = new Set(PROBES.map(([n]) => n));
    const missing = Object.entries(T)
      .filter(([n, v]) => typeof v === 'function' && !probed.has(n) && !(n in NOT_PROBED))
      .map(([n]) => n);
    expect(missing).toEqual([]);
  });
});
