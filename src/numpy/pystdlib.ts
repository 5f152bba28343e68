/**
 * Small standard-library modules notebooks import around their numpy code: `warnings` (labs often
 * start with `warnings.filterwarnings('ignore')`) and `time` (timing an epoch). The interpreter
 * emits no warnings of its own, so the filters have nothing to filter and are accepted as no-ops;
 * `warnings.warn` writes Python's one-line form, as CPython does on stderr (here: stdout, the only
 * stream a run has).
 */
import { PyRaise } from './errors.js';
import { float, numberOf, str } from './pyops.js';
import { HostFn, PyClass, PyModule, type Value } from './values.js';

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
