/**
 * The interpreter's runtime values. Python `int` is a JS number holding an integer, `float` a
 * PyFloat box (so `1` and `1.0` print differently), `bool` a JS boolean, `None` null, `str` a JS
 * string; containers, functions, classes and numpy arrays are the classes below.
 */
import type { FunctionInfo } from './ast.js';
import { PyRaise } from './errors.js';
import type { NdArray } from './ndarray.js';

/** Any interpreter value. */
export type Value =
  | number | boolean | string | null
  | PyFloat | PyList | PyTuple | PyDict | PySet | PyRange | PyIter | PySlice | PyEllipsis
  | PyFunction | HostFn | BoundMethod | PyClass | PyInstance | PyModule | PySuper | NdArray | PyDtype;

/** A Python float. */
export class PyFloat {
  constructor(readonly v: number) {}
}

/** A Python list: a mutable array. */
export class PyList {
  constructor(public items: Value[]) {}
}

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: readonly Value[]) {}
}

/** A key usable in a JS Map: ints/floats/bools by value, strings, None, tuples by content. */
export function hashKey(v: Value): string | number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return 's' + v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null) return 'None';
  if (v instanceof PyFloat) return v.v;
  if (v instanceof PyTuple) return 't(' + v.items.map((i) => String(hashKey(i))).join(',') + ')';
  if (v instanceof PyList || v instanceof PyDict || v instanceof PySet) throw new PyRaise('TypeError', `unhashable type: '${typeName(v)}'`);
  if (typeof v === 'object' && 'isNdArray' in v) {
    if ((v as NdArray).shape.length === 0) return (v as NdArray).tensor.storage[0]!;
    throw new PyRaise('TypeError', "unhashable type: 'numpy.ndarray'");
  }
  return objectId(v);
}

const ids = new WeakMap<object, string>();
let nextObjectId = 1;
/** A stable identity string for objects hashed by identity (functions, instances, classes). */
export function objectId(v: object): string {
  let id = ids.get(v);
  if (id === undefined) {
    id = 'o' + nextObjectId++;
    ids.set(v, id);
  }
  return id;
}

/** A Python dict: insertion-ordered, keys hashed by value. */
export class PyDict {
  readonly map = new Map<string | number, [Value, Value]>();
  /** collections.defaultdict's factory: called (and its value stored) when a missing key is read. */
  defaultFactory: Value = null;
  get(k: Value): Value | undefined {
    return this.map.get(hashKey(k))?.[1];
  }
  set(k: Value, v: Value): void {
    const h = hashKey(k);
    const e = this.map.get(h);
    if (e !== undefined) e[1] = v;
    else this.map.set(h, [k, v]);
  }
  has(k: Value): boolean {
    return this.map.has(hashKey(k));
  }
  delete(k: Value): boolean {
    return this.map.delete(hashKey(k));
  }
  keys(): Value[] {
    return [...this.map.values()].map((e) => e[0]);
  }
  values(): Value[] {
    return [...this.map.values()].map((e) => e[1]);
  }
  entries(): [Value, Value][] {
    return [...this.map.values()].map((e) => [e[0], e[1]]);
  }
  get size(): number {
    return this.map.size;
  }
}

/** A Python set. */
export class PySet {
  readonly map = new Map<string | number, Value>();
  constructor(items: Iterable<Value> = [], readonly frozen = false) {
    for (const i of items) this.add(i);
  }
  add(v: Value): void {
    this.map.set(hashKey(v), v);
  }
  has(v: Value): boolean {
    return this.map.has(hashKey(v));
  }
  items(): Value[] {
    return [...this.map.values()];
  }
}

/** range(start, stop, step). */
export class PyRange {
  constructor(readonly start: number, readonly stop: number, readonly step: number) {}
  get length(): number {
    const n = Math.ceil((this.stop - this.start) / this.step);
    return n > 0 ? n : 0;
  }
  at(i: number): number {
    return this.start + i * this.step;
  }
}

/** A one-shot iterator (zip, map, enumerate, iter(list), dict views' iterators…). */
export class PyIter {
  constructor(readonly it: Iterator<Value>, readonly kind = 'iterator') {}
}

/** slice(lo, hi, step) as an object (from `slice(…)`; subscripts build it directly). */
export class PySlice {
  constructor(readonly lo: Value, readonly hi: Value, readonly step: Value) {}
}

/** The `...` singleton. */
export class PyEllipsis {
  static readonly instance = new PyEllipsis();
}

/** A numpy dtype object (`np.float64`, `x.dtype`): callable to convert a scalar. */
export class PyDtype {
  constructor(readonly name: 'float64' | 'float32' | 'int64' | 'bool') {}
}

/** A lexical scope: a function call's locals, a comprehension's variables, or the module globals. */
export class Scope {
  constructor(
    readonly vars: Map<string, Value>,
    readonly parent: Scope | null,
    /** Names local to this function (assigned in it); null for module and comprehension scopes. */
    readonly locals: ReadonlySet<string> | null,
  ) {}
}

/** A Python function (def or lambda) closed over its defining scope. */
export class PyFunction {
  /** The class whose body defined it (for zero-argument `super()`). */
  definingClass: PyClass | null = null;
  constructor(
    readonly info: FunctionInfo,
    readonly defaults: readonly (Value | undefined)[],
    readonly closure: Scope | null,
    readonly globals: Map<string, Value>,
    readonly filename: string,
    readonly qualname: string,
  ) {}
}

/** The call-site information a host function receives (see host.ts CallContext). */
export type HostImpl = (args: Value[], kwargs: Map<string, Value>, ctx: unknown) => Value;

/** A function implemented in TypeScript. */
export class HostFn {
  constructor(readonly name: string, readonly impl: HostImpl) {}
}

/** A function bound to its first argument (`obj.method`). */
export class BoundMethod {
  constructor(readonly self: Value, readonly fn: Value, readonly name: string) {}
}

/** A Python class (user-defined or a built-in exception). */
export class PyClass {
  readonly dict = new Map<string, Value>();
  readonly mro: PyClass[];
  constructor(readonly name: string, readonly bases: readonly PyClass[], readonly builtinException = false) {
    const mro: PyClass[] = [this];
    for (const b of bases) for (const c of b.mro) if (!mro.includes(c)) mro.push(c);
    this.mro = mro;
  }
  lookup(name: string): Value | undefined {
    for (const c of this.mro) {
      const v = c.dict.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  isSubclassOf(other: PyClass): boolean {
    return this.mro.includes(other);
  }
}

/** An instance of a PyClass (exceptions included: their `args` live in `dict`). */
export class PyInstance {
  readonly dict = new Map<string, Value>();
  constructor(readonly cls: PyClass) {}
}

/** `super()` bound to a class and an instance. */
export class PySuper {
  constructor(readonly cls: PyClass, readonly self: Value) {}
}

/** An imported module. */
export class PyModule {
  constructor(readonly name: string, readonly attrs: Map<string, Value>) {}
}

/** The Python type name of a value, as `type(x).__name__` says it. */
export function typeName(v: Value): string {
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'number': return 'int';
    case 'boolean': return 'bool';
    case 'string': return 'str';
    default: break;
  }
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyList) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PySet) return v.frozen ? 'frozenset' : 'set';
  if (v instanceof PyRange) return 'range';
  if (v instanceof PyIter) return v.kind;
  if (v instanceof PySlice) return 'slice';
  if (v instanceof PyEllipsis) return 'ellipsis';
  if (v instanceof PyFunction) return 'function';
  if (v instanceof HostFn) return 'builtin_function_or_method';
  if (v instanceof BoundMethod) return 'method';
  if (v instanceof PyClass) return 'type';
  if (v instanceof PyInstance) return v.cls.name;
  if (v instanceof PyModule) return 'module';
  if (v instanceof PySuper) return 'super';
  if (v instanceof PyDtype) return 'numpy.dtype';
  if ((v as NdArray).isNdArray) return (v as NdArray).isScalar ? `numpy.${(v as NdArray).dtype}` : 'numpy.ndarray';
  return 'object';
}
