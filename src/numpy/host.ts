/**
 * The host interface of the numpy interpreter: what TypeScript modules (numpy.random, pyplot,
 * keras, the `tapegrad` Python module) use to exchange values with Python code, define modules
 * and call back into Python. Values are opaque (`PyValue`); use the helpers here to read and make
 * them.
 */
import { tensor } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { PyError } from './errors.js';
import { NdArray, type NpDtype } from './ndarray.js';
import { float, isArray as isArrayValue, repr, str } from './pyops.js';
import { HostFn, PyDict, PyFloat, PyList, PyModule, PyRange, PyTuple, type Value } from './values.js';

export { PyError } from './errors.js';
export type { NpDtype } from './ndarray.js';

/** An interpreter value. Hosts treat it as opaque and use the helpers of this module. */
export type PyValue = unknown;

/** A numpy array in the interpreter: a tapegrad Tensor plus its numpy dtype. */
export interface NdArrayView {
  /** The current contents (an in-place edit in Python rebinds it; read it when you need it). */
  readonly tensor: Tensor;
  /** The numpy dtype: integer and bool arrays hold whole numbers in a float64 tensor. */
  readonly dtype: NpDtype;
}

/**
 * True for numpy arrays and numpy scalars.
 * @example isNdArray(makeNdArray(tensor([1, 2]))); // true
 */
export function isNdArray(v: PyValue): v is NdArrayView {
  return isArrayValue(v as Value);
}

/**
 * The tensor of an array, or a 0-d tensor for a Python int/float/bool; null otherwise.
 * @example asTensor(toPy(2.5))?.item(); // 2.5
 */
export function asTensor(v: PyValue): Tensor | null {
  const x = v as Value;
  if (isArrayValue(x)) return x.tensor;
  if (typeof x === 'number' || typeof x === 'boolean' || x instanceof PyFloat) {
    return tensor(typeof x === 'boolean' ? (x ? 1 : 0) : typeof x === 'number' ? x : x.v);
  }
  return null;
}

/**
 * Wraps a tensor as a numpy array (dtype float32 for float32 tensors, else float64 unless given).
 * @example pyRepr(makeNdArray(tensor([1, 2]), 'int64')); // 'array([1, 2])'
 */
export function makeNdArray(t: Tensor, dtype?: NpDtype): PyValue {
  return new NdArray(t, dtype ?? (t.dtype === 'float32' ? 'float32' : 'float64'));
}

/**
 * A numpy scalar (np.float64, np.int64, …) from a number.
 * @example pyStr(makeNdScalar(3, 'int64')); // '3'
 */
export function makeNdScalar(x: number, dtype: NpDtype = 'float64'): PyValue {
  return new NdArray(tensor(x, { dtype: dtype === 'float32' ? 'float32' : 'float64' }), dtype, true);
}

/**
 * A Python value from JS: integers become `int` (use {@link pyFloat} for a float with an integral
 * value), other numbers `float`, strings `str`, booleans `bool`, null `None`, arrays `list`,
 * plain objects `dict`; PyValues pass through.
 * @example pyRepr(toPy({ a: [1, 2.5, 'x'] })); // "{'a': [1, 2.5, 'x']}"
 */
export function toPy(v: number | string | boolean | null | PyValue[] | Record<string, PyValue> | PyValue): PyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? v : float(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return new PyList(v.map((x) => toPy(x) as Value));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const d = new PyDict();
    for (const [k, x] of Object.entries(v as Record<string, PyValue>)) d.set(k, toPy(x) as Value);
    return d;
  }
  return v;
}

/**
 * A Python float (even for an integral value: `pyFloat(1)` prints `1.0`).
 * @example pyStr(pyFloat(1)); // '1.0'
 */
export function pyFloat(x: number): PyValue {
  return float(x);
}

/**
 * A Python tuple.
 * @example pyRepr(pyTuple([1, 2])); // '(1, 2)'
 */
export function pyTuple(items: readonly PyValue[]): PyValue {
  return new PyTuple(items.map((x) => toPy(x) as Value));
}

/**
 * JS from Python: numbers (int, float, numpy scalars), strings, booleans, null for None, arrays for
 * lists/tuples, plain objects for dicts with string keys; numpy arrays and other values as they are.
 * @example fromPy(toPy([1, 2.5])); // [1, 2.5]
 */
export function fromPy(v: PyValue): unknown {
  const x = v as Value;
  if (x instanceof PyFloat) return x.v;
  if (x instanceof PyList || x instanceof PyTuple) return x.items.map((i) => fromPy(i));
  if (x instanceof PyDict) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of x.entries()) out[typeof k === 'string' ? k : str(k)] = fromPy(val);
    return out;
  }
  if (isArrayValue(x) && x.isScalar) return x.dtype === 'bool' ? x.tensor.storage[0] !== 0 : x.tensor.storage[0]!;
  return x;
}

/**
 * The entries of a dict (keys and values as PyValues); null if `v` is not a dict.
 * @example dictEntries(toPy({ W1: 1 }))?.length; // 1
 */
export function dictEntries(v: PyValue): Array<[PyValue, PyValue]> | null {
  return v instanceof PyDict ? v.entries() : null;
}

/**
 * The items of a list, tuple or range (`np.random.choice(range(n), p=…)`); null otherwise.
 * @example listItems(toPy([1, 2]))?.length; // 2
 */
export function listItems(v: PyValue): PyValue[] | null {
  if (v instanceof PyRange) return Array.from({ length: v.length }, (_, i) => v.at(i));
  return v instanceof PyList || v instanceof PyTuple ? [...v.items] : null;
}

/**
 * Python's repr (numpy's for arrays: `array([1., 2.])`).
 * @example pyRepr(toPy('a')); // "'a'"
 */
export function pyRepr(v: PyValue): string {
  return repr(v as Value);
}

/**
 * Python's str (numpy's print format for arrays: `[1. 2.]`).
 * @example pyStr(toPy(0.5)); // '0.5'
 */
export function pyStr(v: PyValue): string {
  return str(v as Value);
}

/** What a host function receives besides its arguments: where it was called, and a way back into Python. */
export interface CallContext {
  /** 1-based line of the call. */
  readonly line: number;
  /** 1-based column of the call. */
  readonly column: number;
  /** The file being run. */
  readonly filename: string;
  /** Calls a Python callable (def, lambda, bound method, class, host function) from the host. */
  call(fn: PyValue, args: PyValue[], kwargs?: Record<string, PyValue>): PyValue;
  /** A global of the running module (undefined if unbound). */
  getGlobal(name: string): PyValue | undefined;
  /** Sets a global of the running module. */
  setGlobal(name: string, v: PyValue): void;
  /**
   * Runs `body` with `listener` told about every statement executed inside Python functions
   * called during it (nested calls included), then removes the listener.
   */
  trace<T>(listener: (e: StatementEvent) => void, body: () => T): T;
  /** An Error (a PyError of type `pyType`, default 'ValueError') located at this call site. */
  error(message: string, pyType?: string): Error;
}

/** One statement executed inside a traced Python function. */
export interface StatementEvent {
  /** 1-based first line. */
  readonly line: number;
  /** 1-based last line. */
  readonly endLine: number;
  /** The statement's source text, as the user wrote it. */
  readonly text: string;
  /** What kind of statement it is. */
  readonly kind: 'assign' | 'augassign' | 'return' | 'expr' | 'other';
  /**
   * What it bound or changed: 'dW1', 'grads["W1"]', 'self.params["b2"]', 'dscores' (for an
   * in-place edit of an array, its name and the edited array), '<return>' for a return value.
   * Arrays are snapshots: later in-place edits do not change them.
   */
  readonly assigned: ReadonlyArray<{ target: string; value: PyValue }>;
  /** The names it read, with their values just before it ran (functions and modules left out). */
  readonly reads: ReadonlyArray<{ name: string; value: PyValue }>;
  /** The function frame: its name, a unique id per call, and the call depth below the traced body (0 = called directly). */
  readonly frame: { readonly functionName: string; readonly callId: number; readonly depth: number };
}

/** A host function: positional args, keyword args and the call site. */
export type HostFunction = (args: PyValue[], kwargs: Record<string, PyValue>, ctx: CallContext) => PyValue;

/**
 * A callable Python value implemented in TypeScript.
 * @example const twice = hostFunction('twice', ([x]) => toPy(2 * (fromPy(x) as number)));
 */
export function hostFunction(name: string, fn: HostFunction): PyValue {
  return new HostFn(name, (args, kwargs, ctx) => {
    const kw: Record<string, PyValue> = {};
    for (const [k, v] of kwargs) kw[k] = v;
    return fn(args, kw, ctx as CallContext) as Value;
  });
}

/**
 * Replaces an array's contents in place, as `a[...] = value` does: every alias and view of it sees
 * the new values (numpy.random's `shuffle` uses it). The shape must stay the same.
 * @example assignArray(a, tensor([3, 1, 2]));
 */
export function assignArray(v: PyValue, t: Tensor): void {
  if (!(v instanceof NdArray)) throw new Error('assignArray: the target is not a numpy array');
  const shape = v.tensor.shape;
  if (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i])) {
    throw new Error(`assignArray: shape (${t.shape.join(', ')}) does not match the array's (${shape.join(', ')})`);
  }
  v.assign(t);
}

/** A module that `import name` / `from name import x` finds; submodules are separate modules with dotted names. */
export interface HostModule {
  /** The dotted module name: 'numpy.random', 'matplotlib.pyplot', 'tapegrad'. */
  readonly name: string;
  /** Its attributes (functions from {@link hostFunction}, values from {@link toPy}). */
  readonly attrs: Record<string, PyValue>;
}

/**
 * Declares a module. An attribute `__getattr__` (a host function of the missing name) is called
 * for names the module lacks, e.g. to raise NotSupported naming them.
 * @example defineModule('greet', { hello: hostFunction('hello', () => toPy('hi')) }).name; // 'greet'
 */
export function defineModule(name: string, attrs: Record<string, PyValue>): HostModule {
  return { name, attrs };
}

/** The interpreter's module object for a HostModule. */
export function moduleValue(m: HostModule): PyValue {
  const attrs = new Map<string, Value>();
  for (const [k, v] of Object.entries(m.attrs)) attrs.set(k, v as Value);
  return new PyModule(m.name, attrs);
}

/** A figure produced by matplotlib calls. */
export interface Figure {
  /** File name without directory: 'figure-1.svg'. */
  readonly name: string;
  /** The SVG text. */
  readonly svg: string;
}

/** Options of {@link runNumpy}. */
export interface RunOptions {
  /** The file name in messages (default '<input>'). */
  filename?: string;
  /** Receives what print() writes (default: only collected into the result). */
  stdout?: (text: string) => void;
  /** Extra modules (npcheck passes the `tapegrad` module). */
  modules?: HostModule[];
  /** Where matplotlib figures are written (Node entry only); null or absent: kept in memory. */
  outDir?: string | null;
  /** sys.argv for the script. */
  argv?: string[];
  /**
   * Serve only the first N images (and labels) of each MNIST split from keras'
   * `mnist.load_data()`: a lab's code runs unchanged on a subset (tests, quick checks). A positive
   * integer; absent or null: the whole 60 000 / 10 000.
   */
  mnistLimit?: number | null;
}

/** What a run produced. */
export interface RunResult {
  /** Everything print() wrote. */
  readonly stdout: string;
  /** The figures drawn (one SVG per figure). */
  readonly figures: ReadonlyArray<Figure>;
  /** The module's globals after the run. */
  readonly globals: ReadonlyMap<string, PyValue>;
}

/** Narrows an unknown error to a PyError. */
export function isPyError(e: unknown): e is PyError {
  return e instanceof PyError;
}
