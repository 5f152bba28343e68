/**
 * The evaluator: walks the AST of ./ast.ts over the values of ./values.ts. Statements return a
 * completion code (normal, break, continue, return) instead of throwing, names resolve through
 * Map lookups along the lexical scope chain, and tracing (for tapegrad.verify) costs one branch
 * per statement when nobody listens.
 */
import type { Arg, Expr, FPart, FunctionInfo, Module, Stmt, TraceInfo } from './ast.js';
import { PyError, PyRaise, positionOf } from './errors.js';
import { formatNumber, formatString } from './format.js';
import { NdArray } from './ndarray.js';
import {
  BASE_EXCEPTION, binary, compare, equals, float, isArray, iterate, numberOf, repr, runtime, str, toArray, truthy, unary,
} from './pyops.js';
import {
  BoundMethod, HostFn, PyClass, PyDict, PyDtype, PyEllipsis, PyFloat, PyFunction, PyInstance, PyList, PyModule,
  PyRange, PySet, PySlice, PySuper, PyTuple, Scope, typeName, type Value,
} from './values.js';

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
const RETURN = 3;
type Completion = 0 | 1 | 2 | 3;

/** A trace event (see host.ts StatementEvent). */
export interface TraceEvent {
  readonly line: number;
  readonly endLine: number;
  readonly text: string;
  readonly kind: 'assign' | 'augassign' | 'return' | 'expr' | 'other';
  readonly assigned: ReadonlyArray<{ target: string; value: Value }>;
  readonly reads: ReadonlyArray<{ name: string; value: Value }>;
  readonly frame: { readonly functionName: string; readonly callId: number; readonly depth: number };
}

interface Tracer {
  readonly listener: (e: TraceEvent) => void;
  readonly baseDepth: number;
}

/** One executing code block: its scope, the function it belongs to (null at module level) and return slot. */
interface Frame {
  readonly scope: Scope;
  readonly info: FunctionInfo | null;
  readonly fn: PyFunction | null;
  readonly file: FileInfo;
  readonly callId: number;
  readonly depth: number;
  ret: Value;
}

/** A source file: what positions and trace text need. */
export interface FileInfo {
  readonly filename: string;
  readonly source: string;
  readonly lineStarts: readonly number[];
}

/** Resolves `import name` to a module object (the registry lives in modules.ts). */
export type ModuleLoader = (name: string) => PyModule | null;

/** Attribute access on built-in types (lists, dicts, str, arrays), provided by builtins/numpy. */
export type AttrProvider = (obj: Value, name: string) => Value | undefined;

/** Built-in exception classes by name. */
export const EXCEPTIONS = new Map<string, PyClass>([['BaseException', BASE_EXCEPTION]]);
function exceptionClass(name: string, base: string): PyClass {
  const c = new PyClass(name, [EXCEPTIONS.get(base)!], true);
  EXCEPTIONS.set(name, c);
  return c;
}
exceptionClass('Exception', 'BaseException');
exceptionClass('KeyboardInterrupt', 'BaseException');
exceptionClass('SystemExit', 'BaseException');
for (const [n, b] of [
  ['ArithmeticError', 'Exception'], ['ZeroDivisionError', 'ArithmeticError'], ['OverflowError', 'ArithmeticError'],
  ['FloatingPointError', 'ArithmeticError'], ['LookupError', 'Exception'], ['IndexError', 'LookupError'], ['KeyError', 'LookupError'],
  ['NameError', 'Exception'], ['UnboundLocalError', 'NameError'], ['TypeError', 'Exception'], ['ValueError', 'Exception'],
  ['AttributeError', 'Exception'], ['RuntimeError', 'Exception'], ['RecursionError', 'RuntimeError'],
  ['NotImplementedError', 'RuntimeError'], ['AssertionError', 'Exception'], ['StopIteration', 'Exception'],
  ['ImportError', 'Exception'], ['ModuleNotFoundError', 'ImportError'], ['SyntaxError', 'Exception'],
  ['NotSupported', 'Exception'], ['OSError', 'Exception'], ['FileNotFoundError', 'OSError'], ['UserWarning', 'Exception'],
  ['LinAlgError', 'ValueError'], ['AxisError', 'ValueError'], ['UFuncTypeError', 'TypeError'],
] as const) exceptionClass(n, b);

/** Makes a Python exception instance of the named built-in class. */
export function exceptionInstance(cls: PyClass, args: readonly Value[]): PyInstance {
  const e = new PyInstance(cls);
  e.dict.set('args', new PyTuple(args));
  return e;
}

/** The interpreter: globals of one run, builtins, modules, stdout, tracing. */
export class Interpreter {
  readonly globals = new Map<string, Value>();
  readonly moduleScope: Scope;
  private tracers: Tracer[] = [];
  private depth = 0;
  private nextCallId = 1;
  private assigned: { target: string; value: Value }[] | null = null;
  /** The innermost frame running now (host functions read it for their call context). */
  current: Frame;
  /** The node being evaluated when a host function was called (for its line/column). */
  callAt = 0;

  constructor(
    readonly file: FileInfo,
    readonly builtins: Map<string, Value>,
    readonly loadModule: ModuleLoader,
    readonly attrOf: AttrProvider,
    readonly setAttrOf: (obj: Value, name: string, v: Value) => boolean,
    readonly makeContext: (interp: Interpreter, at: number, file: FileInfo) => unknown,
  ) {
    this.moduleScope = new Scope(this.globals, null, null);
    this.current = { scope: this.moduleScope, info: null, fn: null, file, callId: 0, depth: 0, ret: null };
    runtime.call = (fn, args, kwargs) => this.call(fn, args, kwargs ?? null, this.callAt);
  }

  // ---------------------------------------------------------------- errors

  /** A PyError at `at` in the current file. */
  error(pyType: string, message: string, at: number, file: FileInfo = this.current.file): PyError {
    const { line, column } = positionOf(file.lineStarts, at);
    const e = new PyError(pyType, message, file.filename, line, column);
    const cls = EXCEPTIONS.get(pyType);
    if (cls !== undefined) e.pyValue = exceptionInstance(cls, [message]);
    return e;
  }

  /** Any error thrown while evaluating the node at `at`, as a located PyError. */
  locate(e: unknown, at: number): PyError {
    if (e instanceof PyError) return e;
    if (e instanceof PyRaise) {
      const err = this.error(e.pyType, e.message, at);
      if (e.pyValue !== undefined) err.pyValue = e.pyValue;
      return err;
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) return this.error('RecursionError', 'maximum recursion depth exceeded', at);
    const msg = e instanceof Error ? e.message : String(e);
    return this.error('ValueError', msg, at);
  }

  // ---------------------------------------------------------------- running

  /** Runs a module's statements in the globals. */
  runModule(mod: Module): void {
    const frame = this.current;
    this.globals.set('__name__', '__main__');
    this.globals.set('__file__', mod.filename);
    const c = this.execBlock(mod.body, frame);
    if (c === BREAK || c === CONTINUE) throw this.error('SyntaxError', "'break' or 'continue' outside loop", 0);
    if (c === RETURN) throw this.error('SyntaxError', "'return' outside function", 0);
  }

  /** Calls `listener` for every statement run inside Python functions during `body`. */
  trace<T>(listener: (e: TraceEvent) => void, body: () => T): T {
    const tracer: Tracer = { listener, baseDepth: this.depth };
    this.tracers = [...this.tracers, tracer];
    try {
      return body();
    } finally {
      this.tracers = this.tracers.filter((t) => t !== tracer);
    }
  }

  execBlock(stmts: readonly Stmt[], f: Frame): Completion {
    for (let i = 0; i < stmts.length; i++) {
      const c = this.exec(stmts[i]!, f);
      if (c !== NORMAL) return c;
    }
    return NORMAL;
  }

  private exec(s: Stmt, f: Frame): Completion {
    if (this.tracers.length > 0 && f.info !== null && 'trace' in s) return this.execTraced(s, f);
    return this.execPlain(s, f);
  }

  private snapshot(v: Value): Value {
    return v instanceof NdArray ? new NdArray(v.tensor, v.dtype, v.isScalar) : v;
  }

  private execTraced(s: Stmt & { trace: TraceInfo }, f: Frame): Completion {
    const t = s.trace;
    const reads: { name: string; value: Value }[] = [];
    for (const name of t.reads) {
      const v = this.lookupSoft(name, f.scope);
      if (v === undefined || v instanceof PyModule || v instanceof HostFn || v instanceof PyFunction || v instanceof PyClass) continue;
      reads.push({ name, value: this.snapshot(v) });
    }
    const outer = this.assigned;
    const assigned: { target: string; value: Value }[] = [];
    this.assigned = assigned;
    let c: Completion;
    try {
      c = this.execPlain(s, f);
    } finally {
      this.assigned = outer;
    }
    if (s.k === 'return') assigned.push({ target: '<return>', value: this.snapshot(f.ret) });
    const event: TraceEvent = {
      line: t.line, endLine: t.endLine, text: t.text, kind: t.kind, assigned, reads,
      frame: { functionName: f.info!.name, callId: f.callId, depth: 0 },
    };
    for (const tr of this.tracers) {
      if (f.depth <= tr.baseDepth) continue;
      tr.listener({ ...event, frame: { ...event.frame, depth: f.depth - tr.baseDepth - 1 } });
    }
    return c;
  }

  private execPlain(s: Stmt, f: Frame): Completion {
    switch (s.k) {
      case 'expr':
        this.eval(s.e, f);
        return NORMAL;
      case 'assign': {
        const v = this.eval(s.value, f);
        for (let i = 0; i < s.targets.length; i++) this.assign(s.targets[i]!, v, f);
        return NORMAL;
      }
      case 'aug':
        this.augAssign(s, f);
        return NORMAL;
      case 'return':
        f.ret = s.value === null ? null : this.eval(s.value, f);
        return RETURN;
      case 'if':
        for (let i = 0; i < s.branches.length; i++) {
          const [test, body] = s.branches[i]!;
          if (this.truth(this.eval(test, f), test.at)) return this.execBlock(body, f);
        }
        return s.orelse === null ? NORMAL : this.execBlock(s.orelse, f);
      case 'for':
        return this.execFor(s, f);
      case 'while': {
        while (this.truth(this.eval(s.test, f), s.test.at)) {
          const c = this.execBlock(s.body, f);
          if (c === BREAK) return NORMAL;
          if (c === RETURN) return c;
        }
        return s.orelse === null ? NORMAL : this.execBlock(s.orelse, f);
      }
      case 'pass':
        return NORMAL;
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
      case 'def': {
        let fn: Value = this.makeFunction(s.fn, f);
        for (let i = s.decorators.length - 1; i >= 0; i--) fn = this.call(this.eval(s.decorators[i]!, f), [fn], null, s.decorators[i]!.at);
        this.storeName(s.fn.name, fn, f);
        return NORMAL;
      }
      case 'class':
        this.execClass(s, f);
        return NORMAL;
      case 'global':
      case 'nonlocal':
        if (f.info === null && s.k === 'nonlocal') throw this.error('SyntaxError', 'nonlocal declaration not allowed at module level', s.at);
        return NORMAL;
      case 'assert':
        if (!truthy(this.eval(s.test, f))) {
          const msg = s.msg === null ? '' : str(this.eval(s.msg, f));
          throw this.error('AssertionError', msg, s.at);
        }
        return NORMAL;
      case 'raise':
        throw this.raise(s, f);
      case 'try':
        return this.execTry(s, f);
      case 'import':
        for (const { module, as } of s.names) {
          const mod = this.importModule(module, s.at);
          if (as !== null) this.storeName(as, mod, f);
          else this.storeName(module.split('.')[0]!, this.importModule(module.split('.')[0]!, s.at), f);
        }
        return NORMAL;
      case 'from': {
        if (s.module === '__future__') return NORMAL;
        const mod = this.importModule(s.module, s.at);
        if (s.names === '*') {
          for (const [k, v] of mod.attrs) if (!k.startsWith('_')) this.storeName(k, v, f);
          return NORMAL;
        }
        for (const { name, as } of s.names) {
          let v = mod.attrs.get(name);
          if (v === undefined) {
            const sub = this.loadModule(`${s.module}.${name}`);
            if (sub !== null) v = sub;
          }
          if (v === undefined) throw this.error('ImportError', `cannot import name '${name}' from '${s.module}'`, s.at);
          this.storeName(as ?? name, v, f);
        }
        return NORMAL;
      }
      case 'del':
        for (const t of s.targets) this.del(t, f);
        return NORMAL;
      default:
        throw this.error('NotSupported', 'this statement is not supported', (s as Stmt).at);
    }
  }

  private importModule(name: string, at: number): PyModule {
    const mod = this.loadModule(name);
    if (mod === null) {
      throw this.error(name.startsWith('numpy') || name.startsWith('matplotlib') || name.startsWith('tensorflow') || name.startsWith('keras') ? 'NotSupported' : 'ModuleNotFoundError',
        `No module named '${name}' in the tapegrad numpy dialect`, at);
    }
    return mod;
  }

  private truth(v: Value, at: number): boolean {
    try {
      return truthy(v);
    } catch (e) {
      throw this.locate(e, at);
    }
  }

  private execFor(s: Extract<Stmt, { k: 'for' }>, f: Frame): Completion {
    const iterable = this.eval(s.iter, f);
    const body = s.body;
    // Fast path: `for i in range(…)` with a plain name target.
    if (iterable instanceof PyRange && s.target.k === 'name') {
      const n = iterable.length;
      for (let i = 0; i < n; i++) {
        this.storeName(s.target.id, iterable.start + i * iterable.step, f);
        const c = this.execBlock(body, f);
        if (c === BREAK) return NORMAL;
        if (c === RETURN) return c;
      }
      return s.orelse === null ? NORMAL : this.execBlock(s.orelse, f);
    }
    let it: Generator<Value, void, undefined>;
    try {
      it = iterate(iterable);
    } catch (e) {
      throw this.locate(e, s.iter.at);
    }
    for (;;) {
      let r: IteratorResult<Value, void>;
      try {
        r = it.next();
      } catch (e) {
        throw this.locate(e, s.iter.at);
      }
      if (r.done === true) break;
      this.assign(s.target, r.value, f);
      const c = this.execBlock(body, f);
      if (c === BREAK) return NORMAL;
      if (c === RETURN) return c;
    }
    return s.orelse === null ? NORMAL : this.execBlock(s.orelse, f);
  }

  private raise(s: Extract<Stmt, { k: 'raise' }>, f: Frame): PyError {
    if (s.exc === null) {
      const active = this.handling[this.handling.length - 1];
      if (active === undefined) return this.error('RuntimeError', 'No active exception to reraise', s.at);
      return active;
    }
    let v = this.eval(s.exc, f);
    if (v instanceof PyClass) v = this.call(v, [], null, s.exc.at);
    if (!(v instanceof PyInstance) || !v.cls.isSubclassOf(BASE_EXCEPTION)) {
      return this.error('TypeError', 'exceptions must derive from BaseException', s.at);
    }
    const e = this.error(v.cls.name, str(v), s.at);
    e.pyValue = v;
    return e;
  }

  private handling: PyError[] = [];

  private execTry(s: Extract<Stmt, { k: 'try' }>, f: Frame): Completion {
    let c: Completion = NORMAL;
    try {
      try {
        c = this.execBlock(s.body, f);
      } catch (e) {
        if (s.handlers.length === 0) throw e;
        const err = e instanceof PyError ? e : this.locate(e, s.at);
        if (err.pyType === 'SyntaxError' || err.pyType === 'NotSupported') throw err;
        const value = this.exceptionValue(err);
        for (const h of s.handlers) {
          if (h.type !== null && !this.matches(value, this.eval(h.type, f))) continue;
          if (h.name !== null) this.storeName(h.name, value, f);
          this.handling.push(err);
          try {
            return this.execBlock(h.body, f);
          } finally {
            this.handling.pop();
          }
        }
        throw err;
      }
      if (c === NORMAL && s.orelse !== null) c = this.execBlock(s.orelse, f);
      return c;
    } finally {
      if (s.final !== null) {
        const fc = this.execBlock(s.final, f);
        if (fc !== NORMAL) c = fc;
      }
    }
  }

  private exceptionValue(err: PyError): PyInstance {
    if (err.pyValue instanceof PyInstance) return err.pyValue;
    const cls = EXCEPTIONS.get(err.pyType) ?? EXCEPTIONS.get('Exception')!;
    const v = exceptionInstance(cls, [err.pyMessage]);
    err.pyValue = v;
    return v;
  }

  private matches(v: PyInstance, type: Value): boolean {
    if (type instanceof PyTuple) return type.items.some((t) => this.matches(v, t));
    if (type instanceof PyClass) return v.cls.isSubclassOf(type);
    throw new PyRaise('TypeError', 'catching classes that do not inherit from BaseException is not allowed');
  }

  private execClass(s: Extract<Stmt, { k: 'class' }>, f: Frame): void {
    const bases = s.bases.map((b) => this.eval(b, f)).filter((b) => !(b instanceof PyModule)) as Value[];
    for (const b of bases) if (!(b instanceof PyClass)) throw this.error('TypeError', `a class can only inherit from classes, not '${typeName(b)}'`, s.at);
    const basesC = bases as PyClass[];
    const cls = new PyClass(s.name, basesC.length === 0 ? [] : basesC, basesC.some((b) => b.builtinException));
    const scope = new Scope(cls.dict, f.scope, null);
    // The class body runs in its own namespace; its functions close over the enclosing scope.
    const frame: Frame = { scope, info: null, fn: null, file: f.file, callId: f.callId, depth: f.depth, ret: null };
    this.classBody = { cls, outer: f.scope };
    try {
      this.execBlock(s.body, frame);
    } finally {
      this.classBody = null;
    }
    let v: Value = cls;
    for (let i = s.decorators.length - 1; i >= 0; i--) v = this.call(this.eval(s.decorators[i]!, f), [v], null, s.at);
    this.storeName(s.name, v, f);
  }

  private classBody: { cls: PyClass; outer: Scope } | null = null;

  private makeFunction(info: FunctionInfo, f: Frame): PyFunction {
    const defaults = info.params.map((p) => (p.dflt === null ? undefined : this.eval(p.dflt, f)));
    const inClass = this.classBody !== null && f.scope.vars === this.classBody.cls.dict;
    const closure = inClass ? this.classBody!.outer : f.scope;
    const qual = inClass ? `${this.classBody!.cls.name}.${info.name}` : info.name;
    const fn = new PyFunction(info, defaults, closure, this.globals, f.file.filename, qual);
    if (inClass) fn.definingClass = this.classBody!.cls;
    return fn;
  }

  // ---------------------------------------------------------------- names

  private lookupSoft(name: string, scope: Scope): Value | undefined {
    for (let s: Scope | null = scope; s !== null; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    return this.builtins.get(name);
  }

  private lookup(name: string, f: Frame, at: number): Value {
    const scope = f.scope;
    const own = scope.vars.get(name);
    if (own !== undefined) return own;
    if (scope.locals !== null && scope.locals.has(name) && f.info !== null && !f.info.globals.has(name)) {
      throw this.error('UnboundLocalError', `cannot access local variable '${name}' where it is not associated with a value`, at);
    }
    if (f.info !== null && f.info.globals.has(name)) {
      const g = this.globals.get(name) ?? this.builtins.get(name);
      if (g === undefined) throw this.error('NameError', `name '${name}' is not defined`, at);
      return g;
    }
    for (let s = scope.parent; s !== null; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    const b = this.builtins.get(name);
    if (b !== undefined) return b;
    throw this.error('NameError', `name '${name}' is not defined`, at);
  }

  private storeName(name: string, v: Value, f: Frame): void {
    const info = f.info;
    if (info !== null) {
      if (info.globals.has(name)) {
        this.globals.set(name, v);
        return;
      }
      if (info.nonlocals.has(name)) {
        for (let s = f.scope.parent; s !== null; s = s.parent) {
          if (s.vars.has(name) && s !== this.moduleScope) {
            s.vars.set(name, v);
            return;
          }
        }
        throw this.error('SyntaxError', `no binding for nonlocal '${name}' found`, info.at);
      }
    }
    f.scope.vars.set(name, v);
  }

  // ---------------------------------------------------------------- assignment

  private assign(t: Expr, v: Value, f: Frame): void {
    switch (t.k) {
      case 'name':
        this.storeName(t.id, v, f);
        if (this.assigned !== null) this.assigned.push({ target: t.id, value: this.snapshot(v) });
        return;
      case 'sub': {
        const obj = this.eval(t.obj, f);
        const idx = this.eval(t.index, f);
        try {
          this.setItem(obj, idx, v);
        } catch (e) {
          throw this.locate(e, t.at);
        }
        if (this.assigned !== null) {
          if (obj instanceof NdArray) this.assigned.push({ target: this.textOf(t.obj, f), value: this.snapshot(obj) });
          else this.assigned.push({ target: f.file.source.slice(t.at, t.end), value: this.snapshot(v) });
        }
        return;
      }
      case 'attr': {
        const obj = this.eval(t.obj, f);
        try {
          this.setAttr(obj, t.name, v);
        } catch (e) {
          throw this.locate(e, t.at);
        }
        if (this.assigned !== null) this.assigned.push({ target: f.file.source.slice(t.at, t.end), value: this.snapshot(v) });
        return;
      }
      case 'tuple':
      case 'list':
        this.unpack(t.items, v, f, t.at);
        return;
      case 'star':
        throw this.error('SyntaxError', 'starred assignment target must be in a list or tuple', t.at);
      default:
        throw this.error('SyntaxError', 'cannot assign to expression', t.at);
    }
  }

  private textOf(e: Expr, f: Frame): string {
    if (e.k === 'name') return e.id;
    if (e.k === 'attr' || e.k === 'sub') return f.file.source.slice(e.at, e.end);
    return '<expr>';
  }

  private unpack(targets: readonly Expr[], v: Value, f: Frame, at: number): void {
    let items: readonly Value[];
    try {
      items = toArray(v);
    } catch (e) {
      if (e instanceof PyRaise && e.pyType === 'TypeError') throw this.error('TypeError', `cannot unpack non-iterable ${typeName(v)} object`, at);
      throw this.locate(e, at);
    }
    const star = targets.findIndex((t) => t.k === 'star');
    if (star < 0) {
      if (items.length !== targets.length) {
        throw this.error('ValueError', items.length > targets.length
          ? `too many values to unpack (expected ${targets.length})`
          : `not enough values to unpack (expected ${targets.length}, got ${items.length})`, at);
      }
      for (let i = 0; i < targets.length; i++) this.assign(targets[i]!, items[i]!, f);
      return;
    }
    const after = targets.length - star - 1;
    if (items.length < targets.length - 1) {
      throw this.error('ValueError', `not enough values to unpack (expected at least ${targets.length - 1}, got ${items.length})`, at);
    }
    for (let i = 0; i < star; i++) this.assign(targets[i]!, items[i]!, f);
    this.assign((targets[star] as { e: Expr }).e, new PyList(items.slice(star, items.length - after)), f);
    for (let i = 0; i < after; i++) this.assign(targets[star + 1 + i]!, items[items.length - after + i]!, f);
  }

  private augAssign(s: Extract<Stmt, { k: 'aug' }>, f: Frame): void {
    const t = s.target;
    const rhs = this.eval(s.value, f);
    const op = s.op;
    if (t.k === 'name') {
      const cur = this.lookup(t.id, f, t.at);
      const v = this.inplace(op, cur, rhs, s.at);
      this.storeName(t.id, v, f);
      if (this.assigned !== null) this.assigned.push({ target: t.id, value: this.snapshot(v) });
      return;
    }
    if (t.k === 'attr') {
      const obj = this.eval(t.obj, f);
      const cur = this.getAttr(obj, t.name, t.at);
      const v = this.inplace(op, cur, rhs, s.at);
      try {
        this.setAttr(obj, t.name, v);
      } catch (e) {
        throw this.locate(e, t.at);
      }
      if (this.assigned !== null) this.assigned.push({ target: f.file.source.slice(t.at, t.end), value: this.snapshot(v) });
      return;
    }
    if (t.k === 'sub') {
      const obj = this.eval(t.obj, f);
      const idx = this.eval(t.index, f);
      let v: Value;
      try {
        const cur = this.getItem(obj, idx);
        v = this.inplace(op, cur, rhs, s.at);
        this.setItem(obj, idx, v);
      } catch (e) {
        throw this.locate(e, s.at);
      }
      if (this.assigned !== null) {
        if (obj instanceof NdArray) this.assigned.push({ target: this.textOf(t.obj, f), value: this.snapshot(obj) });
        else this.assigned.push({ target: f.file.source.slice(t.at, t.end), value: this.snapshot(v) });
      }
      return;
    }
    throw this.error('SyntaxError', "illegal expression for augmented assignment", s.at);
  }

  /** `a op= b`: numpy arrays and lists change in place (every alias sees it); other values rebind. */
  private inplace(op: string, cur: Value, rhs: Value, at: number): Value {
    try {
      if (cur instanceof NdArray && !cur.isScalar) return runtime.arrayBinary(op + '=', cur, rhs);
      if (cur instanceof PyList && op === '+') {
        cur.items.push(...toArray(rhs));
        return cur;
      }
      if (cur instanceof PyInstance) {
        const names: Record<string, string> = { '+': 'iadd', '-': 'isub', '*': 'imul', '/': 'itruediv' };
        const m = names[op] === undefined ? undefined : cur.cls.lookup(`__${names[op]}__`);
        if (m !== undefined) return this.call(m, [cur, rhs], null, at);
      }
      return binary(op, cur, rhs);
    } catch (e) {
      throw this.locate(e, at);
    }
  }

  private del(t: Expr, f: Frame): void {
    if (t.k === 'name') {
      if (!f.scope.vars.delete(t.id) && !this.globals.delete(t.id)) throw this.error('NameError', `name '${t.id}' is not defined`, t.at);
      return;
    }
    if (t.k === 'sub') {
      const obj = this.eval(t.obj, f);
      const idx = this.eval(t.index, f);
      if (obj instanceof PyDict) {
        if (!obj.delete(idx)) throw this.error('KeyError', repr(idx), t.at);
        return;
      }
      if (obj instanceof PyList) {
        if (idx instanceof PySlice) {
          const { start, step, len } = sliceOf(idx, obj.items.length);
          const drop = new Set(Array.from({ length: len }, (_, i) => start + i * step));
          obj.items = obj.items.filter((_, i) => !drop.has(i));
          return;
        }
        const i = normIndex(numberOf(idx) ?? NaN, obj.items.length, 'list assignment');
        obj.items.splice(i, 1);
        return;
      }
    }
    if (t.k === 'attr') {
      const obj = this.eval(t.obj, f);
      if (obj instanceof PyInstance && obj.dict.delete(t.name)) return;
    }
    if (t.k === 'tuple' || t.k === 'list') {
      for (const i of t.items) this.del(i, f);
      return;
    }
    throw this.error('NotSupported', '`del` of this target is not supported', t.at);
  }

  // ---------------------------------------------------------------- items and attributes

  getItem(obj: Value, idx: Value): Value {
    if (obj instanceof NdArray) return runtime.arrayBinary('[]', obj, idx);
    if (obj instanceof PyList || obj instanceof PyTuple) {
      if (idx instanceof PySlice) {
        const { start, step, len } = sliceOf(idx, obj.items.length);
        const out: Value[] = new Array(len);
        for (let i = 0; i < len; i++) out[i] = obj.items[start + i * step]!;
        return obj instanceof PyList ? new PyList(out) : new PyTuple(out);
      }
      const n = numberOf(idx);
      if (n === null || typeof idx === 'string' || idx instanceof PyFloat || (idx instanceof NdArray && idx.dtype !== 'int64' && idx.dtype !== 'bool')) {
        throw new PyRaise('TypeError', `${typeName(obj)} indices must be integers or slices, not ${typeName(idx)}`);
      }
      return obj.items[normIndex(n, obj.items.length, typeName(obj))]!;
    }
    if (obj instanceof PyDict) {
      const v = obj.get(idx);
      if (v !== undefined) return v;
      if (obj.defaultFactory === null) throw new PyRaise('KeyError', repr(idx));
      // collections.defaultdict: the factory's value is stored under the key, then returned.
      const made = runtime.call(obj.defaultFactory, []);
      obj.set(idx, made);
      return made;
    }
    if (typeof obj === 'string') {
      if (idx instanceof PySlice) {
        const { start, step, len } = sliceOf(idx, obj.length);
        let out = '';
        for (let i = 0; i < len; i++) out += obj[start + i * step];
        return out;
      }
      const n = numberOf(idx);
      if (n === null || idx instanceof PyFloat) throw new PyRaise('TypeError', `string indices must be integers, not '${typeName(idx)}'`);
      return obj[normIndex(n, obj.length, 'string')]!;
    }
    if (obj instanceof PyRange) {
      const n = numberOf(idx);
      if (n === null) throw new PyRaise('TypeError', 'range indices must be integers');
      return obj.at(normIndex(n, obj.length, 'range object'));
    }
    if (obj instanceof PyInstance) {
      const m = obj.cls.lookup('__getitem__');
      if (m !== undefined) return this.call(m, [obj, idx], null, this.callAt);
    }
    if (obj instanceof PyClass) return obj; // list[int] style annotations
    throw new PyRaise('TypeError', `'${typeName(obj)}' object is not subscriptable`);
  }

  setItem(obj: Value, idx: Value, v: Value): void {
    if (obj instanceof NdArray) {
      runtime.arrayBinary('[]=', obj, new PyTuple([idx, v]));
      return;
    }
    if (obj instanceof PyDict) {
      obj.set(idx, v);
      return;
    }
    if (obj instanceof PyList) {
      if (idx instanceof PySlice) {
        const { start, step, len } = sliceOf(idx, obj.items.length);
        const vals = toArray(v);
        if (step === 1) {
          obj.items.splice(start, len, ...vals);
          return;
        }
        if (vals.length !== len) throw new PyRaise('ValueError', `attempt to assign sequence of size ${vals.length} to extended slice of size ${len}`);
        for (let i = 0; i < len; i++) obj.items[start + i * step] = vals[i]!;
        return;
      }
      const n = numberOf(idx);
      if (n === null || idx instanceof PyFloat) throw new PyRaise('TypeError', `list indices must be integers or slices, not ${typeName(idx)}`);
      obj.items[normIndex(n, obj.items.length, 'list assignment')] = v;
      return;
    }
    if (obj instanceof PyInstance) {
      const m = obj.cls.lookup('__setitem__');
      if (m !== undefined) {
        this.call(m, [obj, idx, v], null, this.callAt);
        return;
      }
    }
    throw new PyRaise('TypeError', `'${typeName(obj)}' object does not support item assignment`);
  }

  getAttr(obj: Value, name: string, at: number): Value {
    if (obj instanceof PyInstance) {
      const own = obj.dict.get(name);
      if (own !== undefined) return own;
      const c = obj.cls.lookup(name);
      if (c !== undefined) return this.bindClassAttr(c, obj, name, at);
      if (name === '__class__') return obj.cls;
      if (name === '__dict__') {
        const d = new PyDict();
        for (const [k, v] of obj.dict) d.set(k, v);
        return d;
      }
      const ga = obj.cls.lookup('__getattr__');
      if (ga !== undefined) return this.call(ga, [obj, name], null, at);
      throw this.error('AttributeError', `'${obj.cls.name}' object has no attribute '${name}'`, at);
    }
    if (obj instanceof PyClass) {
      const c = obj.lookup(name);
      if (c !== undefined) {
        if (c instanceof PyInstance && c.cls === CLASSMETHOD) return new BoundMethod(obj, c.dict.get('fn')!, name);
        if (c instanceof PyInstance && c.cls === STATICMETHOD) return c.dict.get('fn')!;
        return c;
      }
      if (name === '__name__') return obj.name;
      throw this.error('AttributeError', `type object '${obj.name}' has no attribute '${name}'`, at);
    }
    if (obj instanceof PyModule) {
      const v = obj.attrs.get(name);
      if (v !== undefined) return v;
      if (name === '__name__') return obj.name;
      const sub = this.loadModule(`${obj.name}.${name}`);
      if (sub !== null) return sub;
      const missing = obj.attrs.get('__getattr__');
      if (missing instanceof HostFn) return this.call(missing, [name], null, at);
      throw this.error('AttributeError', `module '${obj.name}' has no attribute '${name}'`, at);
    }
    if (obj instanceof PySuper) {
      const mro = (obj.self instanceof PyInstance ? obj.self.cls : (obj.self as PyClass)).mro;
      const start = mro.indexOf(obj.cls) + 1;
      for (let i = start; i < mro.length; i++) {
        const v = mro[i]!.dict.get(name);
        if (v !== undefined) return this.bindClassAttr(v, obj.self, name, at);
      }
      if (name === '__init__') return new HostFn('object.__init__', () => null);
      throw this.error('AttributeError', `'super' object has no attribute '${name}'`, at);
    }
    if (obj instanceof HostFn && name === '__name__') return obj.name.replace(/^numpy\./, '');
    if (obj instanceof PyFunction) {
      if (name === '__name__') return obj.info.name;
      if (name === '__doc__') return obj.info.docstring;
    }
    let v: Value | undefined;
    try {
      v = this.attrOf(obj, name);
    } catch (e) {
      throw this.locate(e, at);
    }
    if (v !== undefined) return v;
    throw this.error('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`, at);
  }

  private bindClassAttr(c: Value, obj: Value, name: string, at: number): Value {
    if (c instanceof PyFunction) return new BoundMethod(obj, c, name);
    if (c instanceof PyInstance && c.cls === STATICMETHOD) return c.dict.get('fn')!;
    if (c instanceof PyInstance && c.cls === CLASSMETHOD) return new BoundMethod(obj instanceof PyInstance ? obj.cls : obj, c.dict.get('fn')!, name);
    if (c instanceof PyInstance && c.cls === PROPERTY) return this.call(c.dict.get('fn')!, [obj], null, at);
    return c;
  }

  setAttr(obj: Value, name: string, v: Value): void {
    if (obj instanceof PyInstance) {
      obj.dict.set(name, v);
      return;
    }
    if (obj instanceof PyClass) {
      obj.dict.set(name, v);
      return;
    }
    if (obj instanceof PyModule) {
      obj.attrs.set(name, v);
      return;
    }
    if (obj instanceof PyFunction) throw new PyRaise('NotSupported', 'setting attributes on functions is not supported');
    if (this.setAttrOf(obj, name, v)) return;
    throw new PyRaise('AttributeError', `'${typeName(obj)}' object attribute '${name}' is read-only`);
  }

  // ---------------------------------------------------------------- expressions

  eval(e: Expr, f: Frame): Value {
    switch (e.k) {
      case 'name':
        return this.lookup(e.id, f, e.at);
      case 'num':
        return e.float ? new PyFloat(e.v) : e.v;
      case 'str':
        return e.v;
      case 'const':
        return e.v === 'ellipsis' ? PyEllipsis.instance : e.v;
      case 'bin': {
        const l = this.eval(e.l, f);
        const r = this.eval(e.r, f);
        try {
          return binary(e.op, l, r);
        } catch (err) {
          throw this.locate(err, e.at);
        }
      }
      case 'call':
        return this.evalCall(e, f);
      case 'attr':
        return this.getAttr(this.eval(e.obj, f), e.name, e.at);
      case 'sub': {
        const obj = this.eval(e.obj, f);
        const idx = this.eval(e.index, f);
        try {
          return this.getItem(obj, idx);
        } catch (err) {
          throw this.locate(err, e.at);
        }
      }
      case 'slice':
        return new PySlice(
          e.lo === null ? null : this.eval(e.lo, f),
          e.hi === null ? null : this.eval(e.hi, f),
          e.step === null ? null : this.eval(e.step, f),
        );
      case 'unary': {
        const v = this.eval(e.e, f);
        try {
          return unary(e.op, v);
        } catch (err) {
          throw this.locate(err, e.at);
        }
      }
      case 'and': {
        const l = this.eval(e.l, f);
        return this.truth(l, e.at) ? this.eval(e.r, f) : l;
      }
      case 'or': {
        const l = this.eval(e.l, f);
        return this.truth(l, e.at) ? l : this.eval(e.r, f);
      }
      case 'cmp':
        return this.evalCompare(e, f);
      case 'ifexp':
        return this.truth(this.eval(e.test, f), e.test.at) ? this.eval(e.body, f) : this.eval(e.orelse, f);
      case 'list':
        return new PyList(this.evalItems(e.items, f));
      case 'tuple':
        return new PyTuple(this.evalItems(e.items, f));
      case 'set':
        return new PySet(this.evalItems(e.items, f));
      case 'dict': {
        const d = new PyDict();
        for (const [k, v] of e.items) {
          if (k === null) {
            const src = this.eval(v, f);
            if (!(src instanceof PyDict)) throw this.error('TypeError', `'${typeName(src)}' object is not a mapping`, v.at);
            for (const [kk, vv] of src.entries()) d.set(kk, vv);
          } else {
            const key = this.eval(k, f);
            try {
              d.set(key, this.eval(v, f));
            } catch (err) {
              throw this.locate(err, k.at);
            }
          }
        }
        return d;
      }
      case 'fstr':
        return this.evalFString(e.parts, f);
      case 'lambda':
        return this.makeFunction(e.fn, f);
      case 'comp':
        return this.evalComp(e, f);
      case 'star':
        throw this.error('SyntaxError', "can't use starred expression here", e.at);
      default:
        throw this.error('NotSupported', 'this expression is not supported', (e as Expr).at);
    }
  }

  private evalItems(items: readonly Expr[], f: Frame): Value[] {
    const out: Value[] = [];
    for (const it of items) {
      if (it.k === 'star') {
        const v = this.eval(it.e, f);
        try {
          out.push(...toArray(v));
        } catch (err) {
          throw this.locate(err, it.at);
        }
      } else out.push(this.eval(it, f));
    }
    return out;
  }

  private evalCompare(e: Extract<Expr, { k: 'cmp' }>, f: Frame): Value {
    let left = this.eval(e.first, f);
    let result: Value = true;
    for (let i = 0; i < e.ops.length; i++) {
      const right = this.eval(e.rest[i]!, f);
      try {
        result = this.compareOp(e.ops[i]!, left, right);
      } catch (err) {
        throw this.locate(err, e.at);
      }
      if (e.ops.length > 1 && !truthy(result)) return result;
      left = right;
    }
    return result;
  }

  private compareOp(op: string, a: Value, b: Value): Value {
    switch (op) {
      case 'is': return a === b || (a instanceof PyEllipsis && b instanceof PyEllipsis);
      case 'is not': return !(a === b || (a instanceof PyEllipsis && b instanceof PyEllipsis));
      case 'in': return this.contains(b, a);
      case 'not in': return !this.contains(b, a);
      default:
        break;
    }
    if (isArray(a) || isArray(b)) return runtime.arrayBinary(op, a, b);
    switch (op) {
      case '==': return equals(a, b);
      case '!=': return !equals(a, b);
      default: return compare(op, a, b);
    }
  }

  contains(container: Value, item: Value): boolean {
    if (container instanceof PyDict) return container.has(item);
    if (container instanceof PySet) return container.has(item);
    if (typeof container === 'string') {
      if (typeof item !== 'string') throw new PyRaise('TypeError', `'in <string>' requires string as left operand, not ${typeName(item)}`);
      return container.includes(item);
    }
    if (container instanceof PyRange) {
      const n = numberOf(item);
      if (n === null || !Number.isInteger(n)) return false;
      const k = (n - container.start) / container.step;
      return Number.isInteger(k) && k >= 0 && k < container.length;
    }
    if (container instanceof NdArray) return truthy(runtime.arrayBinary('in', container, item));
    if (container instanceof PyInstance) {
      const m = container.cls.lookup('__contains__');
      if (m !== undefined) return truthy(this.call(m, [container, item], null, this.callAt));
    }
    for (const x of iterate(container)) if (equals(x, item)) return true;
    return false;
  }

  private evalFString(parts: readonly FPart[], f: Frame): string {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      const v = this.eval(p.expr, f);
      const spec = p.spec === null ? '' : this.evalFString(p.spec, f);
      try {
        if (p.debug !== null) out += p.debug;
        if (p.conv === 'r') out += formatValue(repr(v), spec);
        else if (p.conv === 's') out += formatValue(str(v), spec);
        else if (p.conv === 'a') out += formatValue(repr(v), spec);
        else out += p.debug !== null && spec === '' ? repr(v) : formatValue(v, spec);
      } catch (err) {
        throw this.locate(err, p.expr.at);
      }
    }
    return out;
  }

  private evalComp(e: Extract<Expr, { k: 'comp' }>, f: Frame): Value {
    const scope = new Scope(new Map(), f.scope, null);
    const frame: Frame = { scope, info: null, fn: f.fn, file: f.file, callId: f.callId, depth: f.depth, ret: null };
    // Comprehension variables live in their own scope; storeName with info null writes there.
    const list: Value[] = [];
    const dict = e.kind === 'dict' ? new PyDict() : null;
    const gens = e.gens;
    const run = (g: number): void => {
      if (g === gens.length) {
        if (dict !== null) {
          const k = this.eval(e.elt, frame);
          dict.set(k, this.eval(e.value!, frame));
        } else list.push(this.eval(e.elt, frame));
        return;
      }
      const gen = gens[g]!;
      const iterable = this.eval(gen.iter, g === 0 ? f : frame);
      let it: Generator<Value, void, undefined>;
      try {
        it = iterate(iterable);
      } catch (err) {
        throw this.locate(err, gen.iter.at);
      }
      for (const v of it) {
        this.assign(gen.target, v, frame);
        let ok = true;
        for (const cond of gen.ifs) {
          if (!this.truth(this.eval(cond, frame), cond.at)) {
            ok = false;
            break;
          }
        }
        if (ok) run(g + 1);
      }
    };
    const outer = this.assigned;
    this.assigned = null;
    try {
      run(0);
    } finally {
      this.assigned = outer;
    }
    if (dict !== null) return dict;
    if (e.kind === 'set') return new PySet(list);
    if (e.kind === 'gen') return new PyListIter(list);
    return new PyList(list);
  }

  // ---------------------------------------------------------------- calls

  private evalCall(e: Extract<Expr, { k: 'call' }>, f: Frame): Value {
    const fn = this.eval(e.fn, f);
    const args: Value[] = [];
    let kwargs: Map<string, Value> | null = null;
    const list: readonly Arg[] = e.args;
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      switch (a.kind) {
        case 'pos':
          args.push(this.eval(a.value, f));
          break;
        case 'star': {
          const v = this.eval(a.value, f);
          try {
            args.push(...toArray(v));
          } catch (err) {
            throw this.locate(err, a.value.at);
          }
          break;
        }
        case 'kw':
          kwargs ??= new Map();
          if (kwargs.has(a.name!)) throw this.error('SyntaxError', `keyword argument repeated: ${a.name}`, a.value.at);
          kwargs.set(a.name!, this.eval(a.value, f));
          break;
        case 'dstar': {
          const d = this.eval(a.value, f);
          if (!(d instanceof PyDict)) throw this.error('TypeError', `argument after ** must be a mapping, not ${typeName(d)}`, a.value.at);
          kwargs ??= new Map();
          for (const [k, v] of d.entries()) {
            if (typeof k !== 'string') throw this.error('TypeError', 'keywords must be strings', a.value.at);
            kwargs.set(k, v);
          }
          break;
        }
      }
    }
    // Zero-argument super() inside a method.
    if (fn === SUPER && args.length === 0 && f.fn !== null && f.fn.definingClass !== null) {
      const first = f.fn.info.params[0];
      const self = first === undefined ? undefined : f.scope.vars.get(first.name);
      if (self === undefined) throw this.error('RuntimeError', 'super(): no arguments', e.at);
      return new PySuper(f.fn.definingClass, self);
    }
    return this.call(fn, args, kwargs, e.at);
  }

  /** Calls any callable value with positional and keyword arguments; errors are located at `at`. */
  call(fn: Value, args: Value[], kwargs: Map<string, Value> | null, at: number): Value {
    if (fn instanceof PyFunction) return this.callFunction(fn, args, kwargs, at);
    if (fn instanceof BoundMethod) return this.call(fn.fn, [fn.self, ...args], kwargs, at);
    if (fn instanceof HostFn) {
      const saved = this.callAt;
      this.callAt = at;
      try {
        return fn.impl(args, kwargs ?? EMPTY_KW, this.makeContext(this, at, this.current.file));
      } catch (e) {
        throw this.locate(e, at);
      } finally {
        this.callAt = saved;
      }
    }
    if (fn instanceof PyClass) return this.instantiate(fn, args, kwargs, at);
    if (fn instanceof PyInstance) {
      const c = fn.cls.lookup('__call__');
      if (c !== undefined) return this.call(c, [fn, ...args], kwargs, at);
    }
    if (fn instanceof PyDtype) {
      const conv = this.builtins.get('__dtype_call__');
      if (conv !== undefined) return this.call(conv, [fn, ...args], kwargs, at);
    }
    throw this.error('TypeError', `'${typeName(fn)}' object is not callable`, at);
  }

  private instantiate(cls: PyClass, args: Value[], kwargs: Map<string, Value> | null, at: number): Value {
    const obj = new PyInstance(cls);
    if (cls.isSubclassOf(BASE_EXCEPTION)) obj.dict.set('args', new PyTuple(args));
    const init = cls.lookup('__init__');
    if (init !== undefined) {
      const r = this.call(init, [obj, ...args], kwargs, at);
      if (r !== null) throw this.error('TypeError', `__init__() should return None, not '${typeName(r)}'`, at);
    } else if (!cls.isSubclassOf(BASE_EXCEPTION) && (args.length > 0 || (kwargs !== null && kwargs.size > 0))) {
      throw this.error('TypeError', `${cls.name}() takes no arguments`, at);
    }
    return obj;
  }

  private callFunction(fn: PyFunction, args: Value[], kwargs: Map<string, Value> | null, at: number): Value {
    const info = fn.info;
    const vars = new Map<string, Value>();
    this.bindArgs(fn, args, kwargs, vars, at);
    const scope = new Scope(vars, fn.closure, info.locals);
    const frame: Frame = {
      scope, info, fn, file: this.fileOf(fn), callId: this.nextCallId++, depth: this.depth + 1, ret: null,
    };
    const saved = this.current;
    this.current = frame;
    this.depth++;
    try {
      this.execBlock(info.body, frame);
      return frame.ret;
    } catch (e) {
      const err = e instanceof PyError ? e : this.locate(e, info.at);
      const { line, column } = positionOf(saved.file.lineStarts, at);
      err.traceback.unshift({ filename: saved.file.filename, line, column, functionName: saved.info?.name ?? '<module>' });
      throw err;
    } finally {
      this.depth--;
      this.current = saved;
    }
  }

  private fileOf(fn: PyFunction): FileInfo {
    return fn.filename === this.file.filename ? this.file : this.file;
  }

  private bindArgs(fn: PyFunction, args: Value[], kwargs: Map<string, Value> | null, vars: Map<string, Value>, at: number): void {
    const params = fn.info.params;
    const name = fn.info.name;
    let ai = 0;
    let starName: string | null = null;
    let dstarName: string | null = null;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if (p.kind === 'normal') {
        if (ai < args.length) vars.set(p.name, args[ai++]!);
      } else if (p.kind === 'star') {
        starName = p.name;
        vars.set(p.name, new PyTuple(args.slice(ai)));
        ai = args.length;
      } else if (p.kind === 'dstar') {
        dstarName = p.name;
      }
    }
    if (ai < args.length) {
      const positional = params.filter((p) => p.kind === 'normal').length;
      throw this.error('TypeError', `${name}() takes ${positional} positional argument${positional === 1 ? '' : 's'} but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`, at);
    }
    let extra: PyDict | null = null;
    if (dstarName !== null) {
      extra = new PyDict();
      vars.set(dstarName, extra);
    }
    if (kwargs !== null) {
      for (const [k, v] of kwargs) {
        const p = params.find((q) => q.name === k && (q.kind === 'normal' || q.kind === 'kwonly'));
        if (p === undefined) {
          if (extra !== null) {
            extra.set(k, v);
            continue;
          }
          throw this.error('TypeError', `${name}() got an unexpected keyword argument '${k}'`, at);
        }
        if (vars.has(k)) throw this.error('TypeError', `${name}() got multiple values for argument '${k}'`, at);
        vars.set(k, v);
      }
    }
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if ((p.kind === 'normal' || p.kind === 'kwonly') && !vars.has(p.name)) {
        const d = fn.defaults[i];
        if (d === undefined) {
          throw this.error('TypeError', `${name}() missing 1 required ${p.kind === 'kwonly' ? 'keyword-only' : 'positional'} argument: '${p.name}'`, at);
        }
        vars.set(p.name, d);
      }
    }
    void starName;
  }
}

const EMPTY_KW: Map<string, Value> = new Map();

/** A generator expression, evaluated eagerly (generators are outside the dialect) and iterated once. */
export class PyListIter extends PyList {
  readonly isGenerator = true;
}

/** Marker classes for decorators that change how a class attribute binds. */
export const STATICMETHOD = new PyClass('staticmethod', []);
export const CLASSMETHOD = new PyClass('classmethod', []);
export const PROPERTY = new PyClass('property', []);
/** The `super` builtin (zero-argument form handled by the evaluator). */
export const SUPER = new HostFn('super', (args) => {
  if (args.length === 2 && args[0] instanceof PyClass) return new PySuper(args[0], args[1]!);
  throw new PyRaise('RuntimeError', 'super(): use it without arguments inside a method, or as super(Class, self)');
});

function normIndex(i: number, n: number, what: string): number {
  const j = i < 0 ? i + n : i;
  if (j < 0 || j >= n || !Number.isInteger(j)) throw new PyRaise('IndexError', `${what} index out of range`);
  return j;
}

/** Python slice semantics over a sequence of length n. */
export function sliceOf(s: PySlice, n: number): { start: number; step: number; len: number } {
  const num = (v: Value, what: string): number | null => {
    if (v === null) return null;
    const x = numberOf(v);
    if (x === null || v instanceof PyFloat) throw new PyRaise('TypeError', `slice indices must be integers or None or have an __index__ method (${what})`);
    return x;
  };
  const step = num(s.step, 'step') ?? 1;
  if (step === 0) throw new PyRaise('ValueError', 'slice step cannot be zero');
  const lo = num(s.lo, 'start');
  const hi = num(s.hi, 'stop');
  let start: number;
  let stop: number;
  if (step > 0) {
    start = lo === null ? 0 : lo < 0 ? Math.max(0, lo + n) : Math.min(lo, n);
    stop = hi === null ? n : hi < 0 ? Math.max(0, hi + n) : Math.min(hi, n);
  } else {
    start = lo === null ? n - 1 : lo < 0 ? Math.max(-1, lo + n) : Math.min(lo, n - 1);
    stop = hi === null ? -1 : hi < 0 ? Math.max(-1, hi + n) : Math.min(hi, n - 1);
  }
  const len = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  return { start, step, len };
}

/** `format(v, spec)`: numbers by the mini-language, strings padded, arrays and others via str. */
export function formatValue(v: Value, spec: string): string {
  if (spec === '') return str(v);
  if (typeof v === 'number') return formatNumber(v, true, spec);
  if (typeof v === 'boolean') return /[a-zA-Z%]$/.test(spec) && !/s$/.test(spec) ? formatNumber(v ? 1 : 0, true, spec) : formatString(v ? 'True' : 'False', spec);
  if (v instanceof PyFloat) return formatNumber(v.v, false, spec);
  if (typeof v === 'string') return formatString(v, spec);
  if (v instanceof NdArray && v.shape.length === 0) return formatNumber(v.tensor.storage[0]!, v.dtype === 'int64', spec);
  if (v instanceof NdArray) throw new PyRaise('TypeError', 'unsupported format string passed to numpy.ndarray.__format__');
  return formatString(str(v), spec);
}
