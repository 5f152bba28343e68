/** Checkpoints: named parameters, optimizer state and metadata in one JSON file, saved atomically and validated on load. */
import { readFileSync } from 'node:fs';
import { allocate, checkDType, type DType, type FloatArray } from '../dtype.js';
import type { OptimizerState } from '../optim/optimizer.js';
import type { Tensor } from '../tensor.js';
import { writeFileAtomic, type WriteFaults } from './atomic.js';

const FORMAT = 'tapegrad-checkpoint';
const VERSION = 1;

/** One stored array: values are the raw little-endian bytes, base64-encoded, so floats round-trip exactly. */
interface StoredArray {
  name: string;
  shape: number[];
  dtype: DType;
  data: string;
}

interface CheckpointFile {
  format: typeof FORMAT;
  version: number;
  meta: Record<string, unknown>;
  params: StoredArray[];
  optimizer: null | { kind: string; hyper: Record<string, number | boolean>; steps: number; buffers: Record<string, StoredArray[]> };
}

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

function encode(values: FloatArray | Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

function decode(where: string, s: StoredArray): FloatArray {
  const dtype = checkDType(where, s.dtype);
  const size = s.shape.reduce((a, b) => a * b, 1);
  const bytes = Buffer.from(s.data, 'base64');
  const width = dtype === 'float32' ? 4 : 8;
  if (bytes.length !== size * width) {
    throw new Error(`${where}: '${s.name}' has ${bytes.length} bytes of data, shape [${s.shape.join(',')}] ${dtype} needs ${size * width}`);
  }
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
    params.push({ name, shape: [...t.shape], dtype: t.dtype, data: encode(t.storage) });
  }
  const opt = content.optimizer ?? null;
  const file: CheckpointFile = {
    format: FORMAT,
    version: VERSION,
    meta: content.meta ?? {},
    params,
    optimizer: opt === null ? null : {
      kind: opt.kind,
      hyper: { ...opt.hyper },
      steps: opt.steps,
      buffers: Object.fromEntries(Object.entries(opt.buffers).map(([b, per]) => [
        b, Object.entries(per).map(([name, a]) => ({ name, shape: [a.length], dtype: 'float64' as const, data: encode(a) })),
      ])),
    },
  };
  writeFileAtomic(path, JSON.stringify(file), faults);
}

/**
 * Reads and validates a checkpoint written by {@link saveCheckpoint}.
 * @throws Error naming the file and the problem (not JSON, wrong format, a bad array).
 * @example
 * ```ts
 * const ckpt = loadCheckpoint('runs/seed000/checkpoint.json');
 * restoreParameters(model.namedParameters(), ckpt);
 * ```
 */
export function loadCheckpoint(path: string): Checkpoint {
  const where = `loadCheckpoint(${path})`;
  let file: CheckpointFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as CheckpointFile;
  } catch (err) {
    throw new Error(`${where}: cannot read checkpoint: ${(err as Error).message}`);
  }
  if (file === null || typeof file !== 'object' || file.format !== FORMAT) {
    throw new Error(`${where}: not a tapegrad checkpoint (format field is ${JSON.stringify((file as { format?: unknown } | null)?.format)})`);
  }
  if (file.version !== VERSION) throw new Error(`${where}: unsupported version ${file.version} (this tapegrad reads ${VERSION})`);
  if (!Array.isArray(file.params)) throw new Error(`${where}: 'params' is not a list`);
  const params = new Map<string, StoredTensor>();
  for (const s of file.params) {
    if (typeof s.name !== 'string' || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${where}: malformed parameter entry ${JSON.stringify(s).slice(0, 80)}`);
    }
    if (params.has(s.name)) throw new Error(`${where}: parameter '${s.name}' stored twice`);
    params.set(s.name, { shape: s.shape, dtype: s.dtype, values: decode(where, s) });
  }
  let optimizer: OptimizerState | null = null;
  if (file.optimizer !== null && file.optimizer !== undefined) {
    const o = file.optimizer;
    const buffers: Record<string, Record<string, Float64Array>> = {};
    for (const [b, list] of Object.entries(o.buffers)) {
      buffers[b] = Object.fromEntries(list.map((s) => [s.name, decode(`${where} optimizer buffer '${b}'`, s) as Float64Array]));
    }
    optimizer = { kind: o.kind, hyper: o.hyper, steps: o.steps, buffers };
  }
  return { params, optimizer, meta: file.meta ?? {} };
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
