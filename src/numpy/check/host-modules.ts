/**
 * Host modules the check and run commands add on top of the interpreter's own: import-only
 * stand-ins for libraries a lab imports but never calls (seed 001 imports four sklearn helpers and
 * uses none of them). A smaller MNIST is the interpreter's own `mnistLimit` run option.
 */
import type { HostModule } from '../host.js';
import { defineModule, hostFunction } from '../host.js';

/** Libraries labs import for a helper they end up not using: module → the names they import. */
const IMPORT_ONLY: Record<string, readonly string[]> = {
  'sklearn.datasets': ['fetch_openml', 'load_digits', 'make_moons', 'make_classification'],
  'sklearn.model_selection': ['train_test_split'],
  'sklearn.preprocessing': ['OneHotEncoder', 'StandardScaler'],
  'sklearn.utils': ['shuffle'],
};

/**
 * Modules that can be imported but not used: `from sklearn.utils import shuffle` works, and calling
 * `shuffle(...)` is an error naming it and the call's line ("is not supported in the tapegrad numpy
 * dialect"), never a silent wrong result.
 * @example
 * runNumpy('from sklearn.utils import shuffle\nprint(1)', { modules: importOnlyModules() }).stdout; // '1\n'
 */
export function importOnlyModules(): HostModule[] {
  return Object.entries(IMPORT_ONLY).map(([mod, names]) => defineModule(mod, Object.fromEntries(names.map((n) => [n,
    hostFunction(n, (_args, _kwargs, ctx) => {
      throw ctx.error(`${mod}.${n} is not supported in the tapegrad numpy dialect (the import is accepted so that a lab which imports it without calling it runs)`, 'NotSupported');
    })]))));
}
