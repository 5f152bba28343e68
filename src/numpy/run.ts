/** runNumpy: parse a Python file of the numpy dialect and run it (browser-safe; files and plots on disk are the Node entry's). */
import { makeBuiltins, builtinAttr, percentFormat } from './builtins.js';
import { PyError, PyRaise, positionOf } from './errors.js';
import type { CallContext, Figure, RunOptions, RunResult, StatementEvent } from './host.js';
import { Interpreter, type FileInfo } from './interp.js';
import { MODULE_FACTORIES, toModule, type ModuleEnv } from './modules.js';
import { NdArray } from './ndarray.js';
import { arrayAttr, setArrayAttr } from './numpy-module.js';
import { installArrayHooks } from './numpy-ops.js';
import { parseModule } from './parse.js';
import { runtime } from './pyops.js';
import { HostFn, PyList, PyModule, type Value } from './values.js';

/** Extra options of the Node entry (file writing for figures). */
export interface RunHooks {
  /** Writes a file under the run's outDir. */
  readonly writeFile?: ((name: string, text: string) => void) | undefined;
}

/**
 * Parses and runs a whole file of the numpy dialect. Throws a PyError (with file, line, column
 * and a Python-style traceback in `formatTraceback()`) on a syntax error, an unsupported
 * construct or an uncaught Python exception.
 * @example
 * runNumpy('import numpy as np\nprint(np.array([1, 2]) * 2)').stdout; // '[2 4]\n'
 */
export function runNumpy(source: string, options: RunOptions = {}, hooks: RunHooks = {}): RunResult {
  const filename = options.filename ?? '<input>';
  const mnistLimit = options.mnistLimit ?? null;
  if (mnistLimit !== null && (!Number.isInteger(mnistLimit) || mnistLimit < 1)) {
    throw new Error(`runNumpy: mnistLimit must be a positive integer (or null for all of MNIST), got ${String(mnistLimit)}`);
  }
  const module = parseModule(source, filename);
  const file: FileInfo = { filename, source, lineStarts: module.lineStarts };
  let stdout = '';
  const write = (text: string): void => {
    stdout += text;
    options.stdout?.(text);
  };
  const figures: Figure[] = [];
  const exits: (() => void)[] = [];
  const cache = new Map<string, PyModule>();
  const extra = new Map((options.modules ?? []).map((m) => [m.name, m]));
  const names = (): string[] => [...Object.keys(MODULE_FACTORIES), ...extra.keys()];
  const env: ModuleEnv = {
    figures,
    outDir: options.outDir ?? null,
    writeFile: hooks.writeFile ?? null,
    write,
    atExit: (fn) => exits.push(fn),
    load: (name) => load(name),
    mnistLimit,
  };
  const load = (name: string): PyModule | null => {
    const hit = cache.get(name);
    if (hit !== undefined) return hit;
    const given = extra.get(name);
    const factory = MODULE_FACTORIES[name];
    let mod: PyModule | null = null;
    if (given !== undefined) mod = toModule(given);
    else if (factory !== undefined) mod = toModule(factory(env));
    else if (names().some((n) => n.startsWith(name + '.'))) mod = packageModule(name, load);
    if (mod !== null) cache.set(name, mod);
    return mod;
  };

  const savedRuntime = { ...runtime };
  let interp: Interpreter | null = null;
  const getAttr = (v: Value, n: string): Value => interp!.getAttr(v, n, interp!.callAt);
  const builtins = makeBuiltins(write, getAttr);
  if (options.argv !== undefined) {
    const sys = new Map<string, Value>();
    sys.set('argv', toPyList(options.argv));
    cache.set('sys', new PyModule('sys', sys));
  }
  interp = new Interpreter(
    file, builtins, load,
    (obj, name) => (obj instanceof NdArray ? arrayAttr(obj, name) : builtinAttr(obj, name, getAttr)),
    (obj, name) => (obj instanceof NdArray ? setArrayAttr(obj, name) : false),
    makeContext,
  );
  installArrayHooks();
  runtime.percentFormat = percentFormat;
  runtime.setAttr = (o, n, v) => interp!.setAttr(o, n, v);
  try {
    interp.runModule(module);
    for (const fn of exits) fn();
  } finally {
    Object.assign(runtime, savedRuntime);
  }
  return { stdout, figures, globals: new Map(interp.globals) };
}

function toPyList(items: readonly string[]): Value {
  return new PyList([...items]);
}

/** A package whose submodules are registered (`import tensorflow as tf; tf.keras.datasets`). */
function packageModule(name: string, load: (n: string) => PyModule | null): PyModule {
  const attrs = new Map<string, Value>();
  attrs.set('__getattr__', new HostFn('__getattr__', (args) => {
    const sub = load(`${name}.${String(args[0])}`);
    if (sub === null) throw new PyRaise('NotSupported', `\`${name}.${String(args[0])}\` is not available in the tapegrad numpy dialect`);
    return sub;
  }));
  return new PyModule(name, attrs);
}

/**
 * The CallContext a host function receives. A class, so that the one made per host call costs one
 * small object (its methods live on the prototype; the position is computed only when asked for).
 */
class CallSite implements CallContext {
  private pos: { line: number; column: number } | null = null;

  constructor(private readonly interp: Interpreter, private readonly at: number, private readonly file: FileInfo) {}

  private where(): { line: number; column: number } {
    return (this.pos ??= positionOf(this.file.lineStarts, this.at));
  }

  get line(): number {
    return this.where().line;
  }

  get column(): number {
    return this.where().column;
  }

  get filename(): string {
    return this.file.filename;
  }

  call(fn: unknown, args: unknown[], kwargs?: Record<string, unknown>): Value {
    const kw = kwargs === undefined ? null : new Map(Object.entries(kwargs) as [string, Value][]);
    return this.interp.call(fn as Value, args as Value[], kw, this.at);
  }

  getGlobal(name: string): Value | undefined {
    return this.interp.globals.get(name);
  }

  setGlobal(name: string, v: unknown): void {
    this.interp.globals.set(name, v as Value);
  }

  trace<T>(listener: (e: StatementEvent) => void, body: () => T): T {
    return this.interp.trace(listener as (e: unknown) => void, body);
  }

  error(message: string, pyType = 'ValueError'): Error {
    const { line, column } = this.where();
    return new PyError(pyType, message, this.file.filename, line, column);
  }
}

function makeContext(interp: Interpreter, at: number, file: FileInfo): CallContext {
  return new CallSite(interp, at, file);
}
