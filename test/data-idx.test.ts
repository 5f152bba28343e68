/** Tests for the IDX parser and the MNIST loader: good, truncated and corrupt files. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, parseIdx } from '../src/data/idx.js';
import { loadMnist, parseMnist } from '../src/data/mnist.js';

/** Hand-made IDX bytes: magic 0x00000803, dims [2, 2, 3], then 12 pixels. */
const images = new Uint8Array([
  0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3,
  0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255,
]);
const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);

describe('parseIdx', () => {
  it('parses a hand-made 3-d file', () => {
    const r = parseIdx(images, 'imgs');
    expect(r.dims).toEqual([2, 2, 3]);
    expect(Array.from(r.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('parses a hand-made 1-d file', () => {
    const r = parseIdx(labels, 'labs');
    expect(r.dims).toEqual([2]);
    expect(Array.from(r.data)).toEqual([7, 3]);
  });

  it('names the file and the sizes when the data is truncated', () => {
    expect(() => parseIdx(images.subarray(0, images.length - 1), 'imgs.idx')).toThrow(
      /imgs\.idx is truncated: header says \[2,2,3\] = 12 bytes of data, file has 11/,
    );
  });

  it('rejects a truncated header and an empty file', () => {
    expect(() => parseIdx(images.subarray(0, 10), 'h.idx')).toThrow(/h\.idx is truncated.*needs 16/);
    expect(() => parseIdx(new Uint8Array(0), 'empty.idx')).toThrow(/empty\.idx is truncated/);
  });

  it('rejects a bad magic number', () => {
    const bad = images.slice();
    bad[2] = 0x0d; // float type code: not what MNIST ships
    expect(() => parseIdx(bad, 'f.idx')).toThrow(/f\.idx has bad magic number 0x00000d03/);
    const bad2 = images.slice();
    bad2[0] = 1;
    expect(() => parseIdx(bad2, 'g.idx')).toThrow(/g\.idx has bad magic number 0x01000803/);
  });

  it('rejects trailing bytes', () => {
    const long = new Uint8Array([...labels, 9]);
    expect(() => parseIdx(long, 'l.idx')).toThrow(/l\.idx is corrupt.*1 extra/);
  });

  it('round-trips encodeIdx for any shape (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }), (dims) => {
      const n = dims.reduce((a, b) => a * b, 1);
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256);
      const r = parseIdx(encodeIdx(dims, data), 'p');
      expect(r.dims).toEqual(dims);
      expect(Array.from(r.data)).toEqual(Array.from(data));
    }));
  });
});

describe('parseMnist / loadMnist', () => {
  it('builds a split from hand-made files', () => {
    const s = parseMnist(images, labels, 'i', 'l');
    expect([s.count, s.rows, s.cols]).toEqual([2, 2, 3]);
    expect(s.images).toBeInstanceOf(Float32Array);
    expect(s.images[11]).toBe(255);
    expect(Array.from(s.labels)).toEqual([7, 3]);
  });

  it('rejects images and labels that disagree or labels out of range', () => {
    expect(() => parseMnist(images, encodeIdx([3], new Uint8Array([1, 2, 3])), 'i', 'l')).toThrow(/2 images but l holds 3 labels/);
    expect(() => parseMnist(images, encodeIdx([2], new Uint8Array([1, 12])), 'i', 'l')).toThrow(/label 12 at index 1/);
    expect(() => parseMnist(labels, labels, 'i', 'l')).toThrow(/i has 1 dimensions/);
  });

  it('reads a folder, gzipped or not, and names a truncated file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-idx-'));
    try {
      writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(images));
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labels);
      expect(loadMnist('test', dir).count).toBe(2);
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labels.subarray(0, 9));
      expect(() => loadMnist('test', dir)).toThrow(/t10k-labels-idx1-ubyte is truncated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads the real test split fast and caches it', () => {
    const t0 = performance.now();
    const s = loadMnist('test');
    const ms = performance.now() - t0;
    expect([s.count, s.rows, s.cols]).toEqual([10000, 28, 28]);
    expect(s.images.length).toBe(10000 * 784);
    expect(Array.from(s.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    let max = 0;
    for (let i = 0; i < 784; i++) max = Math.max(max, s.images[i]!);
    expect(max).toBe(255);
    expect(ms).toBeLessThan(2000);
    expect(loadMnist('test')).toBe(s);
  });

  it('loads the real train split', () => {
    const s = loadMnist('train');
    expect(s.count).toBe(60000);
    expect(s.labels[0]).toBe(5);
  });
});
