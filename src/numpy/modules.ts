/**
 * The module registry: every module `import` can find, by dotted name, each built fresh per run
 * from a factory. To add a host module, add one line to MODULE_FACTORIES (nplibs: numpy.random,
 * matplotlib.pyplot, tensorflow.keras.…). Until a factory for 'numpy.random' is registered,
 * `np.random.*` raises "not yet available".
 */
import { PyRaise } from './errors.js';
import type { Figure, HostModule } from './host.js';
import { makeNumpyModule } from './numpy-module.js';
import { makeMathModule } from './pymath.js';
import { makeRandomModule } from './pyrandom.js';
import { makeCollectionsModule, makeCopyModule, makeTimeModule, makeWarningsModule } from './pystdlib.js';
import { kerasUtilsModule, mnistModule } from './keras/module.js';
import { pyplotModule } from './pyplot/module.js';
import { numpyRandomModule } from './random/module.js';
import { HostFn, PyModule, type Value } from './values.js';

/** What a module factory gets from the run: where output goes. */
export interface ModuleEnv {
  /** Figures drawn so far (pyplot pushes here; the run result lists them). */
  readonly figures: Figure[];
  /** Where figures are written (Node only), or null to keep them in memory. */
  readonly outDir: string | null;
  /** Writes a file under outDir (provided by the Node entry; null in the browser). */
  readonly writeFile: ((name: string, text: string) => void) | null;
  /** Appends to stdout as print() does. */
  readonly write: (text: string) => void;
  /** Registers a callback run when the script ends (pyplot writes figures still open). */
  readonly atExit: (fn: () => void) => void;
  /** Loads another module of the run by name (numpy for numpy.random's arrays, …). */
  readonly load: (name: string) => PyModule | null;
  /** keras' `mnist.load_data()` serves only the first N samples of each split (RunOptions.mnistLimit). */
  readonly mnistLimit: number | null;
}

/** Builds one module for a run. Host modules return a HostModule; built-ins may return a PyModule. */
export type ModuleFactory = (env: ModuleEnv) => HostModule | PyModule;

/** Built-in modules. Add a line here to register a host module. */
export const MODULE_FACTORIES: Record<string, ModuleFactory> = {
  numpy: (env) => makeNumpyModule(env.load('numpy.random') ?? notYet('numpy.random')),
  math: () => makeMathModule(),
  random: () => makeRandomModule(),
  warnings: (env) => makeWarningsModule(env.write),
  time: () => makeTimeModule(),
  copy: () => makeCopyModule(),
  collections: () => makeCollectionsModule(),
  'numpy.linalg': (env) => env.load('numpy')!.attrs.get('linalg') as PyModule,
  'numpy.testing': (env) => env.load('numpy')!.attrs.get('testing') as PyModule,
  'numpy.random': () => numpyRandomModule(),
  'matplotlib.pyplot': (env) => pyplotModule(env).module,
  'tensorflow.keras.datasets.mnist': (env) => mnistModule('tensorflow.keras.datasets.mnist', env.mnistLimit),
  'tensorflow.keras.utils': () => kerasUtilsModule('tensorflow.keras.utils'),
  'keras.datasets.mnist': (env) => mnistModule('keras.datasets.mnist', env.mnistLimit),
  'keras.utils': () => kerasUtilsModule('keras.utils'),
};

/** A placeholder for a module another branch provides: any attribute raises NotSupported. */
export function notYet(name: string): PyModule {
  const attrs = new Map<string, Value>();
  attrs.set('__getattr__', new HostFn('__getattr__', (args) => {
    throw new PyRaise('NotSupported', `\`${name.replace(/^numpy/, 'np')}.${String(args[0])}\` is not yet available in this build`);
  }));
  return new PyModule(name, attrs);
}

/** Turns a HostModule into the interpreter's module object. */
export function toModule(m: HostModule | PyModule): PyModule {
  if (m instanceof PyModule) return m;
  const attrs = new Map<string, Value>();
  for (const [k, v] of Object.entries(m.attrs)) attrs.set(k, v as Value);
  return new PyModule(m.name, attrs);
}
