/** compile(step): replays equal the eager step bit for bit, reuse buffers, and refuse what they cannot repeat. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Adam, SGD, add, compile, div, exp, linear, log, matmul, mean, mul, neg, pow, randn, relu, reshape, sigmoid, softmaxCrossEntropy,
  sqrt, square, sub, sum, tanh, tensor, transpose, zeros,
} from '../src/index.js';
import type { LinearActivation } from '../src/index.js';
import type { Optimizer, Tensor } from '../src/index.js';

type Act = 'tanh' | 'sigmoid' | 'relu';
const ACTS: Record<Act, (x: Tensor) => Tensor> = { tanh, sigmoid, relu };

interface Net { layers: { w: Tensor; b: Tensor }[]; opt: Optimizer }

function makeNet(sizes: number[], seed: number, optimizer: 'sgd' | 'momentum' | 'adam'): Net {
  const layers = sizes.slice(1).map((out, i) => ({
    w: randn([sizes[i]!, out], { seed: seed + i, std: 0.5, requiresGrad: true }),
    b: randn([out], { seed: seed + 100 + i, std: 0.1, requiresGrad: true }),
  }));
  const params = layers.flatMap((l) => [l.w, l.b]);
  const opt = optimizer === 'adam' ? new Adam(params, { lr: 0.01 }) : new SGD(params, { lr: 0.1, momentum: optimizer === 'momentum' ? 0.9 : 0 });
  return { layers, opt };
}

/** The step as a user writes it: forward, loss (cross-entropy on labels or squared error), backward, update. */
function stepOf(net: Net, act: Act, loss: 'ce' | 'mse'): (x: Tensor, y: Tensor) => Tensor {
  return (x, y) => {
    let h = x;
    net.layers.forEach((l, i) => {
      h = add(matmul(h, l.w), l.b);
      if (i + 1 < net.layers.length) h = ACTS[act](h);
    });
    const value = loss === 'ce' ? softmaxCrossEntropy(h, y) : mean(square(sub(h, y)));
    value.backward();
    net.opt.step();
    net.opt.zeroGrad();
    return value;
  };
}

const bits = (t: Tensor): number[] => Array.from(t.storage);

describe('compile: replays give the eager numbers', () => {
  it('random small nets, optimizers and losses: every step\'s loss and every parameter equal bit for bit (float64)', () => {
    const arb = fc.record({
      sizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 4 }),
      batch: fc.integer({ min: 1, max: 5 }),
      act: fc.constantFrom<Act>('tanh', 'sigmoid', 'relu'),
      loss: fc.constantFrom<'ce' | 'mse'>('ce', 'mse'),
      optimizer: fc.constantFrom<'sgd' | 'momentum' | 'adam'>('sgd', 'momentum', 'adam'),
      seed: fc.integer({ min: 0, max: 10_000 }),
    });
    fc.assert(fc.property(arb, ({ sizes, batch, act, loss, optimizer, seed }) => {
      const eagerNet = makeNet(sizes, seed, optimizer);
      const compiledNet = makeNet(sizes, seed, optimizer);
      const eager = stepOf(eagerNet, act, loss);
      const compiled = compile(stepOf(compiledNet, act, loss));
      const out = sizes[sizes.length - 1]!;
      for (let s = 0; s < 4; s++) {
        const x = randn([batch, sizes[0]!], { seed: seed * 7 + s });
        const y = loss === 'ce'
          ? tensor(Float64Array.from({ length: batch }, (_, i) => (i + s + seed) % out))
          : randn([batch, out], { seed: seed * 11 + s });
        expect(bits(compiled(x, y))).toEqual(bits(eager(x, y)));
      }
      eagerNet.layers.forEach((l, i) => {
        expect(bits(compiledNet.layers[i]!.w)).toEqual(bits(l.w));
        expect(bits(compiledNet.layers[i]!.b)).toEqual(bits(l.b));
      });
      expect(compiled.info().replays).toBe(3);
    }), { numRuns: 40 });
  });

  it('float32 too: the same kernels, so the same bits', () => {
    const mk = (): Tensor[] => [randn([4, 3], { seed: 1, dtype: 'float32', requiresGrad: true }), zeros([3], { dtype: 'float32', requiresGrad: true })];
    const [wa, ba] = mk() as [Tensor, Tensor];
    const [wb, bb] = mk() as [Tensor, Tensor];
    const optA = new SGD([wa, ba], { lr: 0.5 });
    const optB = new SGD([wb, bb], { lr: 0.5 });
    const step = (w: Tensor, b: Tensor, opt: SGD) => (x: Tensor): Tensor => {
      const l = sum(sigmoid(add(matmul(x, w), b)));
      l.backward();
      opt.step();
      opt.zeroGrad();
      return l;
    };
    const c = compile(step(wb, bb, optB));
    for (let s = 0; s < 5; s++) {
      const x = randn([2, 4], { seed: 10 + s, dtype: 'float32' });
      expect(bits(c(x))).toEqual(bits(step(wa, ba, optA)(x)));
    }
    expect(bits(wb)).toEqual(bits(wa));
  });
});

describe('compile: VJPs replayed as their ops (no VJP code run on replay)', () => {
  type Layer = 'linear' | 'matmul-add' | 'transpose' | 'reshape' | 'column' | 'div' | 'pow';
  const UNARY: ((x: Tensor) => Tensor)[] = [
    tanh, sigmoid, relu, neg, (x) => exp(mul(x, 0.25)), (x) => log(add(mul(x, x), 1)), (x) => sqrt(add(mul(x, x), 0.5)),
  ];

  /** A random stack of layers over the flattenable ops (broadcast rows and columns, reductions, views) and pow (not flattened). */
  function program(layers: readonly Layer[], acts: readonly number[], width: number, batch: number, seed: number, dtype: 'float32' | 'float64') {
    const p = (shape: number[], k: number): Tensor => randn(shape, { seed: seed + k, std: 0.5, dtype, requiresGrad: true });
    const params = layers.map((_, i) => ({ w: p([width, width], 10 * i), b: p([width], 10 * i + 1), c: p([batch, 1], 10 * i + 2) }));
    const out = p([width, width], 99);
    const opt = new SGD([...params.flatMap((q) => [q.w, q.b, q.c]), out], { lr: 0.05 });
    const step = (x: Tensor, y: Tensor): Tensor => {
      let h = x;
      layers.forEach((kind, i) => {
        const { w, b, c } = params[i]!;
        const act = UNARY[acts[i]! % UNARY.length]!;
        const lin: LinearActivation = (['identity', 'tanh', 'sigmoid', 'relu'] as const)[acts[i]! % 4]!;
        if (kind === 'linear') h = linear(h, w, b, lin);
        else if (kind === 'matmul-add') h = act(add(matmul(h, w), b));
        else if (kind === 'transpose') h = transpose(act(transpose(matmul(h, w))));
        else if (kind === 'reshape') h = reshape(act(reshape(add(h, b), [-1])), [batch, width]);
        else if (kind === 'column') h = act(sub(mul(h, c), b)); // a [batch, 1] column and a [width] row, both broadcast
        else if (kind === 'div') h = div(h, add(mul(c, c), 1));
        else h = pow(act(h), 2);
      });
      h = matmul(h, out); // a parameter always reaches the loss
      const d = sub(h, y);
      const value = add(div(sum(mul(d, d)), batch), mean(sum(h, 1, true)));
      value.backward();
      opt.step();
      opt.zeroGrad();
      return value;
    };
    return { step, params };
  }

  it('random programs: every step and parameter bit for bit equal to eager, float64 and float32', () => {
    const arb = fc.record({
      layers: fc.array(fc.constantFrom<Layer>('linear', 'matmul-add', 'transpose', 'reshape', 'column', 'div', 'pow'), { minLength: 1, maxLength: 4 }),
      acts: fc.array(fc.integer({ min: 0, max: 27 }), { minLength: 4, maxLength: 4 }),
      width: fc.integer({ min: 1, max: 5 }),
      batch: fc.integer({ min: 1, max: 4 }),
      seed: fc.integer({ min: 0, max: 10_000 }),
      dtype: fc.constantFrom<'float32' | 'float64'>('float64', 'float32'),
    });
    fc.assert(fc.property(arb, ({ layers, acts, width, batch, seed, dtype }) => {
      const eager = program(layers, acts, width, batch, seed, dtype);
      const traced = program(layers, acts, width, batch, seed, dtype);
      const compiled = compile(traced.step);
      for (let s = 0; s < 4; s++) {
        const x = randn([batch, width], { seed: seed * 3 + s, dtype });
        const y = randn([batch, width], { seed: seed * 5 + s, dtype });
        expect(bits(compiled(x, y))).toEqual(bits(eager.step(x, y)));
      }
      eager.params.forEach((q, i) => {
        const r = traced.params[i]!;
        expect([bits(r.w), bits(r.b), bits(r.c)]).toEqual([bits(q.w), bits(q.b), bits(q.c)]);
      });
      const info = compiled.info();
      expect(info.flatVjps).toBeGreaterThan(0);
    }), { numRuns: 60 });
  });

  it('not flattened: pow (its VJP branches on the exponent\'s value) and a VJP that makes a buffer outside its ops (sqrt\'s 2)', () => {
    const w = tensor([0.5, 2, 3], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.01 });
    const counts = (f: (x: Tensor) => Tensor): { flatVjps: number; vjps: number; losses: number[][] } => {
      const make = (): ((x: Tensor) => Tensor) => (x) => {
        const l = sum(f(mul(x, w)));
        l.backward();
        opt.step();
        opt.zeroGrad();
        return l;
      };
      const c = compile(make());
      const e = make();
      const losses = [1, 2, 3].map((s) => [c(tensor([s, 1, 2])).item(), 0]);
      w.storage.set([0.5, 2, 3]);
      losses.forEach((l, i) => (l[1] = e(tensor([i + 1, 1, 2])).item()));
      w.storage.set([0.5, 2, 3]);
      return { ...c.info(), losses };
    };
    for (const [f, flat] of [[(t: Tensor) => pow(t, 3), 2], [(t: Tensor) => sqrt(t), 2], [(t: Tensor) => exp(t), 3]] as const) {
      const info = counts(f);
      expect(info.vjps).toBe(3); // mul, the op, sum
      expect(info.flatVjps).toBe(flat);
      for (const [compiled, eager] of info.losses) expect(compiled).toBe(eager);
    }
  });

  it('the W3 curve step: its VJPs flattened, and the same costs as eager for 50 steps', () => {
    const make = () => [[1, 6], [6, 7], [7, 2]].map(([i, o], k) => ({
      w: randn([i!, o!], { seed: 40 + k, requiresGrad: true }), b: randn([o!], { seed: 50 + k, requiresGrad: true }),
    }));
    const stepOn = (layers: ReturnType<typeof make>, opt: SGD) => (x: Tensor, y: Tensor): Tensor => {
      let a = x;
      for (const l of layers) a = linear(a, l.w, l.b, 'sigmoid');
      const d = sub(a, y);
      const c = div(sum(mul(d, d)), 100);
      c.backward();
      opt.step();
      opt.zeroGrad();
      return c;
    };
    const [la, lb] = [make(), make()];
    const eager = stepOn(la, new SGD(la.flatMap((l) => [l.w, l.b]), { lr: 7 }));
    const compiled = compile(stepOn(lb, new SGD(lb.flatMap((l) => [l.w, l.b]), { lr: 7 })));
    const x = randn([100, 1], { seed: 1 });
    const y = sigmoid(randn([100, 2], { seed: 2 }));
    for (let s = 0; s < 50; s++) expect(compiled(x, y).item()).toBe(eager(x, y).item());
    const info = compiled.info();
    expect(info.vjps).toBe(7);
    // div, sum, mul and sub at least; linear's too while its VJP is written with ops alone (a fused loop of its
    // own makes buffers outside ops, and then its code runs on replay).
    expect(info.flatVjps).toBeGreaterThanOrEqual(4);
  });
});

describe('compile: buffers', () => {
  it('a step that zeroes its gradients and returns nothing allocates nothing on replay: every buffer pooled', () => {
    const net = makeNet([5, 4, 3], 1, 'sgd');
    const run = stepOf(net, 'tanh', 'ce');
    const c = compile((x: Tensor, y: Tensor): void => { run(x, y); });
    const x = randn([6, 5], { seed: 2 });
    const y = tensor([0, 1, 2, 0, 1, 2]);
    c(x, y);
    c(x, y);
    const info = c.info();
    expect(info.freshBuffers).toBe(0);
    expect(info.pooledBuffers).toBeGreaterThan(10);
    expect(info).toMatchObject({ traced: true, ops: expect.any(Number), vjps: expect.any(Number), replays: 1 });
  });

  it('returned tensors and gradients left in .grad are new each replay: what the caller holds never changes', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const c = compile((x: Tensor) => {
      const l = sum(mul(mul(x, w), w));
      l.backward();
      return l;
    });
    const first = c(tensor([1, 1, 1]));
    const g1 = w.grad!;
    w.zeroGrad();
    const second = c(tensor([2, 2, 2]));
    expect(first.item()).toBe(14);
    expect(second.item()).toBe(28);
    expect(g1.toArray()).toEqual([2, 4, 6]);
    expect(w.grad!.toArray()).toEqual([4, 8, 12]);
    expect(second.requiresGrad).toBe(false);
    // Without zeroGrad in between, a replay accumulates into .grad exactly as backward does.
    c(tensor([1, 1, 1]));
    expect(w.grad!.toArray()).toEqual([6, 12, 18]);
  });

  it('labels passed as a tensor are read on every replay (one-hot is an op)', () => {
    const z = tensor([[1, 2, 3]], { requiresGrad: true });
    const c = compile((y: Tensor) => {
      const l = softmaxCrossEntropy(z, y);
      l.backward();
      z.zeroGrad();
      return l;
    });
    const expected = [0, 1, 2].map((k) => softmaxCrossEntropy(z.detach(), [k]).item());
    expect([0, 1, 2].map((k) => c(tensor([k])).item())).toEqual(expected);
  });
});

describe('compile: what a replay cannot repeat is refused with an error naming compile', () => {
  const w = tensor([1, 2], { requiresGrad: true });
  const x = tensor([3, 4]);

  it('changed shapes or dtypes, other argument counts', () => {
    const c = compile((a: Tensor) => sum(mul(a, w)));
    c(x);
    expect(() => c(tensor([1, 2, 3]))).toThrow(/^compile: argument 0 has shape \[3\] float64, but the step was traced with \[2\] float64/);
    expect(() => c(tensor([1, 2], { dtype: 'float32' }))).toThrow(/\[2\] float32/);
    expect(() => (c as (...a: Tensor[]) => Tensor)(x, x)).toThrow(/^compile: the step was traced with 1 arguments, got 2/);
  });

  it('value reads, data made inside the step, random draws', () => {
    expect(() => compile((a: Tensor) => { if (sum(a).item() > 0) return a; return a; })(x)).toThrow(/^compile: the step reads a tensor's values with item\(\)/);
    expect(() => compile((a: Tensor) => { a.toArray(); })(x)).toThrow(/toArray\(\)/);
    expect(() => compile(() => tensor(new Float64Array(2)))()).toThrow(/^compile: the step makes a tensor from a typed array/);
    expect(() => compile(() => randn([2]))()).toThrow(/^compile: the step draws random numbers with randn\(\)/);
  });

  it('createGraph, a backward through ops recorded before the step, arguments that require grad, bad returns', () => {
    expect(() => compile((a: Tensor) => { sum(mul(a, w)).backward(undefined, { createGraph: true }); })(x)).toThrow(/createGraph/);
    const outside = sum(mul(w, w));
    expect(() => compile(() => { outside.backward(); })()).toThrow(/^compile: the step goes backward through op 'sum', recorded before the step began/);
    expect(() => compile((a: Tensor) => a)(w)).toThrow(/^compile: argument 0 requires grad/);
    expect(() => compile(() => 3 as never)()).toThrow(/^compile: the step must return nothing, a Tensor or an array of Tensors, got 3/);
    w.zeroGrad();
  });

  it('a compiled step cannot run inside another one\'s trace', () => {
    const inner = compile((a: Tensor) => mul(a, 2));
    expect(() => compile((a: Tensor) => inner(a))(x)).toThrow(/^compile: a compiled step cannot run while another step is being traced/);
  });
});
