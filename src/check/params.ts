/** What verifyGradients and verifyJacobian share: named parameters and their float64 copies. */
import { tensor } from '../creation.js';
import { Tensor } from '../tensor.js';

/** A float64 copy of a tensor's values. */
export function float64Of(t: Tensor): Float64Array {
  return Float64Array.from(t.storage);
}

/** Named parameters, validated, with float64 copies that finite differences perturb in place. */
export interface NamedParams {
  readonly names: string[];
  readonly tensors: Tensor[];
  /** Any dtype float32: float32 tolerances apply. */
  readonly lowPrecision: boolean;
  /** The record `{ name: ts[i] }` the user's functions take. */
  record(ts: readonly Tensor[]): Record<string, Tensor>;
  readonly copies: Float64Array[];
  /** The copies as float64 tensors sharing their buffers (perturbing a copy changes the tensor). */
  readonly copyTensors: Tensor[];
}

/** Validates `params` (every value a Tensor, named in the error otherwise) and copies them. */
export function namedParams(fn: string, params: unknown): NamedParams {
  if (params === null || typeof params !== 'object') throw new Error(`${fn}: params must be a Record<string, Tensor>`);
  const names = Object.keys(params);
  const tensors = names.map((n) => {
    const t = (params as Record<string, unknown>)[n];
    if (!(t instanceof Tensor)) throw new Error(`${fn}: params.${n} must be a Tensor`);
    return t;
  });
  const copies = tensors.map((t) => float64Of(t));
  return {
    names, tensors, copies,
    lowPrecision: tensors.some((t) => t.dtype === 'float32'),
    record: (ts) => Object.fromEntries(names.map((n, i) => [n, ts[i]!])),
    copyTensors: copies.map((c, i) => tensor(c, { shape: [...tensors[i]!.shape], copy: false })),
  };
}
