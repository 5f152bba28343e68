/**
 * The one copy of the benchmark's inputs that every system reads: the initial weights of W1–W3 (drawn once
 * from the seeded generator in common.ts), the W1 shuffle and the MNIST splits, written as raw little-endian
 * files into a folder that the orchestrator names in TAPEGRAD_BENCH_DATA for every child (TypeScript and Python).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '../src/data/mnist.js';
import { generateInit, permutation } from './common.js';
import type { DataManifest, LayerEntry, LayerInit } from './common.js';

/**
 * Writes every input into `dir`: weights.f64 (all layers back to back) with weights.json, w1-shuffle.i32,
 * and the MNIST splits as uint8 pixels (0..255, row-major [count, 784]) and uint8 labels.
 */
export function writeBenchData(dir: string): DataManifest {
  mkdirSync(dir, { recursive: true });
  const chunks: Float64Array[] = [];
  let offset = 0;
  const put = (a: Float64Array): number => { chunks.push(a); offset += a.length; return offset - a.length; };
  const entries = (init: LayerInit[]): LayerEntry[] => init.map((l) => ({ fanIn: l.fanIn, fanOut: l.fanOut, w: put(l.w), b: put(l.b) }));
  const layers = { W1: entries(generateInit('W1')), W2: entries(generateInit('W2')), W3: entries(generateInit('W3')) };
  const all = new Float64Array(offset);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  writeFileSync(join(dir, 'weights.f64'), new Uint8Array(all.buffer));
  const train = loadMnist('train');
  const test = loadMnist('test');
  writeFileSync(join(dir, 'w1-shuffle.i32'), new Uint8Array(permutation('W1-shuffle', train.count).buffer));
  writeFileSync(join(dir, 'train-images.u8'), Uint8Array.from(train.images));
  writeFileSync(join(dir, 'train-labels.u8'), train.labels);
  writeFileSync(join(dir, 'test-images.u8'), Uint8Array.from(test.images));
  writeFileSync(join(dir, 'test-labels.u8'), test.labels);
  const manifest: DataManifest = {
    layers,
    files: { weights: 'weights.f64', w1Shuffle: 'w1-shuffle.i32', trainImages: 'train-images.u8', trainLabels: 'train-labels.u8',
      testImages: 'test-images.u8', testLabels: 'test-labels.u8' },
    counts: { train: train.count, test: test.count },
  };
  writeFileSync(join(dir, 'weights.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}
