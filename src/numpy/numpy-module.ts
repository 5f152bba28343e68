/**
 * The `numpy` module of the dialect and the attributes/methods of arrays: creation, shape
 * functions, ufuncs (with `out=`), reductions, linalg.norm, printing options. Functions outside
 * the dialect raise NotSupported naming them (`np.fft.fft`), never a silent wrong answer.
 */
import { tensor } from '../creation.js';
import { div, mul } from '../ops/arithmetic.js';
import { reshape } from '../ops/shape-ops.js';
import { abs, exp, log, sign, sqrt, tanh } from '../ops/unary.js';
import { cosh, expm1, log1p, sinh } from '../ops/unary-extra.js';
import { arccos, arcsin, arctan, ceil, cos, floor, sin, tan } from '../ops/trig.js';
import { argsortNp, prodNp, scanNp, sortNp, uniqueNp } from './np-extra.js';
import { addMoreNumpy } from './np-more.js';
import { sum as tsum } from '../ops/reduce.js';
import { where } from '../ops/where.js';
import { shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { PyRaise } from './errors.js';
import { printOptions } from './format.js';
import { NdArray, reshapeView, transposeView, type NpDtype } from './ndarray.js';
import {
  argReduce, arith, arrayFrom, mapStorage, axesOf, broadcastNp, concatenateNp, constantOnly, dotNp, finishDtype, isFloat, mapUnary,
  matmulNp, maximumNp, operand, outerNp, promote, reduceNp, shapeStr, stackNp, toNd, wrap,
} from './numpy-ops.js';
import { float, intOf, isArray, iterate, numberOf, repr, runtime, toArray, truthy } from './pyops.js';
import { HostFn, PyClass, PyDict, PyDtype, PyFloat, PyInstance, PyIter, PyList, PyModule, PyTuple, typeName, type Value } from './values.js';

type Kw = Map<string, Value>;

/** Binds positional and keyword arguments to parameter names (`name?` optional), naming the function in errors. */
export function bind(fname: string, params: readonly string[], args: readonly Value[], kwargs: Kw): Record<string, Value | undefined> {
  const out: Record<string, Value | undefined> = {};
  const names = params.map((p) => p.replace(/\?$/, ''));
  if (args.length > names.length) throw new PyRaise('TypeError', `${fname}() takes at most ${names.length} arguments (${args.length} given)`);
  args.forEach((a, i) => { out[names[i]!] = a; });
  for (const [k, v] of kwargs) {
    if (!names.includes(k)) throw new PyRaise('TypeError', `${fname}() got an unexpected keyword argument '${k}'`);
    if (out[k] !== undefined) throw new PyRaise('TypeError', `${fname}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  params.forEach((p, i) => {
    if (!p.endsWith('?') && out[names[i]!] === undefined) throw new PyRaise('TypeError', `${fname}() missing required argument '${p}'`);
  });
  return out;
}

/** A dtype argument: np.float64, 'float32', float, int, bool, an array's dtype. */
export function dtypeArg(v: Value | undefined): NpDtype | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof PyDtype) return v.name;
  if (typeof v === 'string') {
    const m: Record<string, NpDtype> = {
      float64: 'float64', float: 'float64', f8: 'float64', double: 'float64', float32: 'float32', f4: 'float32', single: 'float32',
      int64: 'int64', int: 'int64', int32: 'int64', i8: 'int64', i4: 'int64', bool: 'bool', bool_: 'bool', '?': 'bool',
    };
    const d = m[v];
    if (d === undefined) throw new PyRaise('TypeError', `data type '${v}' not understood`);
    return d;
  }
  if (v instanceof HostFn) {
    if (v.name === 'float') return 'float64';
    if (v.name === 'int') return 'int64';
    if (v.name === 'bool') return 'bool';
  }
  throw new PyRaise('TypeError', `Cannot interpret '${repr(v)}' as a data type`);
}

/** A shape argument: an int or a tuple/list of ints. */
export function shapeArg(v: Value | undefined, fname: string): number[] {
  if (v === undefined || v === null) throw new PyRaise('TypeError', `${fname}() missing required argument 'shape'`);
  const list = v instanceof PyTuple || v instanceof PyList ? v.items : [v];
  return list.map((x) => {
    const n = intOf(x, `${fname}() shape`);
    if (n < 0) throw new PyRaise('ValueError', 'negative dimensions are not allowed');
    return n;
  });
}

const dtypes = new Map<NpDtype, PyDtype>((['float64', 'float32', 'int64', 'bool'] as const).map((d) => [d, new PyDtype(d)]));
/** The dtype object for a dtype name. */
export function dtypeObject(d: NpDtype): PyDtype {
  return dtypes.get(d)!;
}

function filled(shape: number[], value: number, dtype: NpDtype): NdArray {
  const t = tensor(new Float64Array(shapeSize(shape)).fill(value), { shape });
  return finishDtype(t, dtype);
}

/** Writes `result` into `out` (numpy's out=): shape must match, dtype cast by same_kind; returns out. */
export function intoOut(result: NdArray, out: Value | undefined, fname: string, strict = false): NdArray {
  if (out === undefined || out === null) return result;
  const o = out instanceof PyTuple && out.items.length === 1 ? out.items[0]! : out;
  if (!isArray(o) || o.isScalar) throw new PyRaise('TypeError', `${fname}: 'out' must be an array, not ${typeName(o)}`);
  const same = o.shape.length === result.shape.length && o.shape.every((d, i) => d === result.shape[i]);
  if (strict && (!same || o.dtype !== result.dtype)) {
    throw new PyRaise('ValueError', 'output array is not acceptable (must have the right datatype, number of dimensions, and be a C-contiguous array)');
  }
  if (!same) throw new PyRaise('ValueError', `non-broadcastable output operand with shape ${shapeStr(o.shape)} doesn't match the broadcast shape ${shapeStr(result.shape)}`);
  if (!isFloat(o.dtype) && isFloat(result.dtype)) {
    throw new PyRaise('UFuncTypeError', `Cannot cast ufunc '${fname}' output from dtype('${result.dtype}') to dtype('${o.dtype}') with casting rule 'same_kind'`);
  }
  o.assign(finishDtype(result.tensor, o.dtype).tensor);
  return o;
}

function floatInput(v: Value): { t: Tensor; dt: NpDtype } {
  const a = toNd(v);
  const dt: NpDtype = a.dtype === 'float32' ? 'float32' : 'float64';
  return { t: a.tensor, dt };
}

/** A float ufunc of one argument (exp, log, …) with `out=`. */
function ufunc1(name: string, f: (t: Tensor) => Tensor): HostFn {
  return new HostFn(name, (args, kwargs) => {
    const p = bind(name, ['x', 'out?', 'where?', 'dtype?'], args, kwargs);
    if (p.where !== undefined) throw new PyRaise('NotSupported', `np.${name}(…, where=…) is not supported`);
    const { t, dt } = floatInput(p.x!);
    const r = wrap(f(t), dt);
    const want = dtypeArg(p.dtype);
    return intoOut(want === undefined ? r : finishDtype(r.tensor, want), p.out, name);
  });
}

/** A binary ufunc (add, multiply, …) with `out=`. */
function ufunc2(name: string, op: string): HostFn {
  return new HostFn(name, (args, kwargs) => {
    const p = bind(name, ['x1', 'x2', 'out?', 'where?', 'dtype?'], args, kwargs);
    if (p.where !== undefined) throw new PyRaise('NotSupported', `np.${name}(…, where=…) is not supported`);
    return intoOut(arith(op, p.x1!, p.x2!), p.out, name);
  });
}

/** Reduction function with axis/keepdims/out/dtype. */
function reduction(name: 'sum' | 'mean' | 'max' | 'min' | 'var' | 'std'): (args: Value[], kwargs: Kw) => Value {
  return (args, kwargs) => {
    const p = bind(name, ['a', 'axis?', 'dtype?', 'out?', 'keepdims?', 'ddof?', 'initial?', 'where?'], args, kwargs);
    if (p.initial !== undefined || p.where !== undefined) throw new PyRaise('NotSupported', `np.${name}(…, initial=/where=) is not supported`);
    let r = reduceNp(name, p.a!, p.axis, truthy(p.keepdims ?? false), p.ddof === undefined ? 0 : (numberOf(p.ddof) ?? 0));
    const dt = dtypeArg(p.dtype);
    if (dt !== undefined) r = wrap(finishDtype(r.tensor, dt).tensor, dt);
    return intoOut(r, p.out, name);
  };
}

/** numpy's round-half-to-even at `decimals`. */
function roundHalfEven(x: number, decimals: number): number {
  if (!Number.isFinite(x)) return x;
  const m = 10 ** decimals;
  const y = x * m;
  const f = Math.floor(y);
  const d = y - f;
  let r = d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  if (Math.abs(d - 0.5) < 1e-9 && Math.abs(d - 0.5) > 0) r = Math.round(y);
  return r / m;
}

function toPyList(a: NdArray): Value {
  const s = a.tensor.storage;
  const conv = (x: number): Value => (a.dtype === 'bool' ? x !== 0 : a.dtype === 'int64' ? x : float(x));
  if (a.shape.length === 0) return conv(s[0]!);
  const build = (axis: number, off: number): Value => {
    const n = a.shape[axis]!;
    const stride = shapeSize(a.shape.slice(axis + 1));
    const items: Value[] = [];
    for (let i = 0; i < n; i++) items.push(axis === a.shape.length - 1 ? conv(s[off + i]!) : build(axis + 1, off + i * stride));
    return new PyList(items);
  };
  return build(0, 0);
}

/** The Python value of a one-element array (`a.item()`, `float(a)`). */
export function itemOf(a: NdArray): Value {
  if (a.tensor.size !== 1) throw new PyRaise('ValueError', 'can only convert an array of size 1 to a Python scalar');
  const x = a.tensor.storage[0]!;
  return a.dtype === 'bool' ? x !== 0 : a.dtype === 'int64' ? x : float(x);
}

function reshapeArgs(a: NdArray, args: Value[], kwargs: Kw, fname: string): NdArray {
  const order = kwargs.get('order');
  if (order !== undefined && order !== 'C') throw new PyRaise('NotSupported', `${fname}(order=${repr(order)}) is not supported (only C order)`);
  const list = args.length === 1 && (args[0] instanceof PyTuple || args[0] instanceof PyList) ? toArray(args[0]) : args;
  const shape = list.map((x) => intOf(x, 'reshape dimension'));
  const known = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const size = a.tensor.size;
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new PyRaise('ValueError', 'can only specify one unknown dimension');
  const full = shape.map((d) => (d === -1 ? (known === 0 ? 0 : size / known) : d));
  if (shapeSize(full) !== size || full.some((d) => !Number.isInteger(d))) {
    throw new PyRaise('ValueError', `cannot reshape array of size ${size} into shape ${shapeStr(shape)}`);
  }
  return reshapeView(a, full);
}

function transposeArgs(a: NdArray, args: Value[]): NdArray {
  if (args.length === 0 || args[0] === null) {
    if (a.shape.length <= 1) return transposeView(a);
    return transposeView(a, a.shape.map((_, i) => a.shape.length - 1 - i));
  }
  const list = args.length === 1 && (args[0] instanceof PyTuple || args[0] instanceof PyList) ? toArray(args[0]) : args;
  const axes = axesOf(new PyTuple(list), a.shape.length)!;
  if (axes.length !== a.shape.length) throw new PyRaise('ValueError', "axes don't match array");
  return transposeView(a, axes);
}

function squeezeNp(a: NdArray, axisV: Value | undefined): NdArray {
  const axes = axesOf(axisV, a.shape.length);
  if (axes !== undefined) {
    for (const ax of axes) if (a.shape[ax] !== 1) throw new PyRaise('ValueError', 'cannot select an axis to squeeze out which has size not equal to one');
  }
  const shape = a.shape.filter((d, i) => (axes === undefined ? d !== 1 : !axes.includes(i)));
  return reshapeView(a, shape);
}

function expandDimsNp(a: NdArray, axisV: Value): NdArray {
  const list = axisV instanceof PyTuple || axisV instanceof PyList ? toArray(axisV) : [axisV];
  const nd = a.shape.length + list.length;
  const axes = list.map((x) => {
    const n = intOf(x, 'axis');
    if (n < -nd || n >= nd) throw new PyRaise('AxisError', `axis ${n} is out of bounds for array of dimension ${nd}`);
    return n < 0 ? n + nd : n;
  });
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < nd; i++) shape.push(axes.includes(i) ? 1 : a.shape[j++]!);
  return reshapeView(a, shape);
}

function clipNp(av: Value, lo: Value | undefined, hi: Value | undefined): NdArray {
  let r = toNd(av);
  if (lo !== undefined && lo !== null) r = maximumNp(r, lo);
  if (hi !== undefined && hi !== null) r = maximumNp(r, hi, true);
  return r;
}

function normNp(p: Record<string, Value | undefined>): NdArray {
  const a = toNd(p.x!);
  const ord = p.ord ?? null;
  const keep = truthy(p.keepdims ?? false);
  const axes = axesOf(p.axis, a.shape.length);
  const t = a.tensor;
  if (ord === null || ord === 'fro' || (ord === 2 && (axes?.length ?? a.shape.length) === 1)) {
    if (ord === 2 && axes === undefined && a.shape.length === 2) throw new PyRaise('NotSupported', 'np.linalg.norm(matrix, 2) (the spectral norm) is not supported');
    return wrap(sqrt(tsum(mul(t, t), axes, keep)), a.dtype === 'float32' ? 'float32' : 'float64');
  }
  const vector = (axes?.length ?? a.shape.length) === 1;
  if (vector && typeof ord === 'number' && ord === 1) return wrap(tsum(abs(t), axes, keep), 'float64');
  if (vector && ord instanceof PyFloat && ord.v === Infinity) return reduceNp('max', wrap(abs(t), 'float64'), p.axis, keep);
  throw new PyRaise('NotSupported', `np.linalg.norm(…, ord=${repr(ord)}) is not supported`);
}

function arangeNp(args: Value[], kwargs: Kw): NdArray {
  const p = bind('arange', ['start', 'stop?', 'step?', 'dtype?'], args, kwargs);
  let start = p.start!;
  let stop = p.stop;
  if (stop === undefined || stop === null) {
    stop = start;
    start = 0;
  }
  const step = p.step ?? 1;
  const vals = [start, stop, step];
  const allInt = vals.every((v) => typeof v === 'number' || typeof v === 'boolean' || (isArray(v) && v.dtype === 'int64'));
  const [a, b, s] = vals.map((v) => numberOf(v)!) as [number, number, number];
  if (s === 0) throw new PyRaise('ZeroDivisionError', 'division by zero');
  const n = Math.max(0, Math.ceil((b - a) / s));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a + i * s;
  return finishDtype(new Tensor(out, [n]), dtypeArg(p.dtype) ?? (allInt ? 'int64' : 'float64'));
}

function linspaceNp(args: Value[], kwargs: Kw): Value {
  const p = bind('linspace', ['start', 'stop', 'num?', 'endpoint?', 'retstep?', 'dtype?', 'axis?'], args, kwargs);
  const a = numberOf(p.start!)!;
  const b = numberOf(p.stop!)!;
  const n = p.num === undefined ? 50 : intOf(p.num, 'num');
  const endpoint = p.endpoint === undefined ? true : truthy(p.endpoint);
  const div0 = endpoint ? n - 1 : n;
  const step = div0 > 0 ? (b - a) / div0 : NaN;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = div0 > 0 ? a + i * step : a;
  if (endpoint && n > 1) out[n - 1] = b;
  const r = finishDtype(new Tensor(out, [n]), dtypeArg(p.dtype) ?? 'float64');
  return truthy(p.retstep ?? false) ? new PyTuple([r, float(step)]) : r;
}

function eyeNp(args: Value[], kwargs: Kw): NdArray {
  const p = bind('eye', ['N', 'M?', 'k?', 'dtype?'], args, kwargs);
  const n = intOf(p.N!, 'N');
  const m = p.M === undefined || p.M === null ? n : intOf(p.M, 'M');
  const k = p.k === undefined ? 0 : intOf(p.k, 'k');
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) if (i + k >= 0 && i + k < m) out[i * m + i + k] = 1;
  return finishDtype(new Tensor(out, [n, m]), dtypeArg(p.dtype) ?? 'float64');
}

function whereNp(args: Value[]): Value {
  if (args.length === 1) return nonzeroNp(toNd(args[0]!));
  if (args.length !== 3) throw new PyRaise('ValueError', 'either both or neither of x and y should be given');
  const c = toNd(args[0]!);
  const x = operand(args[1]!);
  const y = operand(args[2]!);
  const dt = x.weak && y.weak ? promote(x.dtype, y.dtype) : x.weak ? promote(y.dtype, x.dtype === 'float64' && !isFloat(y.dtype) ? 'float64' : y.dtype) : y.weak ? promote(x.dtype, y.dtype === 'float64' && !isFloat(x.dtype) ? 'float64' : x.dtype) : promote(x.dtype, y.dtype);
  const mask = c.dtype === 'bool' ? c.tensor : mapUnary(c.tensor, (v) => (v !== 0 ? 1 : 0), 'where condition');
  const xt = typeof x.t === 'number' ? x.t : x.t;
  const yt = typeof y.t === 'number' ? y.t : y.t;
  return wrap(where(mask, xt, yt), dt);
}

function nonzeroNp(a: NdArray): PyTuple {
  const s = a.tensor.storage;
  const nd = Math.max(1, a.shape.length);
  const shape = a.shape.length === 0 ? [1] : a.shape;
  const cols: number[][] = Array.from({ length: nd }, () => []);
  for (let i = 0; i < s.length; i++) {
    if (s[i] === 0) continue;
    let rem = i;
    for (let d = nd - 1; d >= 0; d--) {
      cols[d]!.push(rem % shape[d]!);
      rem = Math.floor(rem / shape[d]!);
    }
  }
  return new PyTuple(cols.map((c) => new NdArray(tensor(c.length === 0 ? new Float64Array(0) : Float64Array.from(c), { shape: [c.length] }), 'int64')));
}

function allcloseNp(args: Value[], kwargs: Kw, all: boolean): Value {
  const p = bind(all ? 'allclose' : 'isclose', ['a', 'b', 'rtol?', 'atol?', 'equal_nan?'], args, kwargs);
  const rtol = p.rtol === undefined ? 1e-5 : numberOf(p.rtol)!;
  const atol = p.atol === undefined ? 1e-8 : numberOf(p.atol)!;
  const eqNan = truthy(p.equal_nan ?? false);
  const a = operand(p.a!);
  const b = operand(p.b!);
  const f = (x: number, y: number): number => {
    if (Number.isNaN(x) || Number.isNaN(y)) return eqNan && Number.isNaN(x) && Number.isNaN(y) ? 1 : 0;
    if (x === y) return 1;
    return Math.abs(x - y) <= atol + rtol * Math.abs(y) ? 1 : 0;
  };
  const aa = typeof a.t === 'number' ? a : { ...a, t: a.t.detach() };
  const bb = typeof b.t === 'number' ? b : { ...b, t: b.t.detach() };
  const m = mapStorage2(aa, bb, f);
  if (all) return Array.prototype.every.call(m.storage, (v: number) => v !== 0);
  return wrap(m, 'bool');
}

function mapStorage2(a: ReturnType<typeof operand>, b: ReturnType<typeof operand>, f: (x: number, y: number) => number): Tensor {
  return mapStorage(a, b, f, 'isclose');
}

function boolMap(name: string, f: (x: number) => boolean): HostFn {
  return new HostFn(name, (args) => {
    const a = toNd(args[0]!);
    return wrap(mapUnary(a.tensor.detach(), (x) => (f(x) ? 1 : 0), name), 'bool');
  });
}

function anyAll(kind: 'any' | 'all', av: Value, axisV: Value | undefined, keep: boolean): NdArray {
  const a = toNd(av);
  const m = new NdArray(mapUnary(a.tensor.detach(), (x) => (x !== 0 ? 1 : 0), kind), 'float64');
  const r = reduceNp(kind === 'any' ? 'max' : 'min', m, axisV, keep);
  return wrap(r.tensor, 'bool');
}

function roundNp(av: Value, decimals: Value | undefined): NdArray {
  const a = toNd(av);
  const d = decimals === undefined || decimals === null ? 0 : intOf(decimals, 'decimals');
  if (!isFloat(a.dtype)) return a;
  // Piecewise constant: gradient 0 through it, as PyTorch's round.
  return wrap(mapUnary(a.tensor.detach(), (x) => roundHalfEven(x, d), 'round', a.dtype === 'float32' ? 'float32' : 'float64'), a.dtype);
}

/** Attributes and methods of an array (or numpy scalar); undefined if there is none. */
export function arrayAttr(a: NdArray, name: string): Value | undefined {
  const m = (impl: (args: Value[], kwargs: Kw) => Value): HostFn => new HostFn(`ndarray.${name}`, impl);
  const red = (kind: 'sum' | 'mean' | 'max' | 'min' | 'var' | 'std'): HostFn => m((args, kwargs) => reduction(kind)([a, ...args], kwargs));
  switch (name) {
    case 'shape': return new PyTuple(a.shape.slice());
    case 'size': return a.tensor.size;
    case 'ndim': return a.shape.length;
    case 'dtype': return dtypeObject(a.dtype);
    case 'T': return a.shape.length < 2 ? a : transposeArgs(a, []);
    case 'itemsize': return a.dtype === 'float32' ? 4 : a.dtype === 'bool' ? 1 : 8;
    case 'nbytes': return a.tensor.size * (a.dtype === 'float32' ? 4 : a.dtype === 'bool' ? 1 : 8);
    case 'real': return a;
    case 'flat': return new PyList([...toArray(toPyList(new NdArray(reshape(a.tensor, [a.tensor.size]), a.dtype)))]);
    case 'reshape': return m((args, kwargs) => reshapeArgs(a, args, kwargs, 'reshape'));
    case 'transpose': return m((args) => transposeArgs(a, args));
    case 'swapaxes': return m((args) => {
      const axes = a.shape.map((_, i) => i);
      const [i, j] = axesOf(new PyTuple(args), a.shape.length) as [number, number];
      [axes[i], axes[j]] = [axes[j]!, axes[i]!];
      return transposeView(a, axes);
    });
    case 'flatten': return m(() => new NdArray(reshape(a.tensor, [a.tensor.size]), a.dtype));
    case 'ravel': return m(() => reshapeView(a, [a.tensor.size]));
    case 'squeeze': return m((args, kwargs) => squeezeNp(a, args[0] ?? kwargs.get('axis')));
    case 'copy': return m(() => new NdArray(a.tensor, a.dtype, a.isScalar));
    case 'astype': return m((args, kwargs) => {
      const dt = dtypeArg(args[0] ?? kwargs.get('dtype'));
      if (dt === undefined) throw new PyRaise('TypeError', 'astype() needs a dtype');
      return finishDtype(a.tensor, dt);
    });
    case 'sum': case 'mean': case 'max': case 'min': case 'var': case 'std': return red(name);
    case 'argmax': case 'argmin': return m((args, kwargs) => {
      const p = bind(name, ['axis?', 'out?', 'keepdims?'], args, kwargs);
      return argReduce(name, a, p.axis, truthy(p.keepdims ?? false));
    });
    case 'dot': return m((args, kwargs) => {
      const p = bind('dot', ['b', 'out?'], args, kwargs);
      return intoOut(dotNp(a, p.b!), p.out, 'dot', true);
    });
    case 'item': return m((args) => (args.length === 0 ? itemOf(a) : itemOf(getItemFlat(a, args))));
    case 'tolist': return m(() => toPyList(a));
    case 'fill': return m((args) => {
      const v = numberOf(args[0]!) ?? NaN;
      a.assign(tensor(new Float64Array(a.tensor.size).fill(v), { shape: a.shape.slice(), dtype: a.dtype === 'float32' ? 'float32' : 'float64' }));
      return null;
    });
    case 'clip': return m((args, kwargs) => {
      const p = bind('clip', ['min?', 'max?', 'out?'], args, kwargs);
      return intoOut(clipNp(a, p.min, p.max), p.out, 'clip');
    });
    case 'round': return m((args, kwargs) => roundNp(a, args[0] ?? kwargs.get('decimals')));
    case 'any': return m((args, kwargs) => anyAll('any', a, args[0] ?? kwargs.get('axis'), truthy(kwargs.get('keepdims') ?? false)));
    case 'all': return m((args, kwargs) => anyAll('all', a, args[0] ?? kwargs.get('axis'), truthy(kwargs.get('keepdims') ?? false)));
    case 'nonzero': return m(() => nonzeroNp(a));
    case 'argsort': return m((args, kwargs) => argsortNp(a, bind('argsort', ['axis?', 'kind?', 'order?'], args, kwargs).axis));
    case 'sort': return m((args, kwargs) => {
      a.assign(sortNp(a, bind('sort', ['axis?', 'kind?', 'order?'], args, kwargs).axis).tensor);
      return null;
    });
    case 'cumsum': case 'cumprod': return m((args, kwargs) => scanNp(a, bind(name, ['axis?', 'dtype?', 'out?'], args, kwargs).axis, name === 'cumprod'));
    case 'prod': return m((args, kwargs) => prodCall([a, ...args], kwargs));
    case '__len__': return m(() => a.shape[0] ?? 0);
    default: return undefined;
  }
}

function getItemFlat(a: NdArray, args: Value[]): NdArray {
  const i = intOf(args[0]!, 'index');
  const flat = new NdArray(reshape(a.tensor, [a.tensor.size]), a.dtype);
  return runtime.arrayBinary('[]', flat, i) as NdArray;
}

/** np.prod / a.prod with axis, dtype, out and keepdims. */
function prodCall(args: Value[], kwargs: Kw): Value {
  const p = bind('prod', ['a', 'axis?', 'dtype?', 'out?', 'keepdims?'], args, kwargs);
  return intoOut(prodNp(toNd(p.a!), p.axis, truthy(p.keepdims ?? false), dtypeArg(p.dtype)), p.out, 'prod');
}

/** Every index tuple of `shape` in C order (np.ndindex's order). */
function* indexTuples(shape: readonly number[]): Generator<number[]> {
  if (shape.some((d) => d === 0)) return;
  const idx = shape.map(() => 0);
  for (;;) {
    yield idx.slice();
    let d = shape.length - 1;
    while (d >= 0 && ++idx[d]! === shape[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

const NDITER = new PyClass('nditer', []);

/**
 * np.nditer as gradient-checking code uses it (cs231n's eval_numerical_gradient): `multi_index`,
 * `finished`, `iternext()`, `index`. The array is written through `x[ix] = …`, never through the
 * iterator, so `op_flags` only has to be accepted; other flags are refused, and `for v in it` is a
 * TypeError ('nditer' object is not iterable) naming the line.
 */
function nditerNp(args: Value[], kwargs: Kw): PyInstance {
  const p = bind('nditer', ['op', 'flags?', 'op_flags?', 'order?'], args, kwargs);
  const a = toNd(p.op!);
  const flags = p.flags === undefined || p.flags === null ? [] : toArray(p.flags).map((f) => String(f));
  for (const f of flags) {
    if (f !== 'multi_index' && f !== 'c_index') throw new PyRaise('NotSupported', `np.nditer(flags=[${repr(f)}]) is not supported (only 'multi_index' and 'c_index')`);
  }
  if (p.order !== undefined && p.order !== 'C' && p.order !== 'K') throw new PyRaise('NotSupported', `np.nditer(order=${repr(p.order)}) is not supported`);
  const it = new PyInstance(NDITER);
  const tuples = indexTuples(a.shape);
  let flat = 0;
  const advance = (): boolean => {
    const next = tuples.next();
    it.dict.set('finished', next.done === true);
    if (next.done !== true) it.dict.set('multi_index', new PyTuple(next.value));
    it.dict.set('index', flat++);
    return next.done !== true;
  };
  advance();
  it.dict.set('iternext', new HostFn('nditer.iternext', () => advance()));
  return it;
}

/** Assigning an array attribute: only `a.shape = …` (reshape in place) is in the dialect. */
export function setArrayAttr(_a: NdArray, name: string): boolean {
  throw new PyRaise('NotSupported', `setting the array attribute '${name}' is not supported`);
}

const UNSUPPORTED_SUBMODULES = ['fft', 'ma', 'polynomial', 'emath', 'char', 'lib', 'typing', 'ctypeslib', 'rec', 'strings'];

function unsupportedModule(path: string): PyModule {
  const attrs = new Map<string, Value>();
  attrs.set('__getattr__', new HostFn('__getattr__', (args) => {
    throw new PyRaise('NotSupported', `numpy function \`${path}.${String(args[0])}\` is not supported`);
  }));
  return new PyModule(path.replace(/^np/, 'numpy'), attrs);
}

/** Builds the `numpy` module (its `random` attribute is whatever module serves `numpy.random`). */
export function makeNumpyModule(random: PyModule): PyModule {
  const a = new Map<string, Value>();
  const def = (name: string, impl: (args: Value[], kwargs: Kw) => Value): void => {
    a.set(name, new HostFn(name, impl));
  };
  // creation
  def('array', (args, kwargs) => {
    const p = bind('array', ['object', 'dtype?', 'copy?', 'ndmin?'], args, kwargs);
    const dt = dtypeArg(p.dtype);
    const obj = p.object!;
    if (isArray(obj)) {
      const copy = p.copy === undefined ? true : truthy(p.copy);
      if (dt === undefined || dt === obj.dtype) return copy ? new NdArray(obj.tensor, obj.dtype) : obj;
      return finishDtype(obj.tensor, dt);
    }
    return arrayFrom(obj, dt);
  });
  def('asarray', (args, kwargs) => {
    const p = bind('asarray', ['a', 'dtype?'], args, kwargs);
    const dt = dtypeArg(p.dtype);
    const obj = p.a!;
    if (isArray(obj) && !obj.isScalar && (dt === undefined || dt === obj.dtype)) return obj;
    return arrayFrom(obj, dt);
  });
  def('copy', (args) => {
    const x = toNd(args[0]!);
    return new NdArray(x.tensor, x.dtype);
  });
  for (const [name, value] of [['zeros', 0], ['ones', 1], ['empty', 0]] as const) {
    def(name, (args, kwargs) => {
      const p = bind(name, ['shape', 'dtype?', 'order?'], args, kwargs);
      return filled(shapeArg(p.shape, name), value, dtypeArg(p.dtype) ?? 'float64');
    });
    def(`${name}_like`, (args, kwargs) => {
      const p = bind(`${name}_like`, ['a', 'dtype?', 'order?', 'subok?', 'shape?'], args, kwargs);
      const x = toNd(p.a!);
      return filled(p.shape === undefined ? x.shape.slice() : shapeArg(p.shape, name), value, dtypeArg(p.dtype) ?? x.dtype);
    });
  }
  def('full', (args, kwargs) => {
    const p = bind('full', ['shape', 'fill_value', 'dtype?'], args, kwargs);
    const v = operand(p.fill_value!);
    return filled(shapeArg(p.shape, 'full'), numberOf(p.fill_value!) ?? NaN, dtypeArg(p.dtype) ?? v.dtype);
  });
  def('full_like', (args, kwargs) => {
    const p = bind('full_like', ['a', 'fill_value', 'dtype?'], args, kwargs);
    const x = toNd(p.a!);
    return filled(x.shape.slice(), numberOf(p.fill_value!) ?? NaN, dtypeArg(p.dtype) ?? x.dtype);
  });
  def('eye', eyeNp);
  def('identity', (args, kwargs) => eyeNp([args[0]!], kwargs));
  def('arange', arangeNp);
  def('linspace', linspaceNp);
  // shape
  def('reshape', (args, kwargs) => {
    const p = bind('reshape', ['a', 'newshape?', 'order?', 'shape?'], args, kwargs);
    const kw = new Map<string, Value>();
    if (p.order !== undefined) kw.set('order', p.order);
    return reshapeArgs(toNd(p.a!), [p.shape ?? p.newshape!], kw, 'reshape');
  });
  def('transpose', (args, kwargs) => {
    const p = bind('transpose', ['a', 'axes?'], args, kwargs);
    return transposeArgs(toNd(p.a!), p.axes === undefined ? [] : [p.axes]);
  });
  def('squeeze', (args, kwargs) => {
    const p = bind('squeeze', ['a', 'axis?'], args, kwargs);
    return squeezeNp(toNd(p.a!), p.axis);
  });
  def('expand_dims', (args, kwargs) => {
    const p = bind('expand_dims', ['a', 'axis'], args, kwargs);
    return expandDimsNp(toNd(p.a!), p.axis!);
  });
  def('ravel', (args) => reshapeView(toNd(args[0]!), [toNd(args[0]!).tensor.size]));
  def('concatenate', (args, kwargs) => {
    const p = bind('concatenate', ['arrays', 'axis?', 'out?', 'dtype?'], args, kwargs);
    const parts = [...iterate(p.arrays!)].map((x) => toNd(x));
    if (p.axis === null) return intoOut(concatenateNp(parts.map((x) => new NdArray(reshape(x.tensor, [x.tensor.size]), x.dtype)), 0, dtypeArg(p.dtype)), p.out, 'concatenate');
    return intoOut(concatenateNp(parts, p.axis === undefined ? 0 : intOf(p.axis, 'axis'), dtypeArg(p.dtype)), p.out, 'concatenate');
  });
  def('stack', (args, kwargs) => {
    const p = bind('stack', ['arrays', 'axis?', 'out?', 'dtype?'], args, kwargs);
    return intoOut(stackNp([...iterate(p.arrays!)].map((x) => toNd(x)), p.axis === undefined ? 0 : intOf(p.axis, 'axis'), dtypeArg(p.dtype)), p.out, 'stack');
  });
  def('vstack', (args) => {
    const parts = [...iterate(args[0]!)].map((x) => toNd(x)).map((x) => (x.shape.length === 1 ? new NdArray(reshape(x.tensor, [1, x.shape[0]!]), x.dtype) : x));
    return concatenateNp(parts, 0);
  });
  def('hstack', (args) => {
    const parts = [...iterate(args[0]!)].map((x) => toNd(x));
    return concatenateNp(parts, parts[0]!.shape.length === 1 ? 0 : 1);
  });
  def('column_stack', (args) => {
    const parts = [...iterate(args[0]!)].map((x) => toNd(x)).map((x) => (x.shape.length === 1 ? new NdArray(reshape(x.tensor, [x.shape[0]!, 1]), x.dtype) : x));
    return concatenateNp(parts, 1);
  });
  def('broadcast_to', (args) => broadcastNp(toNd(args[0]!), shapeArg(args[1], 'broadcast_to')));
  def('shape', (args) => new PyTuple(toNd(args[0]!).shape.slice()));
  def('size', (args) => toNd(args[0]!).tensor.size);
  def('ndim', (args) => toNd(args[0]!).shape.length);
  // products
  def('dot', (args, kwargs) => {
    const p = bind('dot', ['a', 'b', 'out?'], args, kwargs);
    return intoOut(dotNp(p.a!, p.b!), p.out, 'dot', true);
  });
  def('matmul', (args, kwargs) => {
    const p = bind('matmul', ['x1', 'x2', 'out?'], args, kwargs);
    return intoOut(matmulNp(p.x1!, p.x2!), p.out, 'matmul');
  });
  def('outer', (args, kwargs) => {
    const p = bind('outer', ['a', 'b', 'out?'], args, kwargs);
    return intoOut(outerNp(p.a!, p.b!), p.out, 'outer');
  });
  def('inner', (args) => {
    const x = toNd(args[0]!);
    const y = toNd(args[1]!);
    if (x.shape.length > 1 || y.shape.length > 1) throw new PyRaise('NotSupported', 'np.inner of arrays with more than one dimension is not supported');
    return dotNp(x, y);
  });
  // element-wise
  a.set('exp', ufunc1('exp', exp));
  a.set('log', ufunc1('log', log));
  a.set('tanh', ufunc1('tanh', tanh));
  a.set('sqrt', ufunc1('sqrt', sqrt));
  a.set('cosh', ufunc1('cosh', cosh));
  a.set('sinh', ufunc1('sinh', sinh));
  a.set('log1p', ufunc1('log1p', log1p));
  a.set('expm1', ufunc1('expm1', expm1));
  a.set('log2', ufunc1('log2', (t) => div(log(t), Math.LN2)));
  a.set('log10', ufunc1('log10', (t) => div(log(t), Math.LN10)));
  a.set('reciprocal', ufunc1('reciprocal', (t) => div(tensor(1, { dtype: t.dtype }), t)));
  // floor and ceil are never recorded: gradient 0 through them, as in PyTorch (src/ops/trig.ts).
  for (const [name, f] of Object.entries({ floor, ceil, sin, cos, tan, arcsin, arccos, arctan })) a.set(name, ufunc1(name, f));
  def('abs', (args, kwargs) => {
    const p = bind('abs', ['x', 'out?'], args, kwargs);
    return intoOut(wrap(abs(toNd(p.x!).tensor), toNd(p.x!).dtype), p.out, 'absolute');
  });
  a.set('absolute', a.get('abs')!);
  def('sign', (args) => {
    const x = toNd(args[0]!);
    return wrap(sign(x.tensor), x.dtype);
  });
  def('negative', (args, kwargs) => {
    const p = bind('negative', ['x', 'out?'], args, kwargs);
    return intoOut(arith('*', p.x!, -1), p.out, 'negative');
  });
  def('square', (args, kwargs) => {
    const p = bind('square', ['x', 'out?'], args, kwargs);
    return intoOut(arith('*', p.x!, p.x!), p.out, 'square');
  });
  for (const [name, op] of [['add', '+'], ['subtract', '-'], ['multiply', '*'], ['divide', '/'], ['true_divide', '/'], ['floor_divide', '//'],
    ['mod', '%'], ['remainder', '%'], ['power', '**'], ['greater', '>'], ['greater_equal', '>='], ['less', '<'], ['less_equal', '<='],
    ['equal', '=='], ['not_equal', '!='], ['logical_and', '&'], ['logical_or', '|'], ['logical_xor', '^']] as const) {
    a.set(name, ufunc2(name, op));
  }
  def('logical_not', (args) => wrap(mapUnary(toNd(args[0]!).tensor.detach(), (x) => (x === 0 ? 1 : 0), 'logical_not'), 'bool'));
  def('maximum', (args, kwargs) => {
    const p = bind('maximum', ['x1', 'x2', 'out?'], args, kwargs);
    return intoOut(maximumNp(p.x1!, p.x2!), p.out, 'maximum');
  });
  def('minimum', (args, kwargs) => {
    const p = bind('minimum', ['x1', 'x2', 'out?'], args, kwargs);
    return intoOut(maximumNp(p.x1!, p.x2!, true), p.out, 'minimum');
  });
  def('clip', (args, kwargs) => {
    const p = bind('clip', ['a', 'a_min?', 'a_max?', 'out?', 'min?', 'max?'], args, kwargs);
    return intoOut(clipNp(p.a!, p.a_min ?? p.min, p.a_max ?? p.max), p.out, 'clip');
  });
  def('where', (args) => whereNp(args));
  def('nonzero', (args) => nonzeroNp(toNd(args[0]!)));
  def('round', (args, kwargs) => {
    const p = bind('round', ['a', 'decimals?', 'out?'], args, kwargs);
    return intoOut(roundNp(p.a!, p.decimals), p.out, 'round');
  });
  a.set('around', a.get('round')!);
  a.set('isnan', boolMap('isnan', Number.isNaN));
  a.set('isinf', boolMap('isinf', (x) => x === Infinity || x === -Infinity));
  a.set('isfinite', boolMap('isfinite', Number.isFinite));
  def('allclose', (args, kwargs) => allcloseNp(args, kwargs, true));
  def('isclose', (args, kwargs) => allcloseNp(args, kwargs, false));
  def('array_equal', (args) => {
    const x = toNd(args[0]!);
    const y = toNd(args[1]!);
    if (x.shape.length !== y.shape.length || x.shape.some((d, i) => d !== y.shape[i])) return false;
    const xs = x.tensor.storage;
    const ys = y.tensor.storage;
    for (let i = 0; i < xs.length; i++) if (xs[i] !== ys[i]) return false;
    return true;
  });
  // reductions
  for (const name of ['sum', 'mean', 'max', 'min', 'var', 'std'] as const) def(name, reduction(name));
  a.set('amax', a.get('max')!);
  a.set('amin', a.get('min')!);
  def('average', (args, kwargs) => {
    const p = bind('average', ['a', 'axis?', 'weights?', 'returned?', 'keepdims?'], args, kwargs);
    if (p.weights !== undefined && p.weights !== null) {
      const w = toNd(p.weights);
      const x = toNd(p.a!);
      const num = reduceNp('sum', arith('*', x, w), p.axis, truthy(p.keepdims ?? false));
      const den = reduceNp('sum', w, p.axis, truthy(p.keepdims ?? false));
      return arith('/', num, den);
    }
    return reduceNp('mean', p.a!, p.axis, truthy(p.keepdims ?? false));
  });
  for (const name of ['argmax', 'argmin'] as const) {
    def(name, (args, kwargs) => {
      const p = bind(name, ['a', 'axis?', 'out?', 'keepdims?'], args, kwargs);
      return argReduce(name, p.a!, p.axis, truthy(p.keepdims ?? false));
    });
  }
  def('any', (args, kwargs) => anyAll('any', args[0]!, args[1] ?? kwargs.get('axis'), truthy(kwargs.get('keepdims') ?? false)));
  def('all', (args, kwargs) => anyAll('all', args[0]!, args[1] ?? kwargs.get('axis'), truthy(kwargs.get('keepdims') ?? false)));
  def('count_nonzero', (args) => Array.prototype.filter.call(toNd(args[0]!).tensor.storage, (x: number) => x !== 0).length);
  def('argsort', (args, kwargs) => {
    const p = bind('argsort', ['a', 'axis?', 'kind?', 'order?'], args, kwargs);
    return argsortNp(toNd(p.a!), p.axis);
  });
  def('sort', (args, kwargs) => {
    const p = bind('sort', ['a', 'axis?', 'kind?', 'order?'], args, kwargs);
    return sortNp(toNd(p.a!), p.axis);
  });
  def('unique', (args, kwargs) => {
    const p = bind('unique', ['ar', 'return_index?', 'return_inverse?', 'return_counts?', 'axis?'], args, kwargs);
    if (p.axis !== undefined && p.axis !== null) throw new PyRaise('NotSupported', 'np.unique(…, axis=…) is not supported (only the flattened array)');
    return uniqueNp(toNd(p.ar!), { index: truthy(p.return_index ?? false), inverse: truthy(p.return_inverse ?? false), counts: truthy(p.return_counts ?? false) });
  });
  for (const name of ['cumsum', 'cumprod'] as const) {
    def(name, (args, kwargs) => {
      const p = bind(name, ['a', 'axis?', 'dtype?', 'out?'], args, kwargs);
      return intoOut(scanNp(toNd(p.a!), p.axis, name === 'cumprod'), p.out, name);
    });
  }
  def('prod', prodCall);
  def('nditer', nditerNp);
  def('ndindex', (args) => {
    const shape = args.length === 1 && (args[0] instanceof PyTuple || args[0] instanceof PyList) ? toArray(args[0]) : args;
    const tuples = indexTuples(shape.map((d) => intOf(d, 'ndindex dimension')));
    return new PyIter((function* () { for (const t of tuples) yield new PyTuple(t); })(), 'ndindex');
  });
  def('set_printoptions', (args, kwargs) => {
    const p = bind('set_printoptions', ['precision?', 'threshold?', 'edgeitems?', 'linewidth?', 'suppress?', 'nanstr?', 'infstr?', 'formatter?', 'sign?', 'floatmode?', 'legacy?'], args, kwargs);
    if (p.precision !== undefined && p.precision !== null) printOptions.precision = intOf(p.precision, 'precision');
    if (p.threshold !== undefined && p.threshold !== null) printOptions.threshold = numberOf(p.threshold) ?? 1000;
    if (p.edgeitems !== undefined && p.edgeitems !== null) printOptions.edgeitems = intOf(p.edgeitems, 'edgeitems');
    if (p.linewidth !== undefined && p.linewidth !== null) printOptions.linewidth = intOf(p.linewidth, 'linewidth');
    if (p.suppress !== undefined && p.suppress !== null) printOptions.suppress = truthy(p.suppress);
    for (const k of ['nanstr', 'infstr', 'formatter', 'sign', 'floatmode', 'legacy']) {
      if (p[k] !== undefined && p[k] !== null) throw new PyRaise('NotSupported', `np.set_printoptions(${k}=…) is not supported`);
    }
    return null;
  });
  // np.seterr returns the old settings; floating-point warnings do not exist here, so it is accepted and ignored.
  def('seterr', () => new PyDict());
  def('errstate', () => {
    throw new PyRaise('NotSupported', '`np.errstate` (a `with` context) is not supported');
  });
  // dtypes and constants
  for (const d of ['float64', 'float32', 'int64', 'bool'] as const) a.set(d, dtypeObject(d));
  a.set('float_', dtypeObject('float64'));
  a.set('double', dtypeObject('float64'));
  a.set('int_', dtypeObject('int64'));
  a.set('int32', dtypeObject('int64'));
  a.set('bool_', dtypeObject('bool'));
  a.set('pi', float(Math.PI));
  a.set('e', float(Math.E));
  a.set('inf', float(Infinity));
  a.set('nan', float(NaN));
  a.set('newaxis', null);
  a.set('ndarray', new HostFn('ndarray', () => {
    throw new PyRaise('NotSupported', 'calling np.ndarray(...) directly is not supported (use np.zeros or np.empty)');
  }));
  const linalg = new Map<string, Value>();
  linalg.set('norm', new HostFn('norm', (args, kwargs) => normNp(bind('norm', ['x', 'ord?', 'axis?', 'keepdims?'], args, kwargs))));
  linalg.set('__getattr__', new HostFn('__getattr__', (args) => {
    throw new PyRaise('NotSupported', `numpy function \`np.linalg.${String(args[0])}\` is not supported`);
  }));
  a.set('linalg', new PyModule('numpy.linalg', linalg));
  a.set('random', random);
  addMoreNumpy(a, bind);
  for (const sub of UNSUPPORTED_SUBMODULES) a.set(sub, unsupportedModule(`np.${sub}`));
  a.set('__getattr__', new HostFn('__getattr__', (args) => {
    throw new PyRaise('NotSupported', `numpy function \`np.${String(args[0])}\` is not supported`);
  }));
  a.set('__version__', '2.4.6-tapegrad');
  runtime.numpyAttr = (name) => a.get(name)!;
  runtime.numpyScalar = (x, dtype) => new NdArray(tensor(x), dtype as NpDtype, true);
  runtime.dtypeCall = (d, v) => {
    const dt = (d as PyDtype).name;
    if (isArray(v) && !v.isScalar) return finishDtype(v.tensor, dt);
    const x = typeof v === 'string' ? Number(v) : numberOf(v);
    if (x === null) throw new PyRaise('TypeError', `${dt}() argument must be a number, not '${typeName(v)}'`);
    const val = dt === 'int64' ? Math.trunc(x) : dt === 'bool' ? (x !== 0 ? 1 : 0) : dt === 'float32' ? Math.fround(x) : x;
    const t = isArray(v) && dt !== 'int64' && dt !== 'bool' ? v.tensor : tensor(val, { dtype: dt === 'float32' ? 'float32' : 'float64' });
    return new NdArray(t, dt, true);
  };
  return new PyModule('numpy', a);
}
