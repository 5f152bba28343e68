/** The `tapegrad` Python module a numpy file imports: `tapegrad.verify(params, loss, grads)`. */
import type { HostModule } from '../host.js';
import { defineModule, hostFunction, toPy } from '../host.js';
import { formatCheck } from './format.js';
import { show } from '../../validate.js';
import type { VerifyCheck } from './verify.js';
import { runVerify } from './verify.js';

/** Where the module's results and printed verdicts go. */
export interface CheckSink {
  /** Every verify call's result, in call order. */
  readonly checks: VerifyCheck[];
  /** Prints the compact verdict (the same stream as the file's own print()). */
  readonly say: (text: string) => void;
}

/**
 * The `tapegrad` module bound to one run: each `tapegrad.verify` appends its result to
 * `sink.checks`, prints its verdict through `sink.say` and returns a Python bool.
 * @example
 * const sink = { checks: [], say: (t: string) => process.stdout.write(t) };
 * runNumpy(source, { modules: [tapegradModule(sink)] });
 * sink.checks.every((c) => c.ok);
 */
export function tapegradModule(sink: CheckSink): HostModule {
  if (typeof sink !== 'object' || sink === null || !Array.isArray(sink.checks) || typeof sink.say !== 'function') {
    throw new Error(`tapegradModule: sink must be { checks: [], say(text) }, got ${show(sink)}`);
  }
  return defineModule('tapegrad', {
    verify: hostFunction('verify', (args, kwargs, ctx) => {
      const check = runVerify(args, kwargs, ctx);
      sink.checks.push(check);
      sink.say(`${formatCheck(check)}\n`);
      return toPy(check.ok);
    }),
  });
}
