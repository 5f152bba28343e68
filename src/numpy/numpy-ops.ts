/**
 * numpy's array semantics on tapegrad tensors: operands and dtype promotion (NEP 50: Python
 * scalars are weak), broadcasting errors worded as numpy words them, arithmetic, comparisons,
 * in-place operators, matmul/dot, reductions, and stacking. Every differentiable result is a
 * tapegrad op (or a composite of them); piecewise-constant helpers (floor, `//`, masks) work on
 * storage and refuse a tensor that requires grad rather than return a silently wrong gradient.
 */
import { tensor } from '../creation.js';
import { add, div, equalMask, greaterEqualMask, greaterMask, mul, pow, sub } from '../ops/arithmetic.js';
import { matmul } from '../ops/matmul.js';
import { max as tmax, mean as tmean, sum as tsum } from '../ops/reduce.js';
import { broadcastTo, cast, reshape } from '../ops/shape-ops.js';
import { abs as tabs, exp, log, neg, sqrt } from '../ops/unary.js';
import { square } from '../ops/unary-extra.js';
import { floor } from '../ops/trig.js';
import { maximum, minimum } from '../ops/minmax.js';
import { broadcastShapes, shapeSize, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { PyRaise } from './errors.js';
import { concat } from '../ops/join.js';
import { NdArray, getItem, setItemInPlace, type NpDtype } from './ndarray.js';
import { isArray, runtime, toArray } from './pyops.js';
import { PyFloat, PyList, PyRange, PySlice, PyTuple, typeName, type Value } from './values.js';

const RANK: Record<NpDtype, number> = { bool: 0, int64: 1, float32: 2, float64: 3 };

/** numpy's promotion of two array dtypes. */
export function promote(a: NpDtype, b: NpDtype): NpDtype {
  if (a === b) return a;
  if ((a === 'int64' && b === 'float32') || (a === 'float32' && b === 'int64')) return 'float64';
  return RANK[a] >= RANK[b] ? a : b;
}

/** True for float dtypes. */
export function isFloat(d: NpDtype): boolean {
  return d === 'float64' || d === 'float32';
}

/** One operand of an array operation. Python scalars are weak: they do not raise an array's dtype kind. */
export interface Operand {
  readonly t: Tensor | number;
  readonly dtype: NpDtype;
  readonly weak: boolean;
  readonly shape: readonly number[];
}

/** `(3, 4)` as numpy prints shapes in messages. */
export function shapeStr(s: readonly number[]): string {
  return `(${s.join(',')}${s.length === 1 ? ',' : ''})`;
}

/** An operand from any value (lists become arrays). */
export function operand(v: Value): Operand {
  if (typeof v === 'number') return { t: v, dtype: 'int64', weak: true, shape: [] };
  if (v instanceof PyFloat) return { t: v.v, dtype: 'float64', weak: true, shape: [] };
  if (typeof v === 'boolean') return { t: v ? 1 : 0, dtype: 'bool', weak: true, shape: [] };
  if (isArray(v)) return { t: v.tensor, dtype: v.dtype, weak: false, shape: v.shape };
  if (v instanceof PyList || v instanceof PyTuple || v instanceof PyRange) {
    const a = arrayFrom(v);
    return { t: a.tensor, dtype: a.dtype, weak: false, shape: a.shape };
  }
  throw new PyRaise('TypeError', `unsupported operand type for a numpy operation: '${typeName(v)}'`);
}

/** The result dtype of a binary arithmetic op. */
export function resultDtype(a: Operand, b: Operand): NpDtype {
  if (a.weak && !b.weak) return weakPromote(b.dtype, a.dtype);
  if (b.weak && !a.weak) return weakPromote(a.dtype, b.dtype);
  return promote(a.dtype, b.dtype);
}

function weakPromote(arr: NpDtype, scalar: NpDtype): NpDtype {
  if (scalar === 'float64') return isFloat(arr) ? arr : 'float64';
  if (scalar === 'int64') return arr === 'bool' ? 'int64' : arr;
  return arr;
}

/** numpy broadcasting of two shapes (tapegrad's rule, src/shape.ts), with numpy's error message. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  try {
    return broadcastShapes('broadcast', a, b);
  } catch {
    throw new PyRaise('ValueError', `operands could not be broadcast together with shapes ${shapeStr(a)} ${shapeStr(b)} `);
  }
}

/** The tensor of an operand in a compute dtype (float32 only when the result is float32). */
function tensorOf(o: Operand, result: NpDtype): Tensor | number {
  if (typeof o.t === 'number') return o.t;
  const want = result === 'float32' ? 'float32' : 'float64';
  return o.t.dtype === want ? o.t : cast(o.t, want);
}

function asTensor(t: Tensor | number, dtype: NpDtype): Tensor {
  return typeof t === 'number' ? tensor(t, { dtype: dtype === 'float32' ? 'float32' : 'float64' }) : t;
}

/** Wraps a result: a numpy scalar when 0-d. */
export function wrap(t: Tensor, dtype: NpDtype): NdArray {
  return new NdArray(t, dtype, t.shape.length === 0);
}

/** Refuses to differentiate through a storage-level (piecewise constant or integer) helper. */
export function constantOnly(name: string, ...ts: (Tensor | number)[]): void {
  for (const t of ts) {
    if (t instanceof Tensor && t.requiresGrad) {
      throw new PyRaise('NotSupported', `${name} on an array that requires a gradient is not supported (it is piecewise constant or integer-valued)`);
    }
  }
}

/** The operand without its tape (for storage-level helpers whose gradient is 0 or comes from elsewhere). */
export function detached(o: Operand): Operand {
  return typeof o.t === 'number' || !o.t.requiresGrad ? o : { ...o, t: o.t.detach() };
}

/**
 * `exact` (numpy's values, computed from storage) carrying the gradient of `composite` (the same
 * function written with tapegrad ops): `exact + (c − c.detach())`, whose value is `exact` and whose
 * derivatives of every order are c's. Only built when an input requires a gradient.
 */
export function withGradientOf(exact: Tensor, inputs: readonly (Tensor | number)[], composite: () => Tensor): Tensor {
  if (!inputs.some((t) => t instanceof Tensor && t.requiresGrad)) return exact;
  const c = composite();
  return add(exact, sub(c, c.detach()));
}

/** An element-wise storage map over broadcast operands (no gradient). */
export function mapStorage(a: Operand, b: Operand, f: (x: number, y: number) => number, name: string): Tensor {
  constantOnly(name, a.t, b.t);
  const shape = broadcastShape(a.shape, b.shape);
  const n = shapeSize(shape);
  const out = new Float64Array(n);
  const ta = typeof a.t === 'number' ? null : a.t;
  const tb = typeof b.t === 'number' ? null : b.t;
  const sa = ta === null ? null : broadcastStridesOf(ta.shape, shape);
  const sb = tb === null ? null : broadcastStridesOf(tb.shape, shape);
  const strides = stridesOf(shape);
  for (let i = 0; i < n; i++) {
    let ia = 0;
    let ib = 0;
    if (sa !== null || sb !== null) {
      let rem = i;
      for (let d = 0; d < shape.length; d++) {
        const c = Math.floor(rem / strides[d]!);
        rem -= c * strides[d]!;
        if (sa !== null) ia += c * sa[d]!;
        if (sb !== null) ib += c * sb[d]!;
      }
    }
    const x = ta === null ? (a.t as number) : ta.storage[ia]!;
    const y = tb === null ? (b.t as number) : tb.storage[ib]!;
    out[i] = f(x, y);
  }
  return new Tensor(out, shape);
}

function broadcastStridesOf(from: readonly number[], to: readonly number[]): number[] {
  const own = stridesOf(from);
  const off = to.length - from.length;
  const s = new Array<number>(to.length).fill(0);
  for (let i = 0; i < from.length; i++) if (from[i] !== 1) s[i + off] = own[i]!;
  return s;
}

/** Element-wise map of one tensor's storage (no gradient). */
export function mapUnary(t: Tensor, f: (x: number) => number, name: string, dtype: 'float64' | 'float32' = 'float64'): Tensor {
  constantOnly(name, t);
  const s = t.storage;
  const out = dtype === 'float32' ? new Float32Array(s.length) : new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = f(s[i]!);
  return new Tensor(out, t.shape);
}

function pyMod(a: number, b: number): number {
  if (b === 0) return NaN;
  const r = a % b;
  // Python's rule: a zero result takes the divisor's sign ((-0.75) % 0.75 is 0.0, not -0.0).
  if (r === 0) return b < 0 ? -0 : 0;
  return (r < 0) !== (b < 0) ? r + b : r;
}

const UFUNC: Record<string, string> = {
  '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide', '//': 'floor_divide', '%': 'remainder', '**': 'power', '@': 'matmul',
  '&': 'bitwise_and', '|': 'bitwise_or', '^': 'bitwise_xor', '<<': 'left_shift', '>>': 'right_shift',
};

/** A binary arithmetic or comparison op on arrays (numpy semantics). */
export function arith(op: string, av: Value, bv: Value): NdArray {
  const a = operand(av);
  const b = operand(bv);
  if (op === '@') return matmulNp(av, bv);
  const shape = broadcastShape(a.shape, b.shape);
  void shape;
  switch (op) {
    case '+': case '-': case '*': {
      let dt = resultDtype(a, b);
      if (dt === 'bool') {
        if (op === '-') throw new PyRaise('TypeError', 'numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.');
        dt = 'bool';
      }
      const x = tensorOf(a, dt);
      const y = tensorOf(b, dt);
      const t = op === '+' ? addOp(x, y, dt) : op === '-' ? subOp(x, y, dt) : mulOp(x, y, dt);
      return wrap(dt === 'bool' ? mapUnary(t, (v) => (v !== 0 ? 1 : 0), 'bool arithmetic') : t, dt);
    }
    case '/': {
      const r = resultDtype(a, b);
      const dt: NpDtype = r === 'float32' ? 'float32' : 'float64';
      return wrap(divOp(tensorOf(a, dt), tensorOf(b, dt), dt), dt);
    }
    case '//': case '%': {
      const dt = resultDtype(a, b);
      const f = op === '//'
        ? (x: number, y: number): number => (y === 0 ? (dt === 'int64' ? 0 : x / y) : Math.floor(x / y))
        : (x: number, y: number): number => (y === 0 && dt === 'int64' ? 0 : pyMod(x, y));
      // numpy's values from storage; `//` is piecewise constant (gradient 0, PyTorch's floor division).
      let t = mapStorage(detached(a), detached(b), f, `numpy ${UFUNC[op]}`);
      if (dt === 'float32') t = cast(t, 'float32');
      // PyTorch's remainder gradient (1 for a, −floor(a/b) for b), from a − floor(a/b)·b.
      if (op === '%' && isFloat(dt)) t = withGradientOf(t, [a.t, b.t], () => {
        const x = asTensor(tensorOf(a, dt), dt);
        const y = asTensor(tensorOf(b, dt), dt);
        return sub(x, mul(floor(div(x, y)), y));
      });
      return wrap(t, dt === 'bool' ? 'int64' : dt);
    }
    case '**': {
      const dt = resultDtype(a, b);
      if (dt === 'int64' || dt === 'bool') {
        const e = b.t;
        const neg = typeof e === 'number' ? e < 0 : Array.prototype.some.call(e.storage, (v: number) => v < 0);
        if (neg) throw new PyRaise('ValueError', 'Integers to negative integer powers are not allowed.');
      }
      const x = asTensor(tensorOf(a, dt), dt);
      const y = tensorOf(b, dt);
      const t = typeof y === 'number' && y === 2 ? square(x) : pow(x, y);
      return wrap(t, dt === 'bool' ? 'int64' : dt);
    }
    case '<': case '<=': case '>': case '>=': case '==': case '!=':
      return wrap(compareArrays(op, a, b), 'bool');
    case '&': case '|': case '^': case '<<': case '>>': {
      const dt = resultDtype(a, b);
      if (isFloat(dt)) throw new PyRaise('TypeError', `ufunc '${UFUNC[op]}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''`);
      const f: Record<string, (x: number, y: number) => number> = {
        '&': (x, y) => x & y, '|': (x, y) => x | y, '^': (x, y) => x ^ y, '<<': (x, y) => x << y, '>>': (x, y) => x >> y,
      };
      return wrap(mapStorage(a, b, f[op]!, `numpy ${UFUNC[op]}`), dt);
    }
    default:
      throw new PyRaise('NotSupported', `the operator ${op} on numpy arrays is not supported`);
  }
}

function addOp(x: Tensor | number, y: Tensor | number, dt: NpDtype): Tensor {
  if (typeof x === 'number' && typeof y === 'number') return asTensor(x + y, dt);
  return add(x as Tensor, y);
}
function subOp(x: Tensor | number, y: Tensor | number, dt: NpDtype): Tensor {
  if (typeof x === 'number' && typeof y === 'number') return asTensor(x - y, dt);
  if (typeof x === 'number') return sub(asTensor(x, dt), y);
  return sub(x, y);
}
function mulOp(x: Tensor | number, y: Tensor | number, dt: NpDtype): Tensor {
  if (typeof x === 'number' && typeof y === 'number') return asTensor(x * y, dt);
  if (typeof x === 'number') return mul(y as Tensor, x);
  return mul(x, y);
}
function divOp(x: Tensor | number, y: Tensor | number, dt: NpDtype): Tensor {
  if (typeof x === 'number' && typeof y === 'number') return asTensor(x / y, dt);
  if (typeof x === 'number') return div(asTensor(x, dt), y);
  return div(x, y);
}

function compareArrays(op: string, a: Operand, b: Operand): Tensor {
  const dt = resultDtype(a, b);
  const x = tensorOf(a, dt);
  const y = tensorOf(b, dt);
  broadcastShape(a.shape, b.shape);
  if (typeof x === 'number' && typeof y === 'number') {
    const r = op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : op === '>=' ? x >= y : op === '==' ? x === y : x !== y;
    return tensor(r ? 1 : 0);
  }
  const X = asTensor(x, dt);
  const Y = asTensor(y, dt);
  switch (op) {
    case '>': return greaterMask(X, Y);
    case '>=': return greaterEqualMask(X, Y);
    case '<': return greaterMask(Y, X);
    case '<=': return greaterEqualMask(Y, X);
    case '==': return equalMask(X, Y);
    default: return mapUnary(equalMask(X, Y), (v) => 1 - v, 'not_equal');
  }
}

/** `a op= b` on an array: the result is computed, cast as numpy's same_kind rule allows, and stored in place. */
export function inplace(op: string, a: NdArray, bv: Value): NdArray {
  const r = arith(op, a, bv);
  let dt = r.dtype;
  if (dt !== a.dtype) {
    const ok = (isFloat(a.dtype) && (isFloat(dt) || dt === 'int64' || dt === 'bool')) || (a.dtype === 'int64' && dt === 'bool');
    if (!ok) {
      throw new PyRaise('UFuncTypeError', `Cannot cast ufunc '${UFUNC[op] ?? op}' output from dtype('${dt}') to dtype('${a.dtype}') with casting rule 'same_kind'`);
    }
    dt = a.dtype;
  }
  const shape = r.shape;
  if (shape.length !== a.shape.length || shape.some((d, i) => d !== a.shape[i])) {
    throw new PyRaise('ValueError', `non-broadcastable output operand with shape ${shapeStr(a.shape)} doesn't match the broadcast shape ${shapeStr(shape)}`);
  }
  let t = r.tensor;
  const want = a.dtype === 'float32' ? 'float32' : 'float64';
  if (t.dtype !== want) t = cast(t, want);
  a.assign(t);
  return a;
}

// ------------------------------------------------------------------ matmul and dot

/** numpy matmul (`@`): 1-d operands promoted and their axis removed; batched left operands. */
export function matmulNp(av: Value, bv: Value): NdArray {
  const a = toNd(av);
  const b = toNd(bv);
  if (a.shape.length === 0 || b.shape.length === 0) {
    throw new PyRaise('ValueError', "matmul: Input operand does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)");
  }
  const dt = promote(a.dtype, b.dtype);
  const want = dt === 'float32' ? 'float32' : 'float64';
  let x = a.tensor.dtype === want ? a.tensor : cast(a.tensor, want);
  let y = b.tensor.dtype === want ? b.tensor : cast(b.tensor, want);
  const aVec = x.ndim === 1;
  const bVec = y.ndim === 1;
  if (aVec) x = reshape(x, [1, x.shape[0]!]);
  if (bVec) y = reshape(y, [y.shape[0]!, 1]);
  const k = x.shape[x.ndim - 1]!;
  const kb = y.shape[y.ndim - 2]!;
  if (k !== kb) {
    throw new PyRaise('ValueError', `matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ${kb} is different from ${k})`);
  }
  let t = matmul(x, y);
  if (aVec && bVec) t = reshape(t, []);
  else if (aVec) t = reshape(t, t.shape.slice(0, -2).concat([t.shape[t.ndim - 1]!]));
  else if (bVec) t = reshape(t, t.shape.slice(0, -1));
  return wrap(t, dt === 'bool' ? 'bool' : dt);
}

/** numpy dot: products for 0-d, inner product for 1-d, matrix product for 2-d (numpy's message on mismatch). */
export function dotNp(av: Value, bv: Value): NdArray {
  const a = toNd(av);
  const b = toNd(bv);
  if (a.shape.length === 0 || b.shape.length === 0) return arith('*', a, b);
  if (a.shape.length > 2 || b.shape.length > 2) {
    if (b.shape.length <= 2) return matmulNp(a, b);
    throw new PyRaise('NotSupported', `np.dot of arrays with shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} (more than 2 dimensions on the right) is not supported`);
  }
  const ka = a.shape[a.shape.length - 1]!;
  const kb = b.shape.length === 1 ? b.shape[0]! : b.shape[0]!;
  if (ka !== kb) {
    const dimB = 0;
    throw new PyRaise('ValueError', `shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} not aligned: ${ka} (dim ${a.shape.length - 1}) != ${kb} (dim ${dimB})`);
  }
  return matmulNp(a, b);
}

/** np.outer: a.ravel()[:, None] * b.ravel()[None, :]. */
export function outerNp(av: Value, bv: Value): NdArray {
  const a = toNd(av);
  const b = toNd(bv);
  const x = reshape(a.tensor, [a.tensor.size, 1]);
  const y = reshape(b.tensor, [1, b.tensor.size]);
  return arith('*', new NdArray(x, a.dtype), new NdArray(y, b.dtype));
}

// ------------------------------------------------------------------ conversions

/** Any value as an array (Python scalars become 0-d arrays, lists arrays). */
export function toNd(v: Value): NdArray {
  if (isArray(v)) return v;
  if (typeof v === 'number') return new NdArray(tensor(v), 'int64', true);
  if (v instanceof PyFloat) return new NdArray(tensor(v.v), 'float64', true);
  if (typeof v === 'boolean') return new NdArray(tensor(v ? 1 : 0), 'bool', true);
  if (v instanceof PyList || v instanceof PyTuple || v instanceof PyRange) return arrayFrom(v);
  throw new PyRaise('TypeError', `expected a numpy array or a number, got '${typeName(v)}'`);
}

/** np.array of nested lists/tuples of numbers and arrays (arrays stack differentiably). */
export function arrayFrom(v: Value, dtype?: NpDtype): NdArray {
  if (isArray(v)) return v;
  if (!(v instanceof PyList || v instanceof PyTuple || v instanceof PyRange)) {
    const a = toNd(v);
    return new NdArray(a.tensor, dtype ?? a.dtype);
  }
  if (v instanceof PyRange) {
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = v.at(i);
    return finishDtype(new Tensor(out, [v.length]), dtype ?? 'int64');
  }
  const items = v.items;
  if (items.some((x) => isArray(x) && !x.isScalar && x.shape.length > 0) || items.some((x) => isArray(x) && x.tensor.requiresGrad)) {
    return stackNp(items.map((x) => arrayFrom(x)), 0, dtype);
  }
  // Nested Python numbers: walk once for shape, values and kind.
  const shape: number[] = [];
  let probe: Value = v;
  while (probe instanceof PyList || probe instanceof PyTuple) {
    shape.push(probe.items.length);
    if (probe.items.length === 0) break;
    probe = probe.items[0]!;
  }
  if (isArray(probe) && !probe.isScalar && probe.shape.length > 0) return stackNp(items.map((x) => arrayFrom(x)), 0, dtype);
  const out = new Float64Array(shapeSize(shape));
  let n = 0;
  let kind: NpDtype = 'bool';
  const visit = (x: Value, depth: number): void => {
    if (depth === shape.length) {
      if (typeof x === 'boolean') out[n++] = x ? 1 : 0;
      else if (typeof x === 'number') {
        out[n++] = x;
        if (kind === 'bool') kind = 'int64';
      } else if (x instanceof PyFloat) {
        out[n++] = x.v;
        kind = 'float64';
      } else if (isArray(x) && x.shape.length === 0) {
        out[n++] = x.tensor.storage[0]!;
        kind = promote(kind, x.dtype);
      } else if (x instanceof PyList || x instanceof PyTuple) {
        throw new PyRaise('ValueError', `setting an array element with a sequence. The requested array has an inhomogeneous shape after ${depth} dimensions. The detected shape was ${shapeStr(shape.slice(0, depth))} + inhomogeneous part.`);
      } else {
        throw new PyRaise('NotSupported', `np.array of ${typeName(x)} values is not supported (numbers and bools only)`);
      }
      return;
    }
    if (!(x instanceof PyList || x instanceof PyTuple) || x.items.length !== shape[depth]) {
      throw new PyRaise('ValueError', `setting an array element with a sequence. The requested array has an inhomogeneous shape after ${depth} dimensions. The detected shape was ${shapeStr(shape.slice(0, depth))} + inhomogeneous part.`);
    }
    for (const item of x.items) visit(item, depth + 1);
  };
  visit(v, 0);
  if (n === 0) kind = 'float64';
  return finishDtype(new Tensor(out, shape), dtype ?? kind);
}

/** A tensor holding values for `dtype` (truncating into ints, float32 rounding). */
export function finishDtype(t: Tensor, dtype: NpDtype): NdArray {
  if (dtype === 'float32') return new NdArray(t.dtype === 'float32' ? t : cast(t, 'float32'), dtype);
  if (dtype === 'int64' || dtype === 'bool') {
    const s = t.storage;
    let exact = t.dtype === 'float64';
    for (let i = 0; i < s.length && exact; i++) if (!(dtype === 'bool' ? s[i] === 0 || s[i] === 1 : Number.isInteger(s[i]!))) exact = false;
    if (exact) return new NdArray(t, dtype);
    constantOnly(`astype(${dtype})`, t);
    return new NdArray(mapUnary(t, dtype === 'bool' ? (x) => (x !== 0 ? 1 : 0) : Math.trunc, 'astype'), dtype);
  }
  return new NdArray(t.dtype === 'float64' ? t : cast(t, 'float64'), dtype);
}

/** np.stack: joins arrays of one shape along a new axis (differentiable: each part scatter-added into place). */
export function stackNp(parts: readonly NdArray[], axis: number, dtype?: NpDtype): NdArray {
  if (parts.length === 0) throw new PyRaise('ValueError', 'need at least one array to stack');
  const shape = parts[0]!.shape;
  for (const p of parts) {
    if (p.shape.length !== shape.length || p.shape.some((d, i) => d !== shape[i])) {
      throw new PyRaise('ValueError', 'all input arrays must have the same shape');
    }
  }
  const nd = shape.length + 1;
  const ax = axis < 0 ? axis + nd : axis;
  if (ax < 0 || ax >= nd) throw new PyRaise('AxisError', `axis ${axis} is out of bounds for array of dimension ${nd}`);
  const expanded = parts.map((p) => new NdArray(reshape(p.tensor, [...shape.slice(0, ax), 1, ...shape.slice(ax)]), p.dtype));
  return concatenateNp(expanded, ax, dtype);
}

/** np.concatenate along an existing axis. */
export function concatenateNp(parts: readonly NdArray[], axis: number, dtype?: NpDtype): NdArray {
  if (parts.length === 0) throw new PyRaise('ValueError', 'need at least one array to concatenate');
  const first = parts[0]!;
  const nd = first.shape.length;
  if (nd === 0) throw new PyRaise('ValueError', 'zero-dimensional arrays cannot be concatenated');
  const ax = axis < 0 ? axis + nd : axis;
  if (ax < 0 || ax >= nd) throw new PyRaise('AxisError', `axis ${axis} is out of bounds for array of dimension ${nd}`);
  let dt: NpDtype = dtype ?? first.dtype;
  if (dtype === undefined) for (const p of parts) dt = promote(dt, p.dtype);
  for (const [i, p] of parts.entries()) {
    if (p.shape.length !== nd) {
      throw new PyRaise('ValueError', `all the input array dimensions except for the concatenation axis must match exactly, but along dimension 0, the array at index 0 has ${nd} dimension(s) and the array at index ${i} has ${p.shape.length} dimension(s)`);
    }
    for (let d = 0; d < nd; d++) {
      if (d !== ax && p.shape[d] !== first.shape[d]) {
        throw new PyRaise('ValueError', `all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${d}, the array at index 0 has size ${first.shape[d]} and the array at index ${i} has size ${p.shape[d]}`);
      }
    }
  }
  const want = dt === 'float32' ? 'float32' : 'float64';
  const ts = parts.map((p) => (p.tensor.dtype === want ? p.tensor : cast(p.tensor, want)));
  return finishDtype(ts.length === 1 ? ts[0]! : concat(ts, ax), dt);
}

// ------------------------------------------------------------------ reductions

/** Reads numpy's `axis` argument: None, an int or a tuple of ints (negative allowed). */
export function axesOf(v: Value | undefined, ndim: number): number[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = v instanceof PyTuple || v instanceof PyList ? toArray(v) : [v];
  return list.map((x) => {
    const n = typeof x === 'number' ? x : isArray(x) && x.dtype === 'int64' ? x.tensor.storage[0]! : NaN;
    if (!Number.isInteger(n)) throw new PyRaise('TypeError', `'${typeName(x)}' object cannot be interpreted as an integer`);
    if (n < -ndim || n >= ndim) throw new PyRaise('AxisError', `axis ${n} is out of bounds for array of dimension ${ndim}`);
    return n < 0 ? n + ndim : n;
  });
}

function floatT(a: NdArray): Tensor {
  return a.tensor;
}

/** sum / mean / max / min / var / std / prod with numpy's axis, keepdims and dtype rules. */
export function reduceNp(kind: 'sum' | 'mean' | 'max' | 'min' | 'var' | 'std', av: Value, axisV: Value | undefined, keepdims: boolean, ddof = 0): NdArray {
  const a = toNd(av);
  const axes = axesOf(axisV, a.shape.length);
  const t = floatT(a);
  const reducedCount = axes === undefined ? t.size : axes.reduce((n, d) => n * a.shape[d]!, 1);
  if ((kind === 'max' || kind === 'min') && reducedCount === 0) {
    throw new PyRaise('ValueError', `zero-size array to reduction operation ${kind === 'max' ? 'maximum' : 'minimum'} which has no identity`);
  }
  if ((kind === 'mean' || kind === 'var' || kind === 'std') && reducedCount === 0) {
    // numpy: the mean of nothing is nan (with a RuntimeWarning, "Mean of empty slice"), per output element.
    const reduced = axes ?? a.shape.map((_, d) => d);
    const outShape = keepdims ? a.shape.map((d, i) => (reduced.includes(i) ? 1 : d)) : a.shape.filter((_, i) => !reduced.includes(i));
    const dt: NpDtype = a.dtype === 'float32' ? 'float32' : 'float64';
    const nan = tensor(new Float64Array(shapeSize(outShape)).fill(NaN), { shape: outShape, dtype: dt === 'float32' ? 'float32' : 'float64' });
    return outShape.length === 0 ? new NdArray(nan, dt, true) : wrap(nan, dt);
  }
  const axisArg = axes;
  let out: Tensor;
  let dt: NpDtype;
  switch (kind) {
    case 'sum':
      out = tsum(t, axisArg, keepdims);
      dt = a.dtype === 'bool' ? 'int64' : a.dtype;
      break;
    case 'mean':
      out = tmean(t, axisArg, keepdims);
      dt = a.dtype === 'float32' ? 'float32' : 'float64';
      break;
    case 'max':
      out = tmax(t, axisArg, keepdims);
      dt = a.dtype;
      break;
    case 'min':
      out = neg(tmax(neg(t), axisArg, keepdims));
      dt = a.dtype;
      break;
    case 'var':
    case 'std': {
      const m = tmean(t, axisArg, true);
      const d = sub(t, m);
      const ss = tsum(mul(d, d), axisArg, keepdims);
      const v = div(ss, Math.max(reducedCount - ddof, 0));
      out = kind === 'var' ? v : sqrt(v);
      dt = a.dtype === 'float32' ? 'float32' : 'float64';
      break;
    }
  }
  return wrap(out, dt);
}

/** argmax / argmin: flat index without an axis, int64 arrays with one. */
export function argReduce(kind: 'argmax' | 'argmin', av: Value, axisV: Value | undefined, keepdims = false): NdArray {
  const a = toNd(av);
  const s = a.tensor.storage;
  const better = kind === 'argmax' ? (x: number, y: number) => x > y || (Number.isNaN(x) && !Number.isNaN(y)) : (x: number, y: number) => x < y || (Number.isNaN(x) && !Number.isNaN(y));
  const empty = (): PyRaise => new PyRaise('ValueError', `attempt to get ${kind} of an empty sequence`);
  if (axisV === undefined || axisV === null) {
    if (a.tensor.size === 0) throw empty();
    let best = 0;
    for (let i = 1; i < s.length; i++) if (better(s[i]!, s[best]!)) best = i;
    const t = tensor(best);
    return keepdims ? new NdArray(reshape(t, a.shape.map(() => 1)), 'int64') : new NdArray(t, 'int64', true);
  }
  const [axis] = axesOf(axisV, a.shape.length)!;
  const shape = a.shape;
  const n = shape[axis!]!;
  // numpy: an empty axis has no argmax; other empty axes just give an empty result.
  if (n === 0) throw empty();
  const inner = shapeSize(shape.slice(axis! + 1));
  const outer = shapeSize(shape.slice(0, axis!));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = 0;
      for (let j = 1; j < n; j++) if (better(s[base + j * inner]!, s[base + best * inner]!)) best = j;
      out[o * inner + i] = best;
    }
  }
  const outShape = keepdims ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis);
  return wrap(new Tensor(out, outShape), 'int64');
}

/** `a[index]` for the evaluator (lists of ints and ranges index too). */
export function getItemNp(a: NdArray, idx: Value): NdArray {
  return getItem(a, idx);
}

/** `a[index] = v` for the evaluator. */
export function setItemNp(a: NdArray, idx: Value, v: Value): void {
  const o = operand(v);
  const want = a.dtype === 'float32' ? 'float32' : 'float64';
  const t = typeof o.t === 'number' ? tensor(o.t, { dtype: want }) : o.t;
  setItemInPlace(a, idx, t, o.dtype);
}

/** log(sum(exp(x))) along axes, stable (used by logsumexp-style helpers). */
export function logSumExp(t: Tensor, axes?: number[]): Tensor {
  const m = tmax(t, axes, true);
  return add(log(tsum(exp(sub(t, m)), axes, true)), m);
}

/** |x| for arrays, keeping integer dtypes. */
export function absNp(a: NdArray): NdArray {
  return wrap(tabs(a.tensor), a.dtype === 'bool' ? 'bool' : a.dtype);
}

/** `-a`, `+a`, `~a` on arrays. */
export function unaryNp(op: string, a: NdArray): NdArray {
  switch (op) {
    case '-':
      if (a.dtype === 'bool') throw new PyRaise('TypeError', 'The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.');
      return wrap(neg(a.tensor), a.dtype);
    case '+':
      return wrap(a.tensor, a.dtype);
    case '~':
      if (isFloat(a.dtype)) throw new PyRaise('TypeError', "ufunc 'invert' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''");
      return wrap(mapUnary(a.tensor, a.dtype === 'bool' ? (x) => 1 - x : (x) => ~x, 'invert'), a.dtype);
    case 'abs':
      return absNp(a);
    default:
      throw new PyRaise('NotSupported', `unary ${op} on numpy arrays is not supported`);
  }
}

/** Installs the array hooks the protocols in pyops.ts call. */
export function installArrayHooks(): void {
  runtime.arrayBinary = (op, a, b) => {
    if (op === '[]') return getItemNp(a as NdArray, b);
    if (op === '[]=') {
      const [idx, v] = (b as PyTuple).items as [Value, Value];
      setItemNp(a as NdArray, idx, v);
      return null;
    }
    if (op === 'in') {
      const eq = arith('==', a, b);
      return Array.prototype.some.call(eq.tensor.storage, (x: number) => x !== 0);
    }
    if (op.endsWith('=') && op.length >= 2 && !['==', '!=', '<=', '>='].includes(op)) return inplace(op.slice(0, -1), a as NdArray, b);
    return arith(op, a, b);
  };
  runtime.arrayUnary = (op, a) => unaryNp(op, a);
}

/** np.maximum / np.minimum on the ops branch's maximum/minimum (numpy values, NaN propagates). */
export function maximumNp(av: Value, bv: Value, min = false): NdArray {
  const a = operand(av);
  const b = operand(bv);
  const dt = resultDtype(a, b);
  broadcastShape(a.shape, b.shape);
  const x = asTensor(tensorOf(a, dt), dt);
  const y = tensorOf(b, dt);
  return wrap(min ? minimum(x, y) : maximum(x, y), dt);
}

/** broadcastTo for an operand (numpy's broadcast_to). */
export function broadcastNp(a: NdArray, shape: readonly number[]): NdArray {
  broadcastShape(a.shape, shape);
  return wrap(broadcastTo(a.tensor, shape), a.dtype);
}
