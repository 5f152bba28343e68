/**
 * The seed models the `graph` command draws: seed 000's scalar chain, seed 004's 1-6-7-2 curve
 * network and seed 000's column-major MLP, each with its hand-derived gradient (optionally with one
 * planted slip) so a gradient check can be drawn on top.
 */
import '../ops/methods.js'; // the examples use method syntax (a.mul(b)), installed by this side-effect import
import { oneHot, randn, tensor } from '../creation.js';
import { noGrad } from '../engine/mode.js';
import { softmax, softmaxCrossEntropy } from '../ops/softmax.js';
import type { Tensor } from '../tensor.js';
import { curveDataset } from '../data/curve.js';

/** A model to draw: named parameters, the loss as a function of them, and the hand-derived gradient. */
export interface GraphExample {
  readonly title: string;
  readonly params: Record<string, Tensor>;
  loss(p: Record<string, Tensor>): Tensor;
  /** The seed's hand formulas; with `bug`, one of them carries the slip named by `plantedBug`. */
  manual(p: Record<string, Tensor>): Record<string, Tensor>;
  readonly plantedBug: string;
}

const named = (t: Tensor, name: string): Tensor => {
  t.name = name;
  return t;
};

/** Seed 000's chain z1=w1 x1, a1=σ(z1), z2=w2 a1, ŷ=σ(z2), J=½(ŷ−y)² at w1=0.8, w2=−1.5, x1=1.7, y=1. */
export function chainExample(bug = false): GraphExample {
  const x1 = tensor(1.7, { name: 'x1' });
  const y = tensor(1, { name: 'y' });
  const forward = (p: Record<string, Tensor>) => {
    const z1 = named(p.w1!.mul(x1), 'z1');
    const a1 = named(z1.sigmoid(), 'a1');
    const z2 = named(p.w2!.mul(a1), 'z2');
    const yhat = named(z2.sigmoid(), 'ŷ');
    return { a1, yhat, J: named(yhat.sub(y).pow(2).mul(0.5), 'J') };
  };
  return {
    title: "seed 000's scalar chain J = ½(σ(w2·σ(w1·x1)) − y)²",
    params: { w1: tensor(0.8, { requiresGrad: true, name: 'w1' }), w2: tensor(-1.5, { requiresGrad: true, name: 'w2' }) },
    loss: (p) => forward(p).J,
    manual: (p) => noGrad(() => {
      const { a1, yhat } = forward(p);
      const delta2 = yhat.sub(y).mul(yhat).mul(yhat.neg().add(1));
      // The planted slip: dropping σ'(z1) = a1(1 − a1) from dJ/dw1.
      const sigma1 = bug ? 1 : a1.mul(a1.neg().add(1));
      return { w1: delta2.mul(p.w2!).mul(sigma1).mul(x1), w2: delta2.mul(a1) };
    }),
    plantedBug: "dJ/dw1 without σ'(z1) = a1(1 − a1)",
  };
}

/** Seed 004's 1-6-7-2 logistic network on 16 points of the heart curve, cost ‖a3 − y‖²/N, column layout. */
export function curveExample(bug = false): GraphExample {
  const data = curveDataset({ n: 16 });
  const a0 = tensor(data.x, { shape: [1, data.n], name: 'a0' });
  const y = tensor(data.y, { shape: [2, data.n], name: 'y' });
  const init = (shape: number[], name: string, seed: number) => {
    const t = randn(shape, { seed: `curve:${seed}`, std: 0.5, requiresGrad: true });
    t.name = name;
    return t;
  };
  const forward = (p: Record<string, Tensor>) => {
    const z1 = named(p.W1!.matmul(a0).add(p.b1!), 'z1');
    const a1 = named(z1.sigmoid(), 'a1');
    const z2 = named(p.W2!.matmul(a1).add(p.b2!), 'z2');
    const a2 = named(z2.sigmoid(), 'a2');
    const z3 = named(p.W3!.matmul(a2).add(p.b3!), 'z3');
    const a3 = named(z3.sigmoid(), 'a3');
    return { a1, a2, a3, C: named(a3.sub(y).pow(2).sum().div(data.n), 'C') };
  };
  return {
    title: "seed 004's 1-6-7-2 curve network, C = ‖a3 − y‖²/N",
    params: {
      W1: init([6, 1], 'W1', 1), b1: init([6, 1], 'b1', 2), W2: init([7, 6], 'W2', 3),
      b2: init([7, 1], 'b2', 4), W3: init([2, 7], 'W3', 5), b3: init([2, 1], 'b3', 6),
    },
    loss: (p) => forward(p).C,
    manual: (p) => noGrad(() => {
      const { a1, a2, a3 } = forward(p);
      const dsig = (a: Tensor) => a.mul(a.neg().add(1));
      const J3 = a3.sub(y).mul(2).mul(dsig(a3));
      // The planted slip: J_W2's chain forgets σ'(z2) (J = (Jᵀ W3)ᵀ without ⊙ σ'(z2)).
      const J2 = bug ? p.W3!.T.matmul(J3) : p.W3!.T.matmul(J3).mul(dsig(a2));
      const J1 = p.W2!.T.matmul(p.W3!.T.matmul(J3).mul(dsig(a2))).mul(dsig(a1));
      const N = data.n;
      return {
        W3: J3.matmul(a2.T).div(N), b3: J3.sum(1, true).div(N),
        W2: J2.matmul(a1.T).div(N), b2: p.W3!.T.matmul(J3).mul(dsig(a2)).sum(1, true).div(N),
        W1: J1.matmul(a0.T).div(N), b1: J1.sum(1, true).div(N),
      };
    }),
    plantedBug: "J_W2 without σ'(z2)",
  };
}

/**
 * Seed 000's column-major MLP 784-128-10 (tanh, softmax cross-entropy) on 8 random stand-in images
 * (not MNIST: this module runs in browsers too, where the MNIST files are not at hand).
 */
export function mlpExample(bug = false): GraphExample {
  const m = 8;
  const X = named(randn([784, m], { seed: 'mlp:x' }).mul(0.5).add(0.5), 'X');
  const labels = [3, 1, 4, 1, 5, 9, 2, 6];
  const Y = named(oneHot(labels, 10).T, 'Y');
  const init = (shape: number[], name: string, seed: number, std = 0.3) => {
    const t = randn(shape, { seed: `mlp:${seed}`, std, requiresGrad: true });
    t.name = name;
    return t;
  };
  const forward = (p: Record<string, Tensor>) => {
    const A1 = named(p.W1!.matmul(X).add(p.b1!).tanh(), 'A1');
    const Z2 = named(p.W2!.matmul(A1).add(p.b2!), 'Z2');
    return { A1, Z2, loss: named(softmaxCrossEntropy(Z2, Y, { axis: 0 }), 'loss') };
  };
  return {
    title: "seed 000's MLP 784-128-10, column-major, tanh + softmax cross-entropy (8 random stand-in images, not MNIST)",
    params: { W1: init([128, 784], 'W1', 1), b1: init([128, 1], 'b1', 2, 0.01), W2: init([10, 128], 'W2', 3), b2: init([10, 1], 'b2', 4, 0.01) },
    loss: (p) => forward(p).loss,
    manual: (p) => noGrad(() => {
      const { A1, Z2 } = forward(p);
      const dZ2 = softmax(Z2, 0).sub(Y);
      const dZ1 = p.W2!.T.matmul(dZ2).mul(A1.pow(2).neg().add(1));
      return {
        W2: dZ2.matmul(A1.T).div(m), b2: dZ2.sum(1, true).div(m),
        // The planted slip: db1 summed over the batch but not divided by m.
        W1: dZ1.matmul(X.T).div(m), b1: bug ? dZ1.sum(1, true) : dZ1.sum(1, true).div(m),
      };
    }),
    plantedBug: 'db1 not divided by the batch size m',
  };
}

/** The examples by the name the CLI uses. */
export const GRAPH_EXAMPLES: Record<string, (bug?: boolean) => GraphExample> = {
  chain: chainExample, curve: curveExample, mlp: mlpExample,
};
