/** Tests for checkpoints: exact round-trip, validation errors, and atomicity under a failure mid-write. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '../src/tensor.js';
import { loadCheckpoint, removeStaleTemps, restoreParameters, saveCheckpoint, writeFileAtomic } from '../src/io/index.js';
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
    expect(() => loadCheckpoint(path)).toThrow(/c\.json: not a tapegrad checkpoint/);
    writeFileSync(path, '{"format":"tapegrad-chec');
    expect(() => loadCheckpoint(path)).toThrow(/c\.json: cannot read checkpoint/);
    saveCheckpoint(path, { params: model() });
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.params[0].data = file.params[0].data.slice(0, 8);
    writeFileSync(path, JSON.stringify(file));
    expect(() => loadCheckpoint(path)).toThrow(/c\.json: field params\[0\] \('0\.weight'\)\.data has 6 bytes, shape \[2,3\] float64 needs 48/);
  });

  it('a checksum per array catches any one changed base64 character, naming the file and the array', () => {
    const path = join(dir, 'flip.json');
    saveCheckpoint(path, { params: model(), optimizer: null, meta: { epoch: 1 } });
    const original = JSON.parse(readFileSync(path, 'utf8'));
    const data: string = original.params[0].data;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let tries = 0;
    for (let i = 0; i < data.length - 2; i += 1) {
      const c = alphabet[(alphabet.indexOf(data[i]!) + 1 + (i % 7)) % 64]!;
      const file = structuredClone(original);
      file.params[0].data = data.slice(0, i) + c + data.slice(i + 1);
      writeFileSync(path, JSON.stringify(file));
      expect(() => loadCheckpoint(path), `character ${i}`).toThrow(/flip\.json: field params\[0\] \('0\.weight'\)\.data does not match its checksum/);
      tries++;
    }
    expect(tries).toBeGreaterThan(40);
  });

  it('edited metadata and optimizer state are caught by their checksums and by the validator', () => {
    const path = join(dir, 'meta.json');
    saveCheckpoint(path, { params: model(), meta: { epoch: 2, history: [1, 2] } });
    const original = JSON.parse(readFileSync(path, 'utf8'));
    const edit = (f: (file: any) => void): void => {
      const file = structuredClone(original);
      f(file);
      writeFileSync(path, JSON.stringify(file));
    };
    edit((file) => { file.meta.epoch = 25000; });
    expect(() => loadCheckpoint(path)).toThrow(/meta\.json: field meta does not match its checksum/);
    edit((file) => { file.meta.history = []; });
    const validateMeta = (meta: Record<string, unknown>, field: (n: string, p: string) => never): void => {
      if ((meta.history as unknown[]).length !== meta.epoch) field('meta.history', `has ${(meta.history as unknown[]).length} entries, meta.epoch is ${meta.epoch}`);
    };
    expect(() => loadCheckpoint(path, { validateMeta })).toThrow(/meta\.json: field meta\.history has 0 entries, meta\.epoch is 2/);
    edit((file) => { delete file.checksums; });
    expect(() => loadCheckpoint(path)).toThrow(/field checksums is missing/);
    edit((file) => { file.version = 1; });
    expect(() => loadCheckpoint(path)).toThrow(/field version is 1; this tapegrad reads version 2/);
    edit((file) => { file.params[0].shape = [3, 2.5]; });
    expect(() => loadCheckpoint(path)).toThrow(/field params\[0\] \('0\.weight'\)\.shape is \[3,2\.5\]/);
    edit((file) => { file.params[0].data = '@@@@'; });
    expect(() => loadCheckpoint(path)).toThrow(/\.data is not base64 text/);
  });

  it('stale temporary files of a killed process are removed; a running one\'s are kept', () => {
    const sub = join(dir, 'stale');
    mkdirSync(sub);
    // A pid that cannot be running: above Linux's pid_max (4 194 304).
    writeFileSync(join(sub, '.checkpoint.json.9999999.0.tmp'), 'half');
    writeFileSync(join(sub, `.metrics.json.${process.ppid}.3.tmp`), 'live');
    writeFileSync(join(sub, 'notes.tmp'), 'not ours');
    expect(removeStaleTemps(sub)).toEqual(['.checkpoint.json.9999999.0.tmp']);
    expect(readdirSync(sub).sort()).toEqual([`.metrics.json.${process.ppid}.3.tmp`, 'notes.tmp']);
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
