/**
 * Python's built-in functions and the methods of str, list, dict, set and tuple, as host
 * functions over our values; `%`-formatting and `str.format` live here too.
 */
import { PyRaise } from './errors.js';
import { floatRepr } from './format.js';
import { CLASSMETHOD, EXCEPTIONS, PROPERTY, PyListIter, STATICMETHOD, SUPER, formatValue } from './interp.js';
import {
  binary, compare, equals, float, intOf, isArray, iterate, numberOf, repr, runtime, str, toArray, truthy,
} from './pyops.js';
import {
  BoundMethod, HostFn, PyClass, PyDict, PyDtype, PyFloat, PyFunction, PyInstance, PyIter, PyList, PyModule, PyRange, PySet,
  PySlice, PyTuple, objectId as objectIdOf, typeName, type Value,
} from './values.js';

type Kw = Map<string, Value>;
type Impl = (args: Value[], kwargs: Kw) => Value;

/** A host function from a plain implementation (call context unused). */
export function fn(name: string, impl: Impl): HostFn {
  return new HostFn(name, (a, k) => impl(a, k));
}

function arity(name: string, args: Value[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new PyRaise('TypeError', `${name}() takes ${expected} argument${max === 1 ? '' : 's'} (${args.length} given)`);
  }
}

function noKwargs(name: string, kwargs: Kw): void {
  if (kwargs.size > 0) throw new PyRaise('TypeError', `${name}() got an unexpected keyword argument '${[...kwargs.keys()][0]}'`);
}

function callKey(key: Value | undefined, v: Value): Value {
  return key === undefined || key === null ? v : runtime.call(key, [v]);
}

function sortValues(items: Value[], key: Value | undefined, reverse: boolean): Value[] {
  const keyed = items.map((v, i) => ({ k: callKey(key, v), v, i }));
  keyed.sort((a, b) => {
    if (compare('<', a.k, b.k)) return reverse ? 1 : -1;
    if (compare('<', b.k, a.k)) return reverse ? -1 : 1;
    return a.i - b.i;
  });
  return keyed.map((e) => e.v);
}

function cmpAny(op: string, a: Value, b: Value): Value {
  return isArray(a) || isArray(b) ? runtime.arrayBinary(op, a, b) : compare(op, a, b);
}

function minMax(name: 'min' | 'max', args: Value[], kwargs: Kw): Value {
  const key = kwargs.get('key');
  const items = args.length === 1 ? [...iterate(args[0]!)] : args;
  if (items.length === 0) {
    if (kwargs.has('default')) return kwargs.get('default')!;
    throw new PyRaise('ValueError', `${name}() iterable argument is empty`);
  }
  let best = items[0]!;
  let bestKey = callKey(key, best);
  for (let i = 1; i < items.length; i++) {
    const k = callKey(key, items[i]!);
    if (truthy(cmpAny(name === 'max' ? '>' : '<', k, bestKey))) {
      best = items[i]!;
      bestKey = k;
    }
  }
  return best;
}

/** int(x): truncates floats, parses strings. */
function toInt(v: Value, base?: Value): Value {
  if (typeof v === 'string') {
    const b = base === undefined ? 10 : intOf(base, 'base');
    const s = v.trim().replace(/_/g, '');
    const n = b === 10 ? (/^[+-]?\d+$/.test(s) ? Number(s) : NaN) : parseInt(s, b);
    if (Number.isNaN(n)) throw new PyRaise('ValueError', `invalid literal for int() with base ${b}: ${repr(v)}`);
    return n;
  }
  const n = numberOf(v);
  if (n === null || (isArray(v) && v.tensor.size !== 1)) {
    if (isArray(v)) throw new PyRaise('TypeError', 'only length-1 arrays can be converted to Python scalars');
    throw new PyRaise('TypeError', `int() argument must be a string or a real number, not '${typeName(v)}'`);
  }
  if (!Number.isFinite(n)) throw new PyRaise(Number.isNaN(n) ? 'ValueError' : 'OverflowError', `cannot convert float ${floatRepr(n)} to integer`);
  return Math.trunc(n);
}

function toFloat(v: Value): PyFloat {
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    const special: Record<string, number> = { nan: NaN, '+nan': NaN, '-nan': NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '-infinity': -Infinity };
    if (special[s] !== undefined) return float(special[s]);
    if (!/^[+-]?(\d[\d_]*\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(s)) throw new PyRaise('ValueError', `could not convert string to float: ${repr(v)}`);
    return float(Number(s.replace(/_/g, '')));
  }
  if (isArray(v) && v.tensor.size !== 1) throw new PyRaise('TypeError', 'only length-1 arrays can be converted to Python scalars');
  const n = numberOf(v) ?? (isArray(v) ? v.tensor.storage[0]! : null);
  if (n === null) throw new PyRaise('TypeError', `float() argument must be a string or a real number, not '${typeName(v)}'`);
  return float(n);
}

/** Python's round(): half to even. */
function roundHalfEven(x: number, digits: number): number {
  const m = 10 ** digits;
  const y = x * m;
  const r = Math.round(y);
  const v = Math.abs(y % 1) === 0.5 ? 2 * Math.round(y / 2) : r;
  // Correct representation noise (2.675 is 2.67499… and rounds down, as in Python).
  const fixed = Number(x.toFixed(Math.max(0, Math.min(100, digits))));
  return digits >= 0 && Math.abs(fixed - v / m) > 0 ? Number((v / m).toFixed(Math.max(0, digits))) : v / m;
}

/** The `type(x)` of a value: a class object where we have one, else a named marker. */
const TYPE_CLASSES = new Map<string, PyClass>();
function typeClass(name: string): PyClass {
  let c = TYPE_CLASSES.get(name);
  if (c === undefined) {
    c = new PyClass(name, []);
    TYPE_CLASSES.set(name, c);
  }
  return c;
}

function isInstance(v: Value, t: Value): boolean {
  if (t instanceof PyTuple) return t.items.some((x) => isInstance(v, x));
  if (t instanceof PyClass) {
    if (v instanceof PyInstance) return v.cls.isSubclassOf(t);
    const tn = typeName(v);
    if (t.name === 'object') return true;
    if (t.name === 'int' && typeof v === 'boolean') return true;
    if (t.name === 'float' && isArray(v) && v.isScalar && v.dtype === 'float64') return true;
    if (t.name === 'int' && isArray(v) && v.isScalar && v.dtype === 'int64') return false;
    if (t.name === 'list' && v instanceof PyListIter) return false;
    return tn === t.name || (t.name === 'numpy.ndarray' && isArray(v) && !v.isScalar);
  }
  if (t instanceof HostFn && BUILTIN_TYPES.has(t)) return isInstance(v, typeClass(BUILTIN_TYPES.get(t)!));
  if (t instanceof PyDtype) return isArray(v) && v.dtype === t.name;
  throw new PyRaise('TypeError', 'isinstance() arg 2 must be a type, a tuple of types, or a union');
}

const BUILTIN_TYPES = new Map<HostFn, string>();

function typeFn(name: string, impl: Impl): HostFn {
  const f = fn(name, impl);
  BUILTIN_TYPES.set(f, name);
  return f;
}

export function dictFrom(args: Value[], kwargs: Kw): PyDict {
  const d = new PyDict();
  if (args.length > 1) throw new PyRaise('TypeError', `dict expected at most 1 argument, got ${args.length}`);
  if (args.length === 1) {
    const src = args[0]!;
    if (src instanceof PyDict) for (const [k, v] of src.entries()) d.set(k, v);
    else {
      for (const pair of iterate(src)) {
        const kv = toArray(pair);
        if (kv.length !== 2) throw new PyRaise('ValueError', `dictionary update sequence element has length ${kv.length}; 2 is required`);
        d.set(kv[0]!, kv[1]!);
      }
    }
  }
  for (const [k, v] of kwargs) d.set(k, v);
  return d;
}

function lengthOf(v: Value): number {
  if (typeof v === 'string') return [...v].length;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length;
  if (v instanceof PyDict) return v.size;
  if (v instanceof PySet) return v.map.size;
  if (v instanceof PyRange) return v.length;
  if (isArray(v)) {
    if (v.shape.length === 0) throw new PyRaise('TypeError', 'len() of unsized object');
    return v.shape[0]!;
  }
  if (v instanceof PyInstance) {
    const l = v.cls.lookup('__len__');
    if (l !== undefined) return intOf(runtime.call(l, [v]), '__len__');
  }
  throw new PyRaise('TypeError', `object of type '${typeName(v)}' has no len()`);
}

function printFn(out: (s: string) => void): HostFn {
  return fn('print', (args, kwargs) => {
    const sep = kwargs.get('sep');
    const end = kwargs.get('end');
    for (const k of kwargs.keys()) if (k !== 'sep' && k !== 'end' && k !== 'flush' && k !== 'file') throw new PyRaise('TypeError', `'${k}' is an invalid keyword argument for print()`);
    out(args.map((a) => str(a)).join(sep === undefined || sep === null ? ' ' : str(sep)) + (end === undefined || end === null ? '\n' : str(end)));
    return null;
  });
}

/** `%`-formatting of a string (printf style: d i f e g s r x o c %, flags, width, precision, `%(name)s`). */
export function percentFormat(format: string, args: Value): string {
  const items = args instanceof PyTuple ? args.items : [args];
  let i = 0;
  const mapping = args instanceof PyDict ? args : null;
  const out = format.replace(/%(\([^)]*\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfFgGcrsa%])/g, (_all, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const next = (): Value => {
      if (i >= items.length) throw new PyRaise('TypeError', 'not enough arguments for format string');
      return items[i++]!;
    };
    const w = width === '*' ? intOf(next(), 'width') : width === undefined ? undefined : Number(width);
    const p = prec === '*' ? intOf(next(), 'precision') : prec === undefined ? undefined : Number(prec);
    const v = key !== undefined ? mapping?.get(key.slice(1, -1)) ?? (() => { throw new PyRaise('KeyError', repr(key.slice(1, -1))); })() : next();
    let spec = '';
    if (flags.includes('-')) spec += '<';
    if (flags.includes('+')) spec += '+';
    else if (flags.includes(' ')) spec += ' ';
    if (flags.includes('#')) spec += '#';
    if (flags.includes('0') && !flags.includes('-')) spec += '0';
    if (w !== undefined) spec += String(w);
    if (p !== undefined) spec += '.' + p;
    switch (conv) {
      case 's': return formatValue(str(v), spec.replace(/[+ #0]/g, ''));
      case 'r': case 'a': return formatValue(repr(v), spec.replace(/[+ #0]/g, ''));
      case 'c': return formatValue(typeof v === 'string' ? v : String.fromCodePoint(intOf(v, '%c')), spec);
      case 'd': case 'i': case 'u': {
        const n = numberOf(v);
        if (n === null) throw new PyRaise('TypeError', `%${conv} format: a real number is required, not ${typeName(v)}`);
        return formatValue(Math.trunc(n), spec.replace(/\.\d+/, '') + 'd');
      }
      default: {
        const n = numberOf(v);
        if (n === null) throw new PyRaise('TypeError', `must be real number, not ${typeName(v)}`);
        const isInt = conv === 'x' || conv === 'X' || conv === 'o';
        return formatValue(isInt ? Math.trunc(n) : float(n), spec + conv);
      }
    }
  });
  if (!mapping && i < items.length) throw new PyRaise('TypeError', 'not all arguments converted during string formatting');
  return out;
}

/** `str.format`: `{}`, `{0}`, `{name}`, `{x.attr}`, `{x[0]}`, conversions and specs. */
export function strFormat(format: string, args: readonly Value[], kwargs: Kw, getAttr: (v: Value, n: string) => Value): string {
  let auto = 0;
  let out = '';
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch === '{' && format[i + 1] === '{') { out += '{'; i += 2; continue; }
    if (ch === '}' && format[i + 1] === '}') { out += '}'; i += 2; continue; }
    if (ch !== '{') { out += ch; i++; continue; }
    let depth = 1;
    let j = i + 1;
    while (j < format.length && depth > 0) {
      if (format[j] === '{') depth++;
      else if (format[j] === '}') depth--;
      j++;
    }
    if (depth !== 0) throw new PyRaise('ValueError', "Single '{' encountered in format string");
    const field = format.slice(i + 1, j - 1);
    const m = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(field)!;
    const ref = m[1]!;
    const path = /^([^.[]*)(.*)$/.exec(ref)!;
    let v: Value;
    if (path[1] === '') v = args[auto++] ?? (() => { throw new PyRaise('IndexError', 'Replacement index out of range for positional args tuple'); })();
    else if (/^\d+$/.test(path[1]!)) v = args[Number(path[1])] ?? (() => { throw new PyRaise('IndexError', `Replacement index ${path[1]} out of range for positional args tuple`); })();
    else {
      const kv = kwargs.get(path[1]!);
      if (kv === undefined) throw new PyRaise('KeyError', repr(path[1]!));
      v = kv;
    }
    for (const acc of path[2]!.matchAll(/\.(\w+)|\[([^\]]+)\]/g)) {
      if (acc[1] !== undefined) v = getAttr(v, acc[1]);
      else {
        const key = /^\d+$/.test(acc[2]!) ? Number(acc[2]) : acc[2]!;
        v = v instanceof PyDict ? v.get(key) ?? null : toArray(v)[key as number] ?? null;
      }
    }
    const spec = m[3] === undefined ? '' : strFormat(m[3], args, kwargs, getAttr);
    const conv = m[2];
    out += formatValue(conv === 'r' || conv === 'a' ? repr(v) : conv === 's' ? str(v) : v, spec);
    i = j;
  }
  return out;
}

/** The builtins namespace for one run (print writes to `out`). */
export function makeBuiltins(out: (s: string) => void, getAttr: (v: Value, n: string) => Value): Map<string, Value> {
  const b = new Map<string, Value>();
  BUILTIN_TYPES.clear(); // type(x) must answer this run's type objects
  const def = (name: string, impl: Impl): void => {
    b.set(name, fn(name, impl));
  };
  b.set('print', printFn(out));
  def('len', (a, k) => (noKwargs('len', k), arity('len', a, 1, 1), lengthOf(a[0]!)));
  b.set('range', typeFn('range', (a, k) => {
    noKwargs('range', k);
    arity('range', a, 1, 3);
    const n = a.map((x) => {
      if (x instanceof PyFloat) throw new PyRaise('TypeError', "'float' object cannot be interpreted as an integer");
      return intOf(x, 'range() argument');
    });
    if (n.length === 1) return new PyRange(0, n[0]!, 1);
    if (n[2] === 0) throw new PyRaise('ValueError', 'range() arg 3 must not be zero');
    return new PyRange(n[0]!, n[1]!, n[2] ?? 1);
  }));
  b.set('zip', typeFn('zip', (a, k) => {
    const strict = truthy(k.get('strict') ?? false);
    const its = a.map((x) => iterate(x));
    return new PyIter((function* () {
      if (its.length === 0) return;
      for (;;) {
        const vals: Value[] = [];
        for (const it of its) {
          const r = it.next();
          if (r.done === true) {
            if (strict && vals.length > 0) throw new PyRaise('ValueError', 'zip() argument 2 is shorter than argument 1');
            return;
          }
          vals.push(r.value);
        }
        yield new PyTuple(vals);
      }
    })(), 'zip');
  }));
  b.set('enumerate', typeFn('enumerate', (a, k) => {
    arity('enumerate', a, 1, 2);
    let i = a[1] === undefined ? intOf(k.get('start') ?? 0, 'start') : intOf(a[1], 'start');
    const it = iterate(a[0]!);
    return new PyIter((function* () {
      for (const v of it) yield new PyTuple([i++, v]);
    })(), 'enumerate');
  }));
  b.set('reversed', typeFn('reversed', (a) => {
    arity('reversed', a, 1, 1);
    const v = a[0]!;
    if (v instanceof PyDict) return new PyIter(v.keys().reverse()[Symbol.iterator](), 'dict_reversekeyiterator');
    if (v instanceof PySet) throw new PyRaise('TypeError', "'set' object is not reversible");
    return new PyIter([...toArray(v)].reverse()[Symbol.iterator](), 'list_reverseiterator');
  }));
  def('sorted', (a, k) => {
    arity('sorted', a, 1, 1);
    return new PyList(sortValues([...iterate(a[0]!)], k.get('key'), truthy(k.get('reverse') ?? false)));
  });
  def('min', (a, k) => minMax('min', a, k));
  def('max', (a, k) => minMax('max', a, k));
  def('sum', (a, k) => {
    arity('sum', a, 1, 2);
    let acc: Value = a[1] ?? k.get('start') ?? 0;
    for (const v of iterate(a[0]!)) acc = binary('+', acc, v);
    return acc;
  });
  def('abs', (a) => {
    arity('abs', a, 1, 1);
    const v = a[0]!;
    if (typeof v === 'number' || typeof v === 'boolean') return Math.abs(Number(v));
    if (v instanceof PyFloat) return float(Math.abs(v.v));
    if (isArray(v)) return runtime.arrayUnary('abs', v);
    if (v instanceof PyInstance) {
      const m = v.cls.lookup('__abs__');
      if (m !== undefined) return runtime.call(m, [v]);
    }
    throw new PyRaise('TypeError', `bad operand type for abs(): '${typeName(v)}'`);
  });
  def('round', (a, k) => {
    arity('round', a, 1, 2);
    const v = a[0]!;
    const nd = a[1] ?? k.get('ndigits') ?? null;
    if (isArray(v) && !v.isScalar) return runtime.call(runtime.numpyAttr('round'), [v, nd ?? 0]);
    const n = numberOf(v);
    if (n === null) throw new PyRaise('TypeError', `type ${typeName(v)} doesn't define __round__ method`);
    if (nd === null) return roundHalfEven(n, 0);
    const r = roundHalfEven(n, intOf(nd, 'ndigits'));
    return typeof v === 'number' ? r : isArray(v) ? runtime.numpyScalar(r, v.dtype) : float(r);
  });
  b.set('int', typeFn('int', (a) => (a.length === 0 ? 0 : toInt(a[0]!, a[1]))));
  b.set('float', typeFn('float', (a) => (a.length === 0 ? float(0) : toFloat(a[0]!))));
  b.set('str', typeFn('str', (a) => (a.length === 0 ? '' : str(a[0]!))));
  b.set('bool', typeFn('bool', (a) => (a.length === 0 ? false : truthy(a[0]!))));
  b.set('list', typeFn('list', (a) => new PyList(a.length === 0 ? [] : [...iterate(a[0]!)])));
  b.set('tuple', typeFn('tuple', (a) => new PyTuple(a.length === 0 ? [] : [...iterate(a[0]!)])));
  b.set('set', typeFn('set', (a) => new PySet(a.length === 0 ? [] : [...iterate(a[0]!)])));
  b.set('frozenset', typeFn('frozenset', (a) => new PySet(a.length === 0 ? [] : [...iterate(a[0]!)], true)));
  b.set('dict', typeFn('dict', dictFrom));
  b.set('object', new PyClass('object', []));
  b.set('slice', typeFn('slice', (a) => (a.length === 1 ? new PySlice(null, a[0]!, null) : new PySlice(a[0] ?? null, a[1] ?? null, a[2] ?? null))));
  def('isinstance', (a) => (arity('isinstance', a, 2, 2), isInstance(a[0]!, a[1]!)));
  def('issubclass', (a) => {
    arity('issubclass', a, 2, 2);
    const [c, t] = a as [Value, Value];
    if (!(c instanceof PyClass)) throw new PyRaise('TypeError', 'issubclass() arg 1 must be a class');
    const ts = t instanceof PyTuple ? t.items : [t];
    return ts.some((x) => x instanceof PyClass && c.isSubclassOf(x));
  });
  def('type', (a) => {
    arity('type', a, 1, 1);
    const v = a[0]!;
    if (v instanceof PyInstance) return v.cls;
    for (const [f, n] of BUILTIN_TYPES) if (n === typeName(v)) return f;
    return typeClass(typeName(v).replace(/^numpy\./, ''));
  });
  def('callable', (a) => {
    const v = a[0]!;
    return v instanceof PyFunction || v instanceof HostFn || v instanceof BoundMethod || v instanceof PyClass
      || (v instanceof PyInstance && v.cls.lookup('__call__') !== undefined);
  });
  def('map', (a) => {
    arity('map', a, 2, Infinity);
    const f = a[0]!;
    const its = a.slice(1).map((x) => iterate(x));
    return new PyIter((function* () {
      for (;;) {
        const vals: Value[] = [];
        for (const it of its) {
          const r = it.next();
          if (r.done === true) return;
          vals.push(r.value);
        }
        yield runtime.call(f, vals);
      }
    })(), 'map');
  });
  def('filter', (a) => {
    arity('filter', a, 2, 2);
    const f = a[0]!;
    const it = iterate(a[1]!);
    return new PyIter((function* () {
      for (const v of it) if (truthy(f === null ? v : runtime.call(f, [v]))) yield v;
    })(), 'filter');
  });
  def('any', (a) => {
    for (const v of iterate(a[0]!)) if (truthy(v)) return true;
    return false;
  });
  def('all', (a) => {
    for (const v of iterate(a[0]!)) if (!truthy(v)) return false;
    return true;
  });
  def('hasattr', (a) => {
    try {
      getAttr(a[0]!, str(a[1]!));
      return true;
    } catch (e) {
      if ((e as { pyType?: string }).pyType === 'AttributeError') return false;
      throw e;
    }
  });
  def('getattr', (a) => {
    arity('getattr', a, 2, 3);
    try {
      return getAttr(a[0]!, str(a[1]!));
    } catch (e) {
      if (a.length === 3 && (e as { pyType?: string }).pyType === 'AttributeError') return a[2]!;
      throw e;
    }
  });
  def('setattr', (a) => {
    arity('setattr', a, 3, 3);
    runtime.setAttr(a[0]!, str(a[1]!), a[2]!);
    return null;
  });
  def('iter', (a) => {
    arity('iter', a, 1, 1);
    const v = a[0]!;
    return v instanceof PyIter ? v : new PyIter(iterate(v), `${typeName(v)}_iterator`);
  });
  def('next', (a) => {
    arity('next', a, 1, 2);
    const it = a[0]!;
    if (!(it instanceof PyIter)) throw new PyRaise('TypeError', `'${typeName(it)}' object is not an iterator`);
    const r = it.it.next();
    if (r.done === true) {
      if (a.length === 2) return a[1]!;
      throw new PyRaise('StopIteration', '');
    }
    return r.value;
  });
  def('repr', (a) => repr(a[0]!));
  def('format', (a) => (arity('format', a, 1, 2), formatValue(a[0]!, a[1] === undefined ? '' : str(a[1]))));
  def('chr', (a) => String.fromCodePoint(intOf(a[0]!, 'chr()')));
  def('ord', (a) => {
    const s = a[0]!;
    if (typeof s !== 'string' || [...s].length !== 1) throw new PyRaise('TypeError', 'ord() expected a character');
    return s.codePointAt(0)!;
  });
  def('divmod', (a) => {
    arity('divmod', a, 2, 2);
    return new PyTuple([binary('//', a[0]!, a[1]!), binary('%', a[0]!, a[1]!)]);
  });
  def('pow', (a) => {
    arity('pow', a, 2, 3);
    const r = binary('**', a[0]!, a[1]!);
    return a.length === 3 ? binary('%', r, a[2]!) : r;
  });
  def('id', (a) => Number(String(hashId(a[0]!)).slice(1)));
  def('hash', (a) => {
    const v = a[0]!;
    const n = numberOf(v);
    if (n !== null && typeof v !== 'string') return Math.trunc(n);
    let h = 0;
    for (const ch of repr(v)) h = (h * 31 + ch.charCodeAt(0)) | 0;
    return h;
  });
  def('input', () => {
    throw new PyRaise('NotSupported', '`input()` is not supported (the file runs without a terminal)');
  });
  def('open', () => {
    throw new PyRaise('NotSupported', '`open()` is not supported (the dialect has no file access)');
  });
  def('exec', () => {
    throw new PyRaise('NotSupported', '`exec()` is not supported');
  });
  def('eval', () => {
    throw new PyRaise('NotSupported', '`eval()` is not supported');
  });
  def('globals', () => {
    throw new PyRaise('NotSupported', '`globals()` is not supported');
  });
  def('vars', (a) => {
    const v = a[0];
    if (v instanceof PyInstance) {
      const d = new PyDict();
      for (const [k, x] of v.dict) d.set(k, x);
      return d;
    }
    throw new PyRaise('NotSupported', '`vars()` is supported only on instances');
  });
  b.set('super', SUPER);
  b.set('staticmethod', fn('staticmethod', (a) => wrap(STATICMETHOD, a[0]!)));
  b.set('classmethod', fn('classmethod', (a) => wrap(CLASSMETHOD, a[0]!)));
  b.set('property', fn('property', (a) => wrap(PROPERTY, a[0]!)));
  b.set('NotImplemented', null);
  b.set('Ellipsis', null);
  for (const [name, cls] of EXCEPTIONS) if (name !== 'NotSupported') b.set(name, cls);
  b.set('__dtype_call__', fn('dtype', (a) => runtime.dtypeCall(a[0] as PyDtype, a[1] ?? 0)));
  return b;
}

function wrap(marker: PyClass, f: Value): PyInstance {
  const w = new PyInstance(marker);
  w.dict.set('fn', f);
  return w;
}

function hashId(v: Value): string {
  return typeof v === 'object' && v !== null ? (objectIdOf(v)) : 'o' + String(v);
}

// ------------------------------------------------------------------ methods of built-in types

function method(self: Value, name: string, impl: (args: Value[], kwargs: Kw) => Value): HostFn {
  void self;
  return fn(name, impl);
}

/** `s.method`, `lst.method`, `d.method`, … for the built-in types; undefined if there is none. */
export function builtinAttr(obj: Value, name: string, getAttr: (v: Value, n: string) => Value): Value | undefined {
  if (typeof obj === 'string') return strMethod(obj, name, getAttr);
  if (obj instanceof PyList) return listMethod(obj, name);
  if (obj instanceof PyDict) return dictMethod(obj, name);
  if (obj instanceof PySet) return setMethod(obj, name);
  if (obj instanceof PyTuple) {
    if (name === 'index') return method(obj, name, (a) => indexOf(obj.items, a[0]!));
    if (name === 'count') return method(obj, name, (a) => obj.items.filter((x) => equals(x, a[0]!)).length);
    return undefined;
  }
  if (obj instanceof PyFloat) {
    if (name === 'is_integer') return method(obj, name, () => Number.isInteger(obj.v));
    if (name === 'real') return obj;
    if (name === 'imag') return float(0);
    return undefined;
  }
  if (typeof obj === 'number') {
    if (name === 'real') return obj;
    if (name === 'bit_length') return method(obj, name, () => (obj === 0 ? 0 : Math.floor(Math.log2(Math.abs(obj))) + 1));
    return undefined;
  }
  if (obj instanceof PyInstance && name === 'args') return obj.dict.get('args');
  if (obj instanceof PyModule) return obj.attrs.get(name);
  return undefined;
}

function indexOf(items: readonly Value[], v: Value, start = 0): number {
  for (let i = start; i < items.length; i++) if (equals(items[i]!, v)) return i;
  throw new PyRaise('ValueError', `${repr(v)} is not in list`);
}

function listMethod(l: PyList, name: string): Value | undefined {
  switch (name) {
    case 'append': return method(l, name, (a) => (arity('append', a, 1, 1), l.items.push(a[0]!), null));
    case 'extend': return method(l, name, (a) => (l.items.push(...toArray(a[0]!)), null));
    case 'insert': return method(l, name, (a) => {
      const n = l.items.length;
      let i = intOf(a[0]!, 'index');
      if (i < 0) i = Math.max(0, i + n);
      l.items.splice(Math.min(i, n), 0, a[1]!);
      return null;
    });
    case 'pop': return method(l, name, (a) => {
      if (l.items.length === 0) throw new PyRaise('IndexError', 'pop from empty list');
      const i = a.length === 0 ? l.items.length - 1 : intOf(a[0]!, 'index');
      const j = i < 0 ? i + l.items.length : i;
      if (j < 0 || j >= l.items.length) throw new PyRaise('IndexError', 'pop index out of range');
      return l.items.splice(j, 1)[0]!;
    });
    case 'remove': return method(l, name, (a) => {
      const i = l.items.findIndex((x) => equals(x, a[0]!));
      if (i < 0) throw new PyRaise('ValueError', 'list.remove(x): x not in list');
      l.items.splice(i, 1);
      return null;
    });
    case 'index': return method(l, name, (a) => indexOf(l.items, a[0]!, a[1] === undefined ? 0 : intOf(a[1], 'start')));
    case 'count': return method(l, name, (a) => l.items.filter((x) => equals(x, a[0]!)).length);
    case 'reverse': return method(l, name, () => (l.items.reverse(), null));
    case 'sort': return method(l, name, (_a, k) => {
      l.items = sortValues(l.items, k.get('key'), truthy(k.get('reverse') ?? false));
      return null;
    });
    case 'copy': return method(l, name, () => new PyList([...l.items]));
    case 'clear': return method(l, name, () => ((l.items = []), null));
    default: return undefined;
  }
}

function dictMethod(d: PyDict, name: string): Value | undefined {
  switch (name) {
    case 'keys': return method(d, name, () => new PyList(d.keys()));
    case 'values': return method(d, name, () => new PyList(d.values()));
    case 'items': return method(d, name, () => new PyList(d.entries().map(([k, v]) => new PyTuple([k, v]))));
    case 'get': return method(d, name, (a) => (arity('get', a, 1, 2), d.get(a[0]!) ?? a[1] ?? null));
    case 'pop': return method(d, name, (a) => {
      const v = d.get(a[0]!);
      if (v === undefined) {
        if (a.length > 1) return a[1]!;
        throw new PyRaise('KeyError', repr(a[0]!));
      }
      d.delete(a[0]!);
      return v;
    });
    case 'setdefault': return method(d, name, (a) => {
      const v = d.get(a[0]!);
      if (v !== undefined) return v;
      d.set(a[0]!, a[1] ?? null);
      return a[1] ?? null;
    });
    case 'update': return method(d, name, (a, k) => {
      const src = dictFrom(a, k);
      for (const [kk, v] of src.entries()) d.set(kk, v);
      return null;
    });
    case 'copy': return method(d, name, () => dictFrom([d], new Map()));
    case 'clear': return method(d, name, () => (d.map.clear(), null));
    case 'popitem': return method(d, name, () => {
      const e = d.entries().pop();
      if (e === undefined) throw new PyRaise('KeyError', "'popitem(): dictionary is empty'");
      d.delete(e[0]);
      return new PyTuple(e);
    });
    default: return undefined;
  }
}

function setMethod(s: PySet, name: string): Value | undefined {
  switch (name) {
    case 'add': return method(s, name, (a) => (s.add(a[0]!), null));
    case 'remove': return method(s, name, (a) => {
      if (!s.has(a[0]!)) throw new PyRaise('KeyError', repr(a[0]!));
      s.map.delete([...s.map.entries()].find(([, v]) => equals(v, a[0]!))![0]);
      return null;
    });
    case 'discard': return method(s, name, (a) => {
      const e = [...s.map.entries()].find(([, v]) => equals(v, a[0]!));
      if (e !== undefined) s.map.delete(e[0]);
      return null;
    });
    case 'update': return method(s, name, (a) => {
      for (const x of a) for (const v of iterate(x)) s.add(v);
      return null;
    });
    case 'union': return method(s, name, (a) => new PySet([...s.items(), ...a.flatMap((x) => [...iterate(x)])]));
    case 'intersection': return method(s, name, (a) => {
      const other = new PySet(iterate(a[0]!));
      return new PySet(s.items().filter((x) => other.has(x)));
    });
    case 'difference': return method(s, name, (a) => {
      const other = new PySet(iterate(a[0]!));
      return new PySet(s.items().filter((x) => !other.has(x)));
    });
    case 'issubset': return method(s, name, (a) => {
      const other = new PySet(iterate(a[0]!));
      return s.items().every((x) => other.has(x));
    });
    case 'copy': return method(s, name, () => new PySet(s.items()));
    case 'pop': return method(s, name, () => {
      const e = [...s.map.entries()][0];
      if (e === undefined) throw new PyRaise('KeyError', "'pop from an empty set'");
      s.map.delete(e[0]);
      return e[1];
    });
    default: return undefined;
  }
}

function strMethod(s: string, name: string, getAttr: (v: Value, n: string) => Value): Value | undefined {
  const m = (impl: Impl): HostFn => method(s, name, impl);
  switch (name) {
    case 'format': return m((a, k) => strFormat(s, a, k, getAttr));
    case 'join': return m((a) => toArray(a[0]!).map((x) => {
      if (typeof x !== 'string') throw new PyRaise('TypeError', `sequence item: expected str instance, ${typeName(x)} found`);
      return x;
    }).join(s));
    case 'split': return m((a, k) => {
      const sep = a[0] ?? k.get('sep') ?? null;
      const max = a[1] ?? k.get('maxsplit') ?? -1;
      const maxN = intOf(max, 'maxsplit');
      if (sep === null) {
        const parts = s.trim().split(/\s+/).filter((p) => p !== '');
        if (maxN >= 0 && parts.length > maxN + 1) {
          const head = parts.slice(0, maxN);
          let rest = s.trim();
          for (const h of head) rest = rest.slice(rest.indexOf(h) + h.length).replace(/^\s+/, '');
          return new PyList([...head, rest]);
        }
        return new PyList(parts);
      }
      const sp = str(sep);
      if (sp === '') throw new PyRaise('ValueError', 'empty separator');
      const parts = s.split(sp);
      if (maxN >= 0 && parts.length > maxN + 1) return new PyList([...parts.slice(0, maxN), parts.slice(maxN).join(sp)]);
      return new PyList(parts);
    });
    case 'strip': return m((a) => (a[0] === undefined || a[0] === null ? s.trim() : trimChars(s, str(a[0]), true, true)));
    case 'lstrip': return m((a) => (a[0] === undefined || a[0] === null ? s.replace(/^\s+/, '') : trimChars(s, str(a[0]), true, false)));
    case 'rstrip': return m((a) => (a[0] === undefined || a[0] === null ? s.replace(/\s+$/, '') : trimChars(s, str(a[0]), false, true)));
    case 'upper': return m(() => s.toUpperCase());
    case 'lower': return m(() => s.toLowerCase());
    case 'title': return m(() => s.replace(/\w\S*/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()));
    case 'capitalize': return m(() => (s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1).toLowerCase()));
    case 'replace': return m((a) => {
      const count = a[2] === undefined ? -1 : intOf(a[2], 'count');
      const from = str(a[0]!);
      const to = str(a[1]!);
      if (count < 0) return s.split(from).join(to);
      let out = s;
      let pos = 0;
      for (let i = 0; i < count; i++) {
        const j = out.indexOf(from, pos);
        if (j < 0) break;
        out = out.slice(0, j) + to + out.slice(j + from.length);
        pos = j + to.length;
      }
      return out;
    });
    case 'startswith': return m((a) => (a[0] instanceof PyTuple ? a[0].items.some((p) => s.startsWith(str(p))) : s.startsWith(str(a[0]!))));
    case 'endswith': return m((a) => (a[0] instanceof PyTuple ? a[0].items.some((p) => s.endsWith(str(p))) : s.endsWith(str(a[0]!))));
    case 'find': return m((a) => s.indexOf(str(a[0]!)));
    case 'rfind': return m((a) => s.lastIndexOf(str(a[0]!)));
    case 'index': return m((a) => {
      const i = s.indexOf(str(a[0]!));
      if (i < 0) throw new PyRaise('ValueError', 'substring not found');
      return i;
    });
    case 'count': return m((a) => s.split(str(a[0]!)).length - 1);
    case 'isdigit': return m(() => /^\d+$/.test(s));
    case 'isalpha': return m(() => /^[a-zA-Z]+$/.test(s));
    case 'isalnum': return m(() => /^[a-zA-Z0-9]+$/.test(s));
    case 'isspace': return m(() => /^\s+$/.test(s));
    case 'isupper': return m(() => /[A-Z]/.test(s) && s === s.toUpperCase());
    case 'islower': return m(() => /[a-z]/.test(s) && s === s.toLowerCase());
    case 'zfill': return m((a) => {
      const w = intOf(a[0]!, 'width');
      const sign = s.startsWith('-') || s.startsWith('+') ? s[0]! : '';
      return sign + s.slice(sign.length).padStart(w - sign.length, '0');
    });
    case 'center': return m((a) => formatValue(s, `${a[1] === undefined ? ' ' : str(a[1])}^${intOf(a[0]!, 'width')}`));
    case 'ljust': return m((a) => s.padEnd(intOf(a[0]!, 'width'), a[1] === undefined ? ' ' : str(a[1])));
    case 'rjust': return m((a) => s.padStart(intOf(a[0]!, 'width'), a[1] === undefined ? ' ' : str(a[1])));
    case 'splitlines': return m(() => new PyList(s.split(/\r?\n/).filter((x, i, arr) => i < arr.length - 1 || x !== '')));
    case 'encode': return undefined;
    default: return undefined;
  }
}

function trimChars(s: string, chars: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = s.length;
  if (left) while (a < b && chars.includes(s[a]!)) a++;
  if (right) while (b > a && chars.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}
