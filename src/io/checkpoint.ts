/**
 * Checkpoints: named parameters, optimizer state and metadata in one JSON file, saved atomically,
 * with a SHA-256 checksum per array and per section, and validated field by field on load.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { allocate, checkDType, type DType, type FloatArray } from '../dtype.js';
import type { OptimizerState } from '../optim/optimizer.js';
import type { Tensor } from '../tensor.js';
import { writeFileAtomic, type WriteFaults } from './atomic.js';

const FORMAT = 'tapegrad-checkpoint';
// Version 2 added the checksums; version 1 files (none) are refused with a clear message.
const VERSION = 2;

/** One stored array: values are the raw little-endian bytes, base64-encoded, so floats round-trip exactly. */
interface StoredArray {
  name: string;
  shape: number[];
  dtype: DType;
  data: string;
  /** SHA-256 of the raw bytes, hex. */
  sha256: string;
}

interface CheckpointFile {
  format: typeof FORMAT;
  version: number;
  meta: Record<string, unknown>;
  params: StoredArray[];
  optimizer: null | { kind: string; hyper: Record<string, number | boolean>; steps: number; buffers: Record<string, StoredArray[]> };
  /** SHA-256 of JSON.stringify(meta) and of the optimizer's kind, hyper-parameters and step count. */
  checksums: { meta: string; optimizer: string | null };
}

/** Called by {@link loadCheckpoint} with the file's metadata; `field(name, problem)` throws an Error naming the file and the field. */
export type MetaValidator = (meta: Record<string, unknown>, field: (name: string, problem: string) => never) => void;

/** A parameter as read back from a checkpoint. */
export interface StoredTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly values: FloatArray;
}

/** What {@link loadCheckpoint} returns. */
export interface Checkpoint {
  readonly params: ReadonlyMap<string, StoredTensor>;
  readonly optimizer: OptimizerState | null;
  readonly meta: Record<string, unknown>;
}

/** What {@link saveCheckpoint} stores. */
export interface CheckpointContent {
  params: Iterable<readonly [string, Tensor]>;
  optimizer?: OptimizerState | null;
  meta?: Record<string, unknown>;
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function store(name: string, shape: number[], dtype: DType, values: FloatArray | Float64Array): StoredArray {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return { name, shape, dtype, data: Buffer.from(bytes).toString('base64'), sha256: sha256(bytes) };
}

function optimizerSummary(o: NonNullable<CheckpointFile['optimizer']>): string {
  return JSON.stringify({ kind: o.kind, hyper: o.hyper, steps: o.steps });
}

type Fail = (field: string, problem: string) => never;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Validates one stored array's every field and its checksum, then decodes it. */
function decode(fail: Fail, field: string, s: StoredArray): FloatArray {
  if (s === null || typeof s !== 'object') fail(field, 'is not an object');
  if (typeof s.name !== 'string' || s.name === '') fail(`${field}.name`, `is ${JSON.stringify(s.name)}, expected a name`);
  const at = `${field} ('${s.name}')`;
  if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`${at}.shape`, `is ${JSON.stringify(s.shape)}, expected whole numbers ≥ 0`);
  if (s.dtype !== 'float32' && s.dtype !== 'float64') fail(`${at}.dtype`, `is ${JSON.stringify(s.dtype)}, expected float32 or float64`);
  const dtype = checkDType(field, s.dtype);
  if (typeof s.data !== 'string' || s.data.length % 4 !== 0 || !BASE64.test(s.data)) fail(`${at}.data`, 'is not base64 text');
  const size = s.shape.reduce((a, b) => a * b, 1);
  const bytes = Buffer.from(s.data, 'base64');
  const width = dtype === 'float32' ? 4 : 8;
  if (bytes.length !== size * width) fail(`${at}.data`, `has ${bytes.length} bytes, shape [${s.shape.join(',')}] ${dtype} needs ${size * width}`);
  if (typeof s.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(s.sha256)) fail(`${at}.sha256`, 'is missing or not a SHA-256 digest');
  if (sha256(bytes) !== s.sha256) fail(`${at}.data`, 'does not match its checksum (the values were changed after the file was written)');
  const out = allocate(dtype, size);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/**
 * Saves parameters (with names, shapes and dtypes), optimizer state and metadata to `path`, atomically:
 * if the save is interrupted, the previous checkpoint at `path` is left intact.
 *
 * @example
 * ```ts
 * saveCheckpoint('runs/seed000/checkpoint.json', {
 *   params: model.namedParameters(), optimizer: opt.stateDict(), meta: { epoch: 3 },
 * });
 * ```
 */
export function saveCheckpoint(path: string, content: CheckpointContent, faults?: WriteFaults): void {
  const params: StoredArray[] = [];
  for (const [name, t] of content.params) {
    params.push(store(name, [...t.shape], t.dtype, t.storage));
  }
  const opt = content.optimizer ?? null;
  const meta = content.meta ?? {};
  const optimizer: CheckpointFile['optimizer'] = opt === null ? null : {
    kind: opt.kind,
    hyper: { ...opt.hyper },
    steps: opt.steps,
    buffers: Object.fromEntries(Object.entries(opt.buffers).map(([b, per]) => [
      b, Object.entries(per).map(([name, a]) => store(name, [a.length], 'float64', a)),
    ])),
  };
  const file: CheckpointFile = {
    format: FORMAT, version: VERSION, meta, params, optimizer,
    checksums: { meta: sha256(JSON.stringify(meta)), optimizer: optimizer === null ? null : sha256(optimizerSummary(optimizer)) },
  };
  writeFileAtomic(path, JSON.stringify(file), faults);
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint} and validates every field: format, version,
 * each array's name, shape, dtype, data and checksum, the optimizer's state, and the metadata
 * (its checksum, and `validateMeta`'s checks of what it must hold).
 * @throws Error naming the file and the field at fault, e.g.
 *   `loadCheckpoint: runs/x/checkpoint.json: field params[0] ('W1').data does not match its checksum …`.
 * @example
 * ```ts
 * const ckpt = loadCheckpoint('runs/seed000/checkpoint.json');
 * restoreParameters(model.namedParameters(), ckpt);
 * ```
 */
export function loadCheckpoint(path: string, options: { validateMeta?: MetaValidator } = {}): Checkpoint {
  const fail: Fail = (field, problem) => { throw new Error(`loadCheckpoint: ${path}: field ${field} ${problem}`); };
  let file: CheckpointFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as CheckpointFile;
  } catch (err) {
    throw new Error(`loadCheckpoint: ${path}: cannot read checkpoint: ${(err as Error).message}`);
  }
  if (file === null || typeof file !== 'object' || file.format !== FORMAT) {
    throw new Error(`loadCheckpoint: ${path}: not a tapegrad checkpoint (format field is ${JSON.stringify((file as { format?: unknown } | null)?.format)})`);
  }
  if (file.version !== VERSION) fail('version', `is ${JSON.stringify(file.version)}; this tapegrad reads version ${VERSION} (retrain to write one)`);
  if (!Array.isArray(file.params)) fail('params', 'is not a list');
  const params = new Map<string, StoredTensor>();
  file.params.forEach((s, i) => {
    const values = decode(fail, `params[${i}]`, s);
    if (params.has(s.name)) fail(`params[${i}].name`, `'${s.name}' is stored twice`);
    params.set(s.name, { shape: s.shape, dtype: s.dtype, values });
  });
  const sums = file.checksums;
  if (sums === null || typeof sums !== 'object') fail('checksums', 'is missing');
  let optimizer: OptimizerState | null = null;
  if (file.optimizer !== null) {
    const o = file.optimizer;
    if (o === undefined || typeof o !== 'object') fail('optimizer', 'is neither null nor an object');
    if (typeof o.kind !== 'string') fail('optimizer.kind', `is ${JSON.stringify(o.kind)}`);
    if (!Number.isInteger(o.steps) || o.steps < 0) fail('optimizer.steps', `is ${JSON.stringify(o.steps)}, expected a whole number ≥ 0`);
    if (o.hyper === null || typeof o.hyper !== 'object') fail('optimizer.hyper', 'is not an object');
    for (const [k, v] of Object.entries(o.hyper)) if (typeof v !== 'boolean' && !Number.isFinite(v)) fail(`optimizer.hyper.${k}`, `is ${JSON.stringify(v)}`);
    if (o.buffers === null || typeof o.buffers !== 'object') fail('optimizer.buffers', 'is not an object');
    if (sums.optimizer !== sha256(optimizerSummary(o))) fail('optimizer', 'does not match its checksum (kind, hyper or steps were changed after the file was written)');
    const buffers: Record<string, Record<string, Float64Array>> = {};
    for (const [b, list] of Object.entries(o.buffers)) {
      if (!Array.isArray(list)) fail(`optimizer.buffers.${b}`, 'is not a list');
      buffers[b] = Object.fromEntries(list.map((s, i) => {
        const values = decode(fail, `optimizer.buffers.${b}[${i}]`, s);
        if (s.dtype !== 'float64') fail(`optimizer.buffers.${b}[${i}] ('${s.name}').dtype`, `is ${s.dtype}, expected float64`);
        return [s.name, values as Float64Array];
      }));
    }
    optimizer = { kind: o.kind, hyper: o.hyper, steps: o.steps, buffers };
  }
  const meta = file.meta;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) fail('meta', 'is not an object');
  options.validateMeta?.(meta, fail);
  if (sums.meta !== sha256(JSON.stringify(meta))) fail('meta', 'does not match its checksum (it was changed after the file was written)');
  return { params, optimizer, meta };
}

/**
 * Copies stored values into the given parameters after checking that the names match exactly and that
 * every shape and dtype agrees.
 * @throws Error listing missing or unexpected names, or naming the parameter whose shape/dtype differs.
 * @example
 * ```ts
 * restoreParameters(model.namedParameters(), loadCheckpoint(path));
 * ```
 */
export function restoreParameters(params: Iterable<readonly [string, Tensor]>, ckpt: Checkpoint): void {
  const list = [...params];
  const names = new Set(list.map(([n]) => n));
  const missing = list.map(([n]) => n).filter((n) => !ckpt.params.has(n));
  const unexpected = [...ckpt.params.keys()].filter((n) => !names.has(n));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new Error(
      `restoreParameters: parameter names differ: missing from checkpoint [${missing.join(', ')}], ` +
      `unexpected in checkpoint [${unexpected.join(', ')}]`,
    );
  }
  for (const [name, t] of list) {
    const s = ckpt.params.get(name)!;
    if (s.shape.length !== t.shape.length || s.shape.some((d, i) => d !== t.shape[i])) {
      throw new Error(`restoreParameters: '${name}' has shape [${s.shape.join(',')}] in the checkpoint, model expects [${t.shape.join(',')}]`);
    }
    if (s.dtype !== t.dtype) {
      throw new Error(`restoreParameters: '${name}' is ${s.dtype} in the checkpoint, model expects ${t.dtype}`);
    }
  }
  for (const [name, t] of list) {
    t.storage.set(ckpt.params.get(name)!.values);
    t.markModified(); // graphs recorded before the load must not be walked back
  }
}
