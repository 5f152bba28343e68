/** The fused linear op gives exactly the numbers of matmul + add + activation, forward and backward. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Linear, MLP, Sequential, Tanh, add, linear, matmul, randn, relu, sigmoid, sum, tanh, tape } from '../src/index.js';
import type { LinearActivation, Tensor } from '../src/index.js';

const ACT: Record<LinearActivation, (z: Tensor) => Tensor> = { identity: (z) => z, tanh, sigmoid, relu };
const bits = (t: Tensor | null): number[] => Array.from(t!.storage);

describe('linear: fused = unfused, bit for bit', () => {
  it('forward values and the gradients of x, w and b (float32 and float64, sizes that reach the native kernels)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }),
      fc.constantFrom<LinearActivation>('identity', 'tanh', 'sigmoid', 'relu'), fc.constantFrom('float32', 'float64' as const), fc.integer({ min: 0, max: 1e5 }),
      (m, k, n, activation, dtype, seed) => {
        const mk = (): Tensor[] => [
          randn([m, k], { seed, dtype, requiresGrad: true }), randn([k, n], { seed: seed + 1, dtype, requiresGrad: true }),
          randn([n], { seed: seed + 2, dtype, requiresGrad: true }),
        ];
        const [x1, w1, b1] = mk() as [Tensor, Tensor, Tensor];
        const [x2, w2, b2] = mk() as [Tensor, Tensor, Tensor];
        const weights = randn([m, n], { seed: seed + 3, dtype });
        const fused = linear(x1, w1, b1, activation);
        const plain = ACT[activation](add(matmul(x2, w2), b2));
        expect(bits(fused)).toEqual(bits(plain));
        expect(bits(x1.detach().linear(w1.detach(), b1.detach(), activation))).toEqual(bits(fused)); // the method form
        sum(fused.mul(weights)).backward();
        sum(plain.mul(weights)).backward();
        expect(bits(x1.grad)).toEqual(bits(x2.grad));
        expect(bits(w1.grad)).toEqual(bits(w2.grad));
        expect(bits(b1.grad)).toEqual(bits(b2.grad));
      },
    ), { numRuns: 60 });
  });

  it('Sequential and MLP fuse a row-layout Linear with the activation after it: one linear record per layer, the same numbers', () => {
    const net = new MLP({ sizes: [6, 5, 3], activation: 'tanh', seed: 3 });
    const x = randn([4, 6], { seed: 9 });
    const y = net.forward(x);
    expect(tape(y).map((r) => r.op).toArray()).toEqual(['linear', 'linear']);
    const [w0, b0, w1, b1] = net.parameters() as [Tensor, Tensor, Tensor, Tensor];
    expect(bits(y)).toEqual(bits(add(matmul(tanh(add(matmul(x, w0), b0)), w1), b1)));
    // A column-layout layer keeps its matmul and add.
    const col = new Sequential(new Linear(6, 2, { layout: 'col' }), Tanh());
    expect(tape(col.forward(randn([6, 4], { seed: 1 }))).map((r) => r.op).toArray()).toEqual(['matmul', 'add', 'tanh']);
  });
});
