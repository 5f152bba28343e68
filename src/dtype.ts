/** Element types: float64 by default (exact gradient checks), float32 opt-in for speed. */
import { traceHooks } from './engine/trace-hooks.js';

/** Element type of a tensor: 'float64' (default) or 'float32'. */
export type DType = 'float64' | 'float32';
/** The storage of a tensor: a Float64Array or a Float32Array. */
export type FloatArray = Float64Array | Float32Array;

/** Throws a clear error for anything but a known dtype name. */
export function checkDType(op: string, dtype: unknown): DType {
  if (dtype === 'float64' || dtype === 'float32') return dtype;
  throw new Error(`${op}: unknown dtype ${JSON.stringify(dtype)} (expected 'float64' or 'float32')`);
}

/** A zero-filled buffer for an op's result (a compiled step's replay hands out its preallocated ones). */
export function allocate(dtype: DType, size: number): FloatArray {
  const hook = traceHooks.alloc;
  if (hook !== null) return hook(dtype, size);
  return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

/** A new zero-filled buffer, never a pooled one. */
export function newBuffer(dtype: DType, size: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

/** The dtype of an op over mixed inputs: float32 only when every input is float32. */
export function resultDType(a: DType, b: DType): DType {
  return a === 'float32' && b === 'float32' ? 'float32' : 'float64';
}

export function dtypeOf(array: FloatArray): DType {
  return array instanceof Float32Array ? 'float32' : 'float64';
}

/** The same numbers in the other dtype (a copy; float32 rounds). */
export function convertStorage(array: FloatArray, dtype: DType): FloatArray {
  return dtype === 'float32' ? Float32Array.from(array) : Float64Array.from(array);
}
