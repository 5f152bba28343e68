/** Indexing (getItem, setItem, addAt, take, gather) and joins: numpy's values, gradients, errors, properties. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  addAt, boolMask, concat, expandDims, flatten, gather, getItem, grad, setItem, slice, squeeze, stack, take, tensor,
} from '../src/index.js';
import type { IndexItem, Tensor } from '../src/index.js';
import { compareWithFiniteDifferences } from './helpers/finite-diff.js';
import { randomItems } from './helpers/index-arb.js';

const arange = (shape: number[]): Tensor =>
  tensor(Float64Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => i), { shape });

type Encoded = null | '...' | { int: number } | { slice: (number | null)[] } | { array: unknown } | { mask: unknown };
interface NumpyCase {
  shape: number[]; items: Encoded[]; outShape: number[]; out: number[]; value: number[]; set: number[]; addAt: number[];
}
function decode(e: Encoded): IndexItem {
  if (e === null || e === '...') return e;
  if ('int' in e) return e.int;
  if ('slice' in e) return slice(e.slice[0], e.slice[1], e.slice[2]);
  if ('array' in e) return e.array as IndexItem;
  return e.mask as IndexItem;
}

describe('getItem, setItem and addAt follow numpy exactly', () => {
  // 200 random index tuples and numpy's answers:
  // python3 test/fixtures/numpy-indexing.py > test/fixtures/numpy-indexing.json
  const cases = JSON.parse(readFileSync(new URL('./fixtures/numpy-indexing.json', import.meta.url), 'utf8')) as NumpyCase[];
  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const a = arange(c.shape);
    const items = c.items.map(decode);
    const label = `${JSON.stringify(c.shape)} ${JSON.stringify(c.items)}`;
    const r = getItem(a, items);
    expect(r.shape, label).toEqual(c.outShape);
    expect(Array.from(r.storage), label).toEqual(c.out);
    const v = tensor(Float64Array.from(c.value), { shape: c.outShape });
    expect(Array.from(setItem(a, items, v).storage), label).toEqual(c.set);
    // addAt sums repeated values before adding them to a (numpy adds one at a time): rounding differs.
    const added = addAt(a, items, v).storage;
    c.addAt.forEach((x, i) => expect(Math.abs(added[i]! - x), label).toBeLessThan(1e-12));
  });
});

describe('getItem by hand', () => {
  const a = arange([3, 4, 5]);
  it('integers drop axes, negative from the end; slices clamp like Python', () => {
    expect(getItem(a, [-1, 0]).toArray()).toEqual([40, 41, 42, 43, 44]);
    expect(getItem(tensor([0, 1, 2, 3, 4]), [slice(-100, 100, 2)]).toArray()).toEqual([0, 2, 4]);
    expect(getItem(tensor([0, 1, 2, 3, 4]), ['::-2']).toArray()).toEqual([4, 2, 0]); // python3 -c "print(list(range(5))[::-2])"
    expect(getItem(tensor([0, 1, 2, 3, 4]), [slice(3, 0, -1)]).toArray()).toEqual([3, 2, 1]);
    expect(getItem(tensor([0, 1, 2, 3, 4]), [slice(10, null, -1)]).toArray()).toEqual([4, 3, 2, 1, 0]);
    expect(getItem(tensor([0, 1, 2, 3, 4]), ['3:1']).shape).toEqual([0]);
    expect(getItem(tensor(7), []).toArray()).toBe(7);
    expect(tensor([[1, 2], [3, 4]]).at(1, 0).item()).toBe(3);
  });
  it('newaxis and ellipsis', () => {
    expect(getItem(a, [null, '...', null]).shape).toEqual([1, 3, 4, 5, 1]);
    expect(getItem(a, ['...', 1]).shape).toEqual([3, 4]);
    expect(a.at(0, '...', null, 2).toArray()).toEqual([[2], [7], [12], [17]]);
  });
  it("advanced indices: adjacent ones stay in place, separated ones go first (numpy's rule)", () => {
    // python3 -c "import numpy as np; a=np.arange(60).reshape(3,4,5); print(a[:,[0,2],[1,3]].shape, a[[0,2],:,[1,3]].shape, a[0,:,[1,3]].shape)"
    // → (3, 2) (2, 4) (2, 4)
    expect(getItem(a, [':', [0, 2], [1, 3]]).shape).toEqual([3, 2]);
    expect(getItem(a, [[0, 2], ':', [1, 3]]).shape).toEqual([2, 4]);
    expect(getItem(a, [0, ':', [1, 3]]).shape).toEqual([2, 4]);
    expect(getItem(a, [0, ':', [1, 3]]).toArray()).toEqual([[1, 6, 11, 16], [3, 8, 13, 18]]);
    // Broadcast together: [2,1] with [3] → [2,3].
    expect(getItem(a, [[[0], [2]], 1, [0, 1, 4]]).toArray()).toEqual([[5, 6, 9], [45, 46, 49]]);
  });
  it('boolean masks select; a 0/1 tensor is a mask only when wrapped', () => {
    const x = tensor([[1, -2], [-3, 4]]);
    expect(getItem(x, [boolMask(tensor([[1, 0], [0, 1]]))]).toArray()).toEqual([1, 4]);
    expect(getItem(x, [[true, false]]).toArray()).toEqual([[1, -2]]);
    expect(getItem(x, [':', [false, true]]).toArray()).toEqual([[-2], [4]]);
    expect(getItem(x, [tensor([1, 0])]).toArray()).toEqual([[-3, 4], [1, -2]]); // integer indices
  });
  it('index tensors hold whole numbers; Int32Array and number[] work too', () => {
    expect(getItem(tensor([5, 6, 7]), [Int32Array.of(2, -1)]).toArray()).toEqual([7, 7]);
    expect(() => getItem(tensor([5, 6, 7]), [tensor([2.5])])).toThrow(/getItem: index value 2.5 at position 0 is not a whole number/);
    expect(() => getItem(tensor([5, 6, 7]), [1.5])).toThrow(/getItem: index 1.5 is not a whole number/);
    expect(() => take(tensor([5, 6, 7]), [Number.NaN])).toThrow(/take: index value NaN/);
  });
  it('bad indices name the op, the index and the axis size', () => {
    expect(() => getItem(a, [0, 4])).toThrow('getItem: index 4 is out of range for axis 1 with size 4');
    expect(() => getItem(a, [0, [0, -5]])).toThrow('getItem: index -5 is out of range for axis 1 with size 4');
    expect(() => getItem(a, [0, 0, 0, 0])).toThrow(/getItem: too many indices for shape \[3,4,5\]/);
    expect(() => getItem(a, ['...', '...'])).toThrow(/single ellipsis/);
    expect(() => getItem(a, [slice(0, 2, 0)])).toThrow(/getItem: slice step cannot be zero/);
    expect(() => getItem(a, ['a:b'])).toThrow(/getItem: slice "a:b"/);
    expect(() => getItem(a, [[0, 1], [0, 1, 2]])).toThrow(/getItem: index arrays of shapes \[2\], \[3\] cannot be broadcast/);
    expect(() => getItem(a, [[true, false]])).toThrow(/getItem: boolean mask of shape \[2\] does not match the indexed axes \[3\]/);
    expect(() => getItem(a, [{ begin: 1 } as never])).toThrow(/getItem: cannot use an object/);
    expect(() => getItem(a, [undefined as never])).toThrow(/getItem: cannot use undefined/);
    expect(() => setItem(a, [0], tensor([1, 2]))).toThrow(/setItem: cannot broadcast a value of shape \[2\] to the indexed shape \[4,5\]/);
  });
  it('the gradient scatter-adds; repeated indices add', () => {
    const [g] = grad((x: Tensor) => getItem(x, [[0, 0, 2]]).sum())(tensor([1, 2, 3]));
    expect(g!.toArray()).toEqual([2, 0, 1]);
  });
});

describe('setItem and addAt', () => {
  it('setItem: gradient to a is g with the indexed part zeroed, to value the gathered g summed', () => {
    const f = (x: Tensor, v: Tensor): Tensor => setItem(x, [':', 1], v).mul(tensor([[1, 2, 3], [4, 5, 6]])).sum();
    const [gx, gv] = grad(f)(tensor([[0, 0, 0], [0, 0, 0]]), tensor(7));
    expect(gx!.toArray()).toEqual([[1, 0, 3], [4, 0, 6]]);
    expect(gv!.toArray()).toBe(2 + 5);
  });
  it('repeated indices: setItem keeps the last write (numpy a[[0,0]] = [1,2] → 2); a[[0,0]] += 1 adds once, addAt twice', () => {
    // python3 -c "import numpy as np; a=np.zeros(2); a[[0,0]]=[1,2]; b=np.zeros(2); b[[0,0]]+=1; c=np.zeros(2); np.add.at(c,[0,0],1); print(a,b,c)"
    // → [2. 0.] [1. 0.] [2. 0.]
    const z = tensor([0, 0]);
    expect(setItem(z, [[0, 0]], tensor([1, 2])).toArray()).toEqual([2, 0]);
    expect(setItem(z, [[0, 0]], getItem(z, [[0, 0]]).add(1)).toArray()).toEqual([1, 0]);
    expect(addAt(z, [[0, 0]], 1).toArray()).toEqual([2, 0]);
    const [, gv] = grad((x: Tensor, v: Tensor) => setItem(x, [[0, 0]], v).sum())(z, tensor([1, 2]));
    expect(gv!.toArray()).toEqual([0, 1]); // only the write that survives gets a gradient
  });
  it('a value with extra leading 1-axes fits, as in numpy; an infinite a outside the written part stays', () => {
    expect(setItem(tensor([[1, 2], [3, 4]]), [0], tensor([[9, 8]])).toArray()).toEqual([[9, 8], [3, 4]]);
    expect(setItem(tensor([Infinity, 1]), [0], 5).toArray()).toEqual([5, 1]);
    const [g] = grad((x: Tensor) => setItem(x, [1], 0).sum())(tensor([Infinity, 1]));
    expect(g!.toArray()).toEqual([1, 0]);
  });
  it('gradients of setItem and addAt match finite differences (first order)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 1e6 }), (shape, seed) => {
      const rng = seedrandom(String(seed));
      const items = randomItems(shape, rng);
      const x = tensor(Float64Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng() * 2 - 1), { shape });
      const part = getItem(x, items);
      const v = tensor(Float64Array.from({ length: part.size }, () => rng() * 2 - 1), { shape: part.shape });
      const w = tensor(Float64Array.from({ length: x.size }, () => rng()), { shape });
      for (const op of [setItem, addAt]) {
        const bad = compareWithFiniteDifferences((a: Tensor, b: Tensor) => op(a, items, b).mul(w).sum(), [x, v]);
        expect(bad, `${op.name} ${JSON.stringify(items)}`).toEqual([]);
      }
    }), { numRuns: 40 });
  });
});

describe('properties', () => {
  const caseArb = fc.record({ shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 }), seed: fc.integer({ min: 0, max: 1e6 }) });
  it('setItem(a, items, getItem(a, items)) is a', () => {
    fc.assert(fc.property(caseArb, ({ shape, seed }) => {
      const rng = seedrandom(String(seed));
      const items = randomItems(shape, rng);
      const a = arange(shape);
      expect(setItem(a, items, getItem(a, items)).toArray()).toEqual(a.toArray());
    }), { numRuns: 100 });
  });
  it('getItem(setItem(a, items, v), items) is v where the indices do not repeat', () => {
    fc.assert(fc.property(caseArb, ({ shape, seed }) => {
      const rng = seedrandom(String(seed));
      const items = randomItems(shape, rng).map((it) => (Array.isArray(it) && typeof it[0] === 'number' ? [it[0]!] : it)) as IndexItem[];
      const a = arange(shape);
      const part = getItem(a, items);
      const v = tensor(Float64Array.from({ length: part.size }, (_, i) => -1 - i), { shape: part.shape });
      expect(getItem(setItem(a, items, v), items).toArray()).toEqual(v.toArray());
    }), { numRuns: 100 });
  });
  it('concat then slice gives the parts back', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }), fc.nat(), (shape, sizes, axisSeed) => {
      const axis = axisSeed % shape.length;
      let k = 0;
      const parts = sizes.map((n) => arange(shape.map((d, i) => (i === axis ? n : d))).add(100 * k++));
      const joined = concat(parts, axis);
      let start = 0;
      for (const p of parts) {
        const items: IndexItem[] = [...Array.from({ length: axis }, () => ':'), slice(start, start + p.shape[axis]!)];
        expect(getItem(joined, items).toArray()).toEqual(p.toArray());
        start += p.shape[axis]!;
      }
    }), { numRuns: 60 });
  });
});

describe('take and gather', () => {
  // python3 -c "import numpy as np; a=np.arange(6.).reshape(2,3); print(np.take(a,[[2,0]],1).tolist(), np.take(a,[4,-1]).tolist(), np.take_along_axis(a,np.array([[2,2],[0,1]]),1).tolist())"
  // → [[[2.0, 0.0]], [[5.0, 3.0]]] [4.0, 5.0] [[2.0, 2.0], [3.0, 4.0]]
  const a = arange([2, 3]);
  it('values', () => {
    expect(take(a, [[2, 0]], 1).toArray()).toEqual([[[2, 0]], [[5, 3]]]);
    expect(take(a, [4, -1]).toArray()).toEqual([4, 5]);
    expect(a.take(tensor([1]), 0).toArray()).toEqual([[3, 4, 5]]);
    expect(gather(a, [[2, 2], [0, 1]], 1).toArray()).toEqual([[2, 2], [3, 4]]);
    expect(gather(a, [[1, 0, 1]], 0).toArray()).toEqual([[3, 1, 5]]);
  });
  it('gradients scatter-add', () => {
    const [g] = grad((x: Tensor) => gather(x, [[2, 2], [0, 1]], 1).sum())(a);
    expect(g!.toArray()).toEqual([[0, 0, 2], [1, 1, 0]]);
    const [g2] = grad((x: Tensor) => take(x, [1, 1, 1], 0).sum())(tensor([1, 2]));
    expect(g2!.toArray()).toEqual([0, 3]);
  });
  it('errors', () => {
    expect(() => take(a, [3], 1)).toThrow('take: index 3 is out of range for axis 1 with size 3');
    expect(() => take(a, [0], 2)).toThrow(/take: axis 2 is out of range/);
    expect(() => take(a, [0.5], 0)).toThrow(/take: index value 0.5/);
    expect(() => gather(a, [0, 1], 1)).toThrow(/gather: indices of shape \[2\] must have the rank of a \[2,3\]/);
    expect(() => take(a, 'x' as never, 0)).toThrow(/take: index must be a Tensor/);
  });
});

describe('concat, stack, squeeze, expandDims, flatten', () => {
  it('values and shapes like numpy', () => {
    // python3 -c "import numpy as np; print(np.stack([[1,2],[3,4]], -1).tolist(), np.expand_dims(np.zeros((2,3)), (0,-1)).shape)"
    // → [[1, 3], [2, 4]] (1, 2, 3, 1)
    expect(stack([tensor([1, 2]), tensor([3, 4])], -1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
    expect(expandDims(arange([2, 3]), [0, -1]).shape).toEqual([1, 2, 3, 1]);
    expect(concat([arange([2, 1]), arange([2, 2])], 1).toArray()).toEqual([[0, 0, 1], [1, 2, 3]]);
    expect(concat([tensor([1]), tensor([2], { dtype: 'float32' })]).dtype).toBe('float64');
    expect(squeeze(arange([1, 2, 1])).shape).toEqual([2]);
    expect(squeeze(arange([1, 2, 1]), -1).shape).toEqual([1, 2]);
    expect(flatten(arange([2, 2])).toArray()).toEqual([0, 1, 2, 3]);
    expect(flatten(tensor(3)).shape).toEqual([1]);
    expect(arange([2, 2]).flatten().expandDims(0).squeeze(0).shape).toEqual([4]);
  });
  it('gradients flow back to each part', () => {
    const [ga, gb] = grad((x: Tensor, y: Tensor) => concat([x, y], 0).mul(tensor([1, 2, 3])).sum())(tensor([0]), tensor([0, 0]));
    expect(ga!.toArray()).toEqual([1]);
    expect(gb!.toArray()).toEqual([2, 3]);
  });
  it('errors name the op and the shapes', () => {
    expect(() => concat([arange([2, 2]), arange([3, 3])], 0)).toThrow('concat: tensor 1 has shape [3,3], which does not match [2,2] except along axis 0');
    expect(() => concat([])).toThrow(/concat: expects a non-empty array/);
    expect(() => concat([tensor(1)])).toThrow(/concat: cannot concatenate 0-d tensors/);
    expect(() => stack([tensor([1]), tensor([1, 2])])).toThrow(/stack: tensor 1 has shape \[2\]/);
    expect(() => squeeze(arange([2, 1]), 0)).toThrow('squeeze: cannot squeeze axis 0 of shape [2,1]: its size is 2, not 1');
    expect(() => expandDims(arange([2]), 3)).toThrow(/expandDims: axis 3 is out of range/);
    expect(() => concat([tensor([1]), 'x' as never])).toThrow(/concat: element 1 must be a Tensor/);
  });
});
