/**
 * Python's object protocols over our values: truth, repr/str, equality and ordering, iteration,
 * and the arithmetic of Python scalars, strings and sequences. numpy arrays are handed to the
 * hooks in `runtime` (set by ./numpy-ops.ts), and Python-level methods (`__str__`, `__eq__`) are
 * called back through `runtime.call`.
 */
import { PyRaise } from './errors.js';
import { arrayToString, floatRepr } from './format.js';
import type { NdArray } from './ndarray.js';
import {
  BoundMethod, HostFn, PyClass, PyDict, PyDtype, PyEllipsis, PyFloat, PyFunction, PyInstance, PyIter, PyList, PyModule,
  PyRange, PySet, PySlice, PySuper, PyTuple, typeName, type Value,
} from './values.js';

/** Late-bound hooks: the evaluator's call, numpy's binary operators and array formatting. */
export const runtime = {
  call: (_fn: Value, _args: Value[], _kwargs?: Map<string, Value>): Value => {
    throw new PyRaise('RuntimeError', 'no interpreter is running');
  },
  arrayBinary: (_op: string, _a: Value, _b: Value): Value => {
    throw new PyRaise('RuntimeError', 'numpy is not loaded');
  },
  arrayUnary: (_op: string, _a: NdArray): Value => {
    throw new PyRaise('RuntimeError', 'numpy is not loaded');
  },
  percentFormat: (_format: string, _args: Value): Value => {
    throw new PyRaise('RuntimeError', 'builtins are not loaded');
  },
  /** A function of the numpy module by name (round() on arrays uses np.round). */
  numpyAttr: (_name: string): Value => {
    throw new PyRaise('RuntimeError', 'numpy is not loaded');
  },
  /** A numpy scalar of a dtype. */
  numpyScalar: (_x: number, _dtype: string): Value => {
    throw new PyRaise('RuntimeError', 'numpy is not loaded');
  },
  /** setattr() through the evaluator. */
  setAttr: (_obj: Value, _name: string, _v: Value): void => {
    throw new PyRaise('RuntimeError', 'no interpreter is running');
  },
  /** Calling a dtype object: `np.float64(3)`. */
  dtypeCall: (_dtype: Value, _v: Value): Value => {
    throw new PyRaise('RuntimeError', 'numpy is not loaded');
  },
};

/** True for numpy arrays and numpy scalars. */
export function isArray(v: Value): v is NdArray {
  return typeof v === 'object' && v !== null && (v as NdArray).isNdArray === true;
}

/** A Python float value. */
export function float(v: number): PyFloat {
  return new PyFloat(v);
}

/** The number in an int, bool, float or numpy scalar; null for anything else. */
export function numberOf(v: Value): number | null {
  if (typeof v === 'number') return v;
  if (v instanceof PyFloat) return v.v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isArray(v) && v.tensor.size === 1 && v.shape.length === 0) return v.tensor.storage[0]!;
  return null;
}

/** An integer argument (int, bool or integer numpy scalar), else a TypeError naming `what`. */
export function intOf(v: Value, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isArray(v) && v.shape.length === 0 && (v.dtype === 'int64' || v.dtype === 'bool')) return v.tensor.storage[0]!;
  throw new PyRaise('TypeError', `${what} must be an integer, not '${typeName(v)}'`);
}

/** Python truth. */
export function truthy(v: Value): boolean {
  if (v === null || v === false) return false;
  if (v === true) return true;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof PyFloat) return v.v !== 0;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict) return v.size > 0;
  if (v instanceof PySet) return v.map.size > 0;
  if (v instanceof PyRange) return v.length > 0;
  if (isArray(v)) {
    if (v.tensor.size === 1) return v.tensor.storage[0] !== 0;
    if (v.tensor.size === 0) return false;
    throw new PyRaise('ValueError', 'The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()');
  }
  if (v instanceof PyInstance) {
    const b = v.cls.lookup('__bool__');
    if (b !== undefined) return truthy(runtime.call(b, [v]));
    const l = v.cls.lookup('__len__');
    if (l !== undefined) return truthy(runtime.call(l, [v]));
  }
  return true;
}

function quote(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch < ' ') out += '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0');
    else out += ch;
  }
  return q + out + q;
}

/** numpy's str() of a scalar of `dtype`. */
function scalarStr(x: number, dtype: string): string {
  if (dtype === 'bool') return x !== 0 ? 'True' : 'False';
  if (dtype === 'int64') return String(x);
  if (dtype === 'float32') return floatRepr(Math.fround(x) === x ? shortestFloat32(x) : x);
  return floatRepr(x);
}

/** The shortest decimal that rounds to the same float32 (numpy prints float32 scalars that way). */
function shortestFloat32(x: number): number {
  for (let p = 1; p <= 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** Python's repr(). */
export function repr(v: Value, seen: Set<object> = new Set()): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return quote(v);
  if (v instanceof PyFloat) return floatRepr(v.v);
  if (isArray(v)) return arrayRepr(v);
  if (typeof v === 'object') {
    if (seen.has(v)) return v instanceof PyList ? '[...]' : v instanceof PyDict ? '{...}' : '...';
  }
  if (v instanceof PyList) {
    seen.add(v);
    const s = '[' + v.items.map((i) => repr(i, seen)).join(', ') + ']';
    seen.delete(v);
    return s;
  }
  if (v instanceof PyTuple) return v.items.length === 1 ? `(${repr(v.items[0]!, seen)},)` : '(' + v.items.map((i) => repr(i, seen)).join(', ') + ')';
  if (v instanceof PyDict) {
    seen.add(v);
    const s = '{' + v.entries().map(([k, x]) => `${repr(k, seen)}: ${repr(x, seen)}`).join(', ') + '}';
    seen.delete(v);
    return s;
  }
  if (v instanceof PySet) return v.map.size === 0 ? 'set()' : '{' + v.items().map((i) => repr(i, seen)).join(', ') + '}';
  if (v instanceof PyRange) return v.step === 1 ? `range(${v.start}, ${v.stop})` : `range(${v.start}, ${v.stop}, ${v.step})`;
  if (v instanceof PySlice) return `slice(${repr(v.lo)}, ${repr(v.hi)}, ${repr(v.step)})`;
  if (v instanceof PyEllipsis) return 'Ellipsis';
  if (v instanceof PyFunction) return `<function ${v.qualname}>`;
  if (v instanceof HostFn) return `<built-in function ${v.name}>`;
  if (v instanceof BoundMethod) return `<bound method ${v.name} of ${repr(v.self, seen)}>`;
  if (v instanceof PyClass) return v.builtinException ? `<class '${v.name}'>` : `<class '__main__.${v.name}'>`;
  if (v instanceof PyModule) return `<module '${v.name}'>`;
  if (v instanceof PyDtype) return v.name === 'bool' ? "dtype('bool')" : `dtype('${v.name}')`;
  if (v instanceof PyIter) return `<${v.kind} object>`;
  if (v instanceof PySuper) return '<super object>';
  if (v instanceof PyInstance) {
    const r = v.cls.lookup('__repr__');
    if (r !== undefined) return str(runtime.call(r, [v]));
    if (v.cls.isSubclassOf(BASE_EXCEPTION)) {
      const args = v.dict.get('args');
      const items = args instanceof PyTuple ? args.items : [];
      return `${v.cls.name}(${items.map((i) => repr(i, seen)).join(', ')})`;
    }
    return `<__main__.${v.cls.name} object>`;
  }
  return String(v);
}

/** Python's str(). */
export function str(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof PyDtype) return v.name;
  if (isArray(v)) {
    if (v.isScalar || v.shape.length === 0) return scalarStr(v.tensor.storage[0]!, v.dtype);
    return arrayToString(v.tensor.storage, v.shape, v.dtype, ' ', '');
  }
  if (v instanceof PyInstance) {
    const s = v.cls.lookup('__str__');
    if (s !== undefined) return str(runtime.call(s, [v]));
    if (v.cls.isSubclassOf(BASE_EXCEPTION)) {
      const args = v.dict.get('args');
      const items = args instanceof PyTuple ? args.items : [];
      return items.length === 0 ? '' : items.length === 1 ? str(items[0]!) : repr(args!);
    }
  }
  return repr(v);
}

/** numpy's repr of an array or scalar (numpy 2 style: `np.float64(0.5)`, `array([1., 2.])`). */
export function arrayRepr(a: NdArray): string {
  const data = a.tensor.storage;
  if (a.isScalar) {
    const s = scalarStr(data[0]!, a.dtype);
    return a.dtype === 'bool' ? `np.True_`.replace('True', s) : `np.${a.dtype}(${s})`;
  }
  const showDtype = a.dtype === 'float32' || a.tensor.size === 0 && a.dtype !== 'float64' ? true : a.tensor.size === 0;
  const suffix = showDtype ? `, dtype=${a.dtype})` : ')';
  const body = arrayToString(data, a.shape, a.dtype, ', ', 'array(', suffix);
  return `array(${body}${suffix}`;
}

/** Python's `==`. */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== null && nb !== null && !isArray(a) && !isArray(b)) return na === nb;
  if (isArray(a) || isArray(b)) return truthy(runtime.arrayBinary('==', a, b));
  if (typeof a === 'string' || typeof b === 'string') return false;
  if ((a instanceof PyList && b instanceof PyList) || (a instanceof PyTuple && b instanceof PyTuple)) {
    return a.items.length === b.items.length && a.items.every((x, i) => equals(x, b.items[i]!));
  }
  if (a instanceof PyDict && b instanceof PyDict) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a.entries()) {
      const w = b.get(k);
      if (w === undefined || !equals(v, w)) return false;
    }
    return true;
  }
  if (a instanceof PySet && b instanceof PySet) return a.map.size === b.map.size && a.items().every((x) => b.has(x));
  if (a instanceof PyRange && b instanceof PyRange) return a.length === b.length && (a.length === 0 || (a.start === b.start && a.step === b.step));
  if (a instanceof PyDtype && b instanceof PyDtype) return a.name === b.name;
  if (a instanceof PyInstance) {
    const eq = a.cls.lookup('__eq__');
    if (eq !== undefined) return truthy(runtime.call(eq, [a, b]));
  }
  return false;
}

/** Python ordering (`<` is 'lt' etc.) for numbers, strings and sequences. */
export function compare(op: string, a: Value, b: Value): boolean {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== null && nb !== null) {
    switch (op) {
      case '<': return na < nb;
      case '<=': return na <= nb;
      case '>': return na > nb;
      default: return na >= nb;
    }
  }
  if (typeof a === 'string' && typeof b === 'string') {
    switch (op) {
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      default: return a >= b;
    }
  }
  if ((a instanceof PyList && b instanceof PyList) || (a instanceof PyTuple && b instanceof PyTuple)) {
    const n = Math.min(a.items.length, b.items.length);
    for (let i = 0; i < n; i++) {
      if (!equals(a.items[i]!, b.items[i]!)) return compare(op, a.items[i]!, b.items[i]!);
    }
    return compare(op, a.items.length, b.items.length);
  }
  throw new PyRaise('TypeError', `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Iterates any Python iterable. */
export function* iterate(v: Value): Generator<Value, void, undefined> {
  if (v instanceof PyList) {
    // Python sees items appended during iteration; index-based like CPython's list iterator.
    for (let i = 0; i < v.items.length; i++) yield v.items[i]!;
    return;
  }
  if (v instanceof PyTuple) {
    yield* v.items;
    return;
  }
  if (v instanceof PyRange) {
    const n = v.length;
    for (let i = 0; i < n; i++) yield v.start + i * v.step;
    return;
  }
  if (typeof v === 'string') {
    yield* v;
    return;
  }
  if (v instanceof PyDict) {
    yield* v.keys();
    return;
  }
  if (v instanceof PySet) {
    yield* v.items();
    return;
  }
  if (v instanceof PyIter) {
    for (;;) {
      const r = v.it.next();
      if (r.done === true) return;
      yield r.value;
    }
  }
  if (isArray(v)) {
    if (v.shape.length === 0) throw new PyRaise('TypeError', 'iteration over a 0-d array');
    const n = v.shape[0]!;
    for (let i = 0; i < n; i++) yield runtime.arrayBinary('[]', v, i);
    return;
  }
  if (v instanceof PyInstance) {
    const it = v.cls.lookup('__iter__');
    if (it !== undefined) {
      yield* iterate(runtime.call(it, [v]));
      return;
    }
    const gi = v.cls.lookup('__getitem__');
    if (gi !== undefined) {
      for (let i = 0; ; i++) {
        try {
          yield runtime.call(gi, [v, i]);
        } catch (e) {
          if ((e as { pyType?: string }).pyType === 'IndexError') return;
          throw e;
        }
      }
    }
  }
  throw new PyRaise('TypeError', `'${typeName(v)}' object is not iterable`);
}

/** The items of an iterable as an array (lists and tuples without copying). */
export function toArray(v: Value): readonly Value[] {
  if (v instanceof PyList || v instanceof PyTuple) return v.items;
  return [...iterate(v)];
}

function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

function zeroDiv(what: string): never {
  throw new PyRaise('ZeroDivisionError', what);
}

/** Arithmetic of Python numbers: ints stay ints (JS numbers), anything with a float is a float. */
function numeric(op: string, a: number, b: number, aInt: boolean, bInt: boolean): Value {
  const ints = aInt && bInt;
  switch (op) {
    case '+': return ints ? a + b : float(a + b);
    case '-': return ints ? a - b : float(a - b);
    case '*': return ints ? a * b : float(a * b);
    case '/':
      if (b === 0) zeroDiv(ints ? 'division by zero' : 'float division by zero');
      return float(a / b);
    case '//':
      if (b === 0) zeroDiv(ints ? 'integer division or modulo by zero' : 'float floor division by zero');
      return ints ? Math.floor(a / b) : float(Math.floor(a / b));
    case '%':
      if (b === 0) zeroDiv(ints ? 'integer modulo by zero' : 'float modulo');
      return ints ? pyMod(a, b) : float(pyMod(a, b));
    case '**': {
      if (ints && b >= 0) return a ** b;
      if (a === 0 && b < 0) zeroDiv('0.0 cannot be raised to a negative power');
      const r = a ** b;
      if (Number.isNaN(r) && !Number.isNaN(a) && !Number.isNaN(b)) throw new PyRaise('ValueError', 'math domain error (a negative number to a fractional power is complex)');
      return float(r);
    }
    case '<<': return a << b;
    case '>>': return a >> b;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    default: throw new PyRaise('TypeError', `unsupported operand type(s) for ${op}`);
  }
}

const INT_ONLY = new Set(['<<', '>>', '&', '|', '^']);

/** Python's binary operators (numpy arrays go to runtime.arrayBinary). */
export function binary(op: string, a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return numeric(op, a, b, true, true);
  if (isArray(a) || isArray(b)) return runtime.arrayBinary(op, a, b);
  const aNum = typeof a === 'number' || typeof a === 'boolean' || a instanceof PyFloat;
  const bNum = typeof b === 'number' || typeof b === 'boolean' || b instanceof PyFloat;
  if (aNum && bNum) {
    if (typeof a === 'boolean' && typeof b === 'boolean' && (op === '&' || op === '|' || op === '^')) {
      return op === '&' ? a && b : op === '|' ? a || b : a !== b;
    }
    if (INT_ONLY.has(op) && (a instanceof PyFloat || b instanceof PyFloat)) {
      throw new PyRaise('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
    }
    return numeric(op, numberOf(a)!, numberOf(b)!, !(a instanceof PyFloat), !(b instanceof PyFloat));
  }
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (a instanceof PyList && b instanceof PyList) return new PyList([...a.items, ...b.items]);
    if (a instanceof PyTuple && b instanceof PyTuple) return new PyTuple([...a.items, ...b.items]);
  }
  if (op === '*') {
    const rep = (seq: Value, n: Value): Value | null => {
      if (typeof n !== 'number' && typeof n !== 'boolean') return null;
      const k = Math.max(0, Number(n));
      if (typeof seq === 'string') return seq.repeat(k);
      if (seq instanceof PyList) return new PyList(Array.from({ length: k }, () => seq.items).flat());
      if (seq instanceof PyTuple) return new PyTuple(Array.from({ length: k }, () => seq.items).flat());
      return null;
    };
    const r = rep(a, b) ?? rep(b, a);
    if (r !== null) return r;
  }
  if (op === '%' && typeof a === 'string') return runtime.percentFormat(a, b);
  if (op === '|' && a instanceof PyDict && b instanceof PyDict) {
    const d = new PyDict();
    for (const [k, v] of a.entries()) d.set(k, v);
    for (const [k, v] of b.entries()) d.set(k, v);
    return d;
  }
  if (a instanceof PySet && b instanceof PySet) {
    if (op === '|') return new PySet([...a.items(), ...b.items()]);
    if (op === '&') return new PySet(a.items().filter((x) => b.has(x)));
    if (op === '-') return new PySet(a.items().filter((x) => !b.has(x)));
    if (op === '^') return new PySet([...a.items().filter((x) => !b.has(x)), ...b.items().filter((x) => !a.has(x))]);
  }
  if (a instanceof PyInstance || b instanceof PyInstance) {
    const names: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'truediv', '//': 'floordiv', '%': 'mod', '**': 'pow', '@': 'matmul' };
    const n = names[op];
    if (n !== undefined) {
      if (a instanceof PyInstance) {
        const m = a.cls.lookup(`__${n}__`);
        if (m !== undefined) return runtime.call(m, [a, b]);
      }
      if (b instanceof PyInstance) {
        const m = b.cls.lookup(`__r${n}__`);
        if (m !== undefined) return runtime.call(m, [b, a]);
      }
    }
  }
  throw new PyRaise('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python's unary operators. */
export function unary(op: string, v: Value): Value {
  if (op === 'not') return !truthy(v);
  if (isArray(v)) return runtime.arrayUnary(op, v);
  if (typeof v === 'number' || typeof v === 'boolean') {
    const n = Number(v);
    if (op === '-') return -n === 0 ? 0 : -n;
    if (op === '+') return n;
    if (op === '~') return ~n;
  }
  if (v instanceof PyFloat) {
    if (op === '-') return float(-v.v);
    if (op === '+') return v;
  }
  throw new PyRaise('TypeError', `bad operand type for unary ${op}: '${typeName(v)}'`);
}

/** The root of the exception hierarchy (filled in by builtins). */
export const BASE_EXCEPTION = new PyClass('BaseException', [], true);
