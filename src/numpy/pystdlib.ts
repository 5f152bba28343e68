/**
 * Small standard-library modules notebooks import around their numpy code: `warnings` (labs often
 * start with `warnings.filterwarnings('ignore')`), `time` (timing an epoch), `copy` (saving the best
 * parameters) and `collections` (defaultdict, OrderedDict). The interpreter
 * emits no warnings of its own, so the filters have nothing to filter and are accepted as no-ops;
 * `warnings.warn` writes Python's one-line form, as CPython does on stderr (here: stdout, the only
 * stream a run has).
 */
import { PyRaise } from './errors.js';
import { float, numberOf, str } from './pyops.js';
import { dictFrom } from './builtins.js';
import { NdArray } from './ndarray.js';
import { HostFn, PyClass, PyDict, PyFloat, PyInstance, PyList, PyModule, PySet, PyTuple, type Value } from './values.js';

/** `warnings`: filterwarnings / simplefilter / resetwarnings accepted, warn printed. */
export function makeWarningsModule(write: (text: string) => void): PyModule {
  const a = new Map<string, Value>();
  const accept = (name: string): HostFn => new HostFn(name, () => null);
  for (const n of ['filterwarnings', 'simplefilter', 'resetwarnings']) a.set(n, accept(n));
  a.set('warn', new HostFn('warn', (args, kwargs) => {
    const message = args[0] ?? kwargs.get('message');
    if (message === undefined) throw new PyRaise('TypeError', "warn() missing required argument 'message' (pos 1)");
    const category = args[1] ?? kwargs.get('category');
    const kind = category instanceof PyClass ? category.name : 'UserWarning';
    write(`${kind}: ${str(message)}\n`);
    return null;
  }));
  return new PyModule('warnings', a);
}

/** `time`: wall and CPU clocks in seconds (float), and sleep (returns at once: nothing here waits). */
export function makeTimeModule(): PyModule {
  const a = new Map<string, Value>();
  const seconds = (name: string, f: () => number): HostFn => new HostFn(name, () => float(f()));
  a.set('time', seconds('time', () => Date.now() / 1000));
  a.set('perf_counter', seconds('perf_counter', () => performance.now() / 1000));
  a.set('process_time', seconds('process_time', () => performance.now() / 1000));
  a.set('monotonic', seconds('monotonic', () => performance.now() / 1000));
  a.set('sleep', new HostFn('sleep', (args) => {
    const s = numberOf(args[0] ?? null);
    if (s === null) throw new PyRaise('TypeError', `'${str(args[0] ?? null)}' is not a number of seconds`);
    if (!(s >= 0)) throw new PyRaise('ValueError', 'sleep length must be non-negative');
    return null;
  }));
  return new PyModule('time', a);
}

/** A copy of `v`: `deep` copies containers and instances all the way down (shared parts stay shared). */
function copyValue(v: Value, deep: boolean, memo: Map<unknown, Value>): Value {
  if (v === null || typeof v !== 'object' || v instanceof PyFloat) return v;
  const seen = memo.get(v);
  if (seen !== undefined) return seen;
  const inner = (x: Value): Value => (deep ? copyValue(x, true, memo) : x);
  if (v instanceof NdArray) return new NdArray(v.tensor, v.dtype, v.isScalar);
  if (v instanceof PyList) {
    const out = new PyList([]);
    memo.set(v, out);
    out.items = v.items.map(inner);
    return out;
  }
  if (v instanceof PyTuple) return deep ? new PyTuple(v.items.map(inner)) : v;
  if (v instanceof PyDict) {
    const out = new PyDict();
    memo.set(v, out);
    out.defaultFactory = v.defaultFactory;
    for (const [k, x] of v.entries()) out.set(k, inner(x));
    return out;
  }
  if (v instanceof PySet) return new PySet(v.items().map(inner), v.frozen);
  if (v instanceof PyInstance) {
    const out = new PyInstance(v.cls);
    memo.set(v, out);
    for (const [k, x] of v.dict) out.dict.set(k, inner(x));
    return out;
  }
  // Functions, classes, modules: shared, as copy.deepcopy does.
  return v;
}

/** `copy`: copy and deepcopy of lists, dicts, sets, tuples, arrays and class instances. */
export function makeCopyModule(): PyModule {
  const a = new Map<string, Value>();
  a.set('copy', new HostFn('copy', (args) => copyValue(args[0] ?? null, false, new Map())));
  a.set('deepcopy', new HostFn('deepcopy', (args) => copyValue(args[0] ?? null, true, new Map())));
  return new PyModule('copy', a);
}

/** `collections`: defaultdict and OrderedDict (a dict: Python dicts keep insertion order); others refused by name. */
export function makeCollectionsModule(): PyModule {
  const a = new Map<string, Value>();
  a.set('defaultdict', new HostFn('defaultdict', (args, kwargs) => {
    const d = dictFrom(args.slice(1), kwargs);
    d.defaultFactory = args[0] ?? null;
    return d;
  }));
  a.set('OrderedDict', new HostFn('OrderedDict', (args, kwargs) => dictFrom(args, kwargs)));
  a.set('__getattr__', new HostFn('__getattr__', (args) => {
    throw new PyRaise('NotSupported', `\`collections.${str(args[0] ?? null)}\` is not supported in the tapegrad numpy dialect`);
  }));
  return new PyModule('collections', a);
}
