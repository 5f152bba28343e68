/** The messages between the numpy panel and its worker: plain data only (structured-clone safe). */
import type { Convention, WrongLine } from '../../../src/index.js';

/** Page → worker: check this source. `id` pairs the reply with the request (stale replies are dropped). */
export interface CheckRequest {
  readonly type: 'check';
  readonly id: number;
  readonly source: string;
  /** Also render the graph to SVG in the worker (Graphviz); false leaves only the DOT text. */
  readonly svg?: boolean;
}

/** Why the file could not be checked, located in the student's code. */
export interface SourceProblem {
  /** 'syntax': does not parse; 'unsupported': outside the dialect; 'runtime': raised while running;
   *  'nocheck': ran without a tapegrad.verify; 'internal': a bug of ours. */
  readonly kind: 'syntax' | 'unsupported' | 'runtime' | 'nocheck' | 'internal';
  readonly line: number;
  readonly column: number;
  /** The Python exception type (SyntaxError, NameError, …). */
  readonly type: string;
  /** The message alone, without the file:line:column prefix. */
  readonly message: string;
}

/** One element of a parameter, three ways. */
export interface ElementView {
  /** `W1[3,5]`, or the parameter's name for a scalar. */
  readonly label: string;
  readonly hand: number | null;
  readonly autodiff: number;
  readonly numerical: number;
}

/** One row of the three-way table. */
export interface ParamRow {
  readonly name: string;
  readonly shape: number[];
  readonly ok: boolean;
  /** The key the hand gradient came under (`dW1`, `J_W1`, `#0`). */
  readonly key: string | null;
  /** The verdict in plain words, short (the table cell). */
  readonly verdict: string;
  /** checkNumpy's diagnosis, when it has one. */
  readonly diagnosis: string | null;
  readonly reachesLoss: boolean;
  /** The element shown: the worst disagreement, else the largest gradient. */
  readonly shown: ElementView;
  /** Largest |hand − autodiff| / max(|autodiff|, tiny) over every element (null without a hand gradient). */
  readonly handVsAutodiff: number | null;
  /** Largest |autodiff − finite differences| relative, over the elements that got finite differences. */
  readonly autodiffVsNumerical: number;
  /** Finite differences only at sampled elements. */
  readonly sampled: boolean;
}

/** The loss value, honestly: NaN and ∞ named, with where they first appeared. */
export interface LossView {
  readonly value: number;
  readonly finite: boolean;
  /** 'NaN', '∞', '−∞' when not finite. */
  readonly word: string | null;
  /** Where the first non-finite value appeared: "line 12 (logp = log)". */
  readonly where: string | null;
}

/** The picture of the forward pass. */
export interface GraphView {
  readonly dot: string;
  readonly svg: string | null;
  /** Why there is no SVG (Graphviz failed), when svg is null and one was asked for. */
  readonly problem: string | null;
}

/** What one tapegrad.verify found, ready to show. */
export interface CheckView {
  readonly line: number;
  readonly ok: boolean;
  readonly loss: LossView | null;
  readonly params: ParamRow[];
  readonly firstWrongLine: WrongLine | null;
  readonly conventions: Convention[];
  /** The printed verdict (formatCheck), for the "full report" fold-out. */
  readonly report: string;
  readonly notChecked: string[];
  readonly graph: GraphView | null;
  /** The recorded forward pass, for the page to rebuild and step (see tape.ts). */
  readonly tape: import('./tape.js').TapeData | null;
}

/** Worker → page. */
export interface CheckReply {
  readonly type: 'result';
  readonly id: number;
  /** 'ok': every gradient agrees; 'wrong': one is wrong; 'error': the code could not be checked. */
  readonly status: 'ok' | 'wrong' | 'error';
  readonly problem: SourceProblem | null;
  readonly checks: CheckView[];
  /** What the code printed (capped). */
  readonly stdout: string;
  /** Time the check took in the worker. */
  readonly ms: number;
}
