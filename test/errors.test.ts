/** Bad input gets an Error naming the op and the shapes or values at fault, never a wrong answer. */
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { tensor } from '../src/index.js';

const m34 = T.zeros([3, 4]);
const m52 = T.zeros([5, 2]);

const CASES: [string, () => unknown, RegExp][] = [
  ['matmul inner sizes', () => T.matmul(m34, m52), /^matmul: cannot multiply \[3,4\] by \[5,2\] \(inner sizes 4 and 5 differ\)$/],
  // A 1-d operand and a batched right operand are numpy-legal now; a size mismatch is still named.
  ['matmul 1-d', () => T.matmul(T.zeros([5]), m34), /matmul: cannot multiply \[5\] by \[3,4\] \(inner sizes 5 and 3 differ\)/],
  ['matmul batched right', () => T.matmul(m34, T.zeros([2, 5, 2])), /matmul: cannot multiply \[3,4\] by \[2,5,2\] \(inner sizes 4 and 5 differ\)/],
  ['matmulNT', () => T.matmulNT(m34, m52), /matmulNT: cannot multiply \[3,4\] by \[5,2\] \(inner sizes 4 and 2 differ\)/],
  ['add broadcast', () => T.add(m34, T.zeros([3])), /add: cannot broadcast shapes \[3,4\] and \[3\] \(axis -1 has sizes 4 and 3\)/],
  ['mul broadcast', () => m34.mul(m52), /mul: cannot broadcast shapes \[3,4\] and \[5,2\]/],
  ['sub non-tensor', () => T.sub(m34, [1, 2] as never), /sub: second operand must be a Tensor, got an array/],
  ['pow broadcast', () => T.pow(m34, T.zeros([2])), /pow: cannot broadcast/],
  ['where broadcast', () => T.where(T.zeros([2]), m34, 0), /where: cannot broadcast shapes \[2\] and \[3,4\]/],
  ['sum axis', () => T.sum(m34, 2), /sum: axis 2 is out of range for shape \[3,4\] \(ndim 2\)/],
  ['mean negative axis', () => T.mean(m34, -3), /mean: axis -3 is out of range for shape \[3,4\]/],
  ['max repeated axis', () => T.max(m34, [0, -2]), /max: axis 0 is repeated/],
  ['max empty', () => T.max(T.zeros([0, 2]), 0), /max: cannot take the maximum over empty axis 0/],
  ['softmax axis', () => T.softmax(m34, 5), /softmax: axis 5 is out of range for shape \[3,4\]/],
  ['logSoftmax non-integer axis', () => T.logSoftmax(m34, 0.5), /logSoftmax: axis 0.5 is out of range/],
  ['reshape size', () => T.reshape(m34, [5, 2]), /reshape: cannot reshape \[3,4\] \(12 elements\) into \[5,2\] \(10 elements\)/],
  ['reshape two -1', () => T.reshape(m34, [-1, -1]), /reshape: only one -1 is allowed/],
  ['reshape -1 no fit', () => T.reshape(m34, [5, -1]), /reshape: cannot reshape \[3,4\] \(12 elements\) into \[5,-1\]/],
  ['transpose perm', () => T.transpose(m34, [0, 0]), /transpose: axes \[0,0\] are not a permutation of the 2 axes of \[3,4\]/],
  ['broadcastTo', () => T.broadcastTo(m34, [4, 4]), /broadcastTo: cannot broadcast/],
  ['cast dtype', () => T.cast(m34, 'int8' as never), /cast: unknown dtype "int8"/],
  ['ce target shape', () => T.softmaxCrossEntropy(m34, [1, 2]), /softmaxCrossEntropy: target of shape \[2\] does not fit logits \[3,4\]: expected one-hot \[3,4\] or class indices \[3\]/],
  ['ce class range', () => T.softmaxCrossEntropy(m34, [0, 4, 1]), /softmaxCrossEntropy: class index 4 at position 1 is out of range for 4 classes/],
  ['ce non-integer class', () => T.softmaxCrossEntropy(m34, [0, 1.5, 1]), /class index 1.5 at position 1/],
  ['ce reduction', () => T.softmaxCrossEntropy(m34, [0, 1, 1], { reduction: 'max' as never }), /softmaxCrossEntropy: unknown reduction "max"/],
  ['ce 0-d', () => T.softmaxCrossEntropy(tensor(1), [0]), /softmaxCrossEntropy: logits must have a class axis/],
  ['mse shapes', () => T.mseLoss(T.zeros([4, 1]), T.zeros([4])), /mseLoss: pred \[4,1\] and target \[4\] differ in shape/],
  ['tensor ragged', () => tensor([[1, 2], [3]]), /tensor: ragged nested array: expected 2 elements at \[1\] \(axis 1\) but got 1/],
  ['tensor ragged deep', () => tensor([[1, 2], [3, [4]]] as never), /tensor: ragged nested array: too deep at \[1,1\]/],
  ['tensor non-number', () => tensor([1, 'a'] as never), /tensor: expected a number at \[1\], got string/],
  ['tensor dtype', () => tensor([1], { dtype: 'int32' as never }), /tensor: unknown dtype "int32"/],
  ['tensor shape/values', () => tensor(new Float64Array(5), { shape: [2, 2] }), /tensor: shape \[2,2\] needs 4 values but 5 were given/],
  ['zeros bad shape', () => T.zeros([2, -1]), /zeros|full: invalid shape \[2,-1\]/],
  ['randn std', () => T.randn([2], { std: -1 }), /randn: std must be non-negative, got -1/],
  ['rand range', () => T.rand([2], { low: 1, high: 0 }), /rand: high \(0\) must be above low \(1\)/],
  ['oneHot classes', () => T.oneHot([0, 3], 3), /oneHot: class index 3 at position 1 is out of range for 3 classes/],
  ['oneHot numClasses', () => T.oneHot([0], 0), /oneHot: numClasses must be a positive integer, got 0/],
  ['item', () => m34.item(), /item: only a one-element tensor has an item, this one has shape \[3,4\]/],
  ['requiresGrad off on result', () => { const r = tensor([1], { requiresGrad: true }).mul(2); r.requiresGrad = false; }, /requiresGrad: cannot turn off gradients of a recorded result \(op 'mul'\)/],
  ['grad non-function', () => T.grad(3 as never)(tensor(1)), /^grad: f must be a function, got 3/],
  ['grad non-tensor arg', () => T.grad((x: T.Tensor) => x)(3 as never), /grad: argument 0 must be a Tensor/],
];

describe('error messages name the op and the shapes or values at fault', () => {
  for (const [label, run, message] of CASES) {
    it(label, () => {
      expect(run).toThrow(Error);
      expect(run).toThrow(message);
    });
  }
});
