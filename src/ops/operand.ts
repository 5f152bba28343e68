/** Turning op arguments into tensors: numbers become 0-d tensors of the other operand's dtype. */
import type { DType } from '../dtype.js';
import { allocate } from '../dtype.js';
import { Tensor } from '../tensor.js';

/** A tensor, or a plain number that acts as a 0-d tensor (it adopts the tensor operand's dtype). */
export type Operand = Tensor | number;

export function scalarTensor(value: number, dtype: DType): Tensor {
  const storage = allocate(dtype, 1);
  storage[0] = value;
  return new Tensor(storage, []);
}

/** Checks that `x` is a tensor, naming the op and argument when it is not. */
export function expectTensor(op: string, x: unknown, what = 'argument'): Tensor {
  if (x instanceof Tensor) return x;
  throw new Error(`${op}: ${what} must be a Tensor, got ${describe(x)}`);
}

/** Both operands as tensors; a number takes the dtype of the tensor beside it (float64 if none). */
export function operands(op: string, a: Operand, b: Operand): [Tensor, Tensor] {
  const dtype: DType = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : 'float64';
  return [toTensor(op, a, dtype, 'first operand'), toTensor(op, b, dtype, 'second operand')];
}

function toTensor(op: string, x: Operand, dtype: DType, what: string): Tensor {
  if (typeof x === 'number') return scalarTensor(x, dtype);
  return expectTensor(op, x, what);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it with tensor(...))';
  if (typeof x === 'string') return `string ${JSON.stringify(x)}`;
  return typeof x;
}
