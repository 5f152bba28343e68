/** The numpy dialect interpreter: run Python lab code on tapegrad tensors (browser-safe entry). */
export { runNumpy } from './run.js';
export type { RunHooks } from './run.js';
export {
  PyError, isNdArray, asTensor, makeNdArray, makeNdScalar, toPy, pyFloat, pyTuple, fromPy, dictEntries, listItems, pyRepr, pyStr,
  hostFunction, defineModule, isPyError, assignArray,
} from './host.js';
export type {
  PyValue, NdArrayView, NpDtype, CallContext, StatementEvent, HostFunction, HostModule, Figure as NumpyFigure,
  RunOptions as NumpyRunOptions, RunResult as NumpyRunResult,
} from './host.js';
export type { TraceFrame } from './errors.js';
