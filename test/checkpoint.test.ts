/** Tests for checkpoints: exact round-trip, validation errors, and atomicity under a failure mid-write. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '../src/tensor.js';
import { loadCheckpoint, restoreParameters, saveCheckpoint, writeFileAtomic } from '../src/io/index.js';
import { Adam } from '../src/optim/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function param(values: number[], shape: number[], dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const t = new Tensor(dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values), shape);
  t.requiresGrad = true;
  return t;
}

function model(): [string, Tensor][] {
  return [
    ['0.weight', param([Math.PI, -1 / 3, 1e-300, 2 ** 60, 0.1, -0], [2, 3])],
    ['0.bias', param([0.1, 0.2], [2], 'float32')],
  ];
}

describe('checkpoints', () => {
  it('round-trips parameters, optimizer state and metadata bit-exactly', () => {
    const params = model();
    const opt = new Adam(params, { lr: 0.01 });
    params.forEach(([, p]) => { p.grad = new Tensor(Float64Array.from({ length: p.size }, (_, i) => i - 1.5), [...p.shape]); });
    opt.step();
    const path = join(dir, 'a.json');
    saveCheckpoint(path, { params, optimizer: opt.stateDict(), meta: { epoch: 3, seed: 'x' } });
    const ck = loadCheckpoint(path);
    expect(ck.meta).toEqual({ epoch: 3, seed: 'x' });
    const fresh = model();
    fresh.forEach(([, p]) => p.storage.fill(0));
    restoreParameters(fresh, ck);
    fresh.forEach(([, p], i) => expect(p.storage).toEqual(params[i]![1].storage));
    expect(fresh[1]![1].storage).toBeInstanceOf(Float32Array);
    const opt2 = new Adam(fresh, { lr: 0.01 });
    opt2.loadStateDict(ck.optimizer!);
    expect(opt2.stateDict()).toEqual(opt.stateDict());
  });

  it('names missing, unexpected, mis-shaped and mis-typed parameters', () => {
    const path = join(dir, 'b.json');
    saveCheckpoint(path, { params: model() });
    const ck = loadCheckpoint(path);
    const m = model();
    expect(() => restoreParameters([m[0]!, ['1.bias', m[1]![1]]], ck)).toThrow(
      /missing from checkpoint \[1\.bias\], unexpected in checkpoint \[0\.bias\]/,
    );
    expect(() => restoreParameters([['0.weight', param([1, 2, 3, 4, 5, 6], [3, 2])], m[1]!], ck)).toThrow(
      /'0\.weight' has shape \[2,3\] in the checkpoint, model expects \[3,2\]/,
    );
    expect(() => restoreParameters([m[0]!, ['0.bias', param([1, 2], [2])]], ck)).toThrow(
      /'0\.bias' is float32 in the checkpoint, model expects float64/,
    );
  });

  it('rejects files that are not checkpoints or have damaged arrays', () => {
    const path = join(dir, 'c.json');
    writeFileSync(path, '{"format":"other"}');
    expect(() => loadCheckpoint(path)).toThrow(/c\.json\): not a tapegrad checkpoint/);
    writeFileSync(path, '{"format":"tapegrad-chec');
    expect(() => loadCheckpoint(path)).toThrow(/c\.json\): cannot read checkpoint/);
    saveCheckpoint(path, { params: model() });
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.params[0].data = file.params[0].data.slice(0, 8);
    writeFileSync(path, JSON.stringify(file));
    expect(() => loadCheckpoint(path)).toThrow(/'0\.weight' has 6 bytes of data, shape \[2,3\] float64 needs 48/);
  });

  it('an interrupted save leaves the previous checkpoint intact and no temporary file', () => {
    const path = join(dir, 'd.json');
    const first = model();
    saveCheckpoint(path, { params: first, meta: { epoch: 1 } });
    const before = readFileSync(path, 'utf8');
    const second = model();
    second[0]![1].storage.fill(7);
    expect(() => saveCheckpoint(path, { params: second, meta: { epoch: 2 } }, { failAfterBytes: 100 })).toThrow(/simulated failure after 100/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(loadCheckpoint(path).meta).toEqual({ epoch: 1 });
    expect(readdirSync(dir).filter((f) => f.includes('d.json') && f.endsWith('.tmp'))).toEqual([]);
    saveCheckpoint(path, { params: second, meta: { epoch: 2 } });
    expect(loadCheckpoint(path).meta).toEqual({ epoch: 2 });
  });

  it('writeFileAtomic replaces a file whole', () => {
    const path = join(dir, 'e.txt');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, new Uint8Array([110, 101, 119]));
    expect(readFileSync(path, 'utf8')).toBe('new');
  });
});
