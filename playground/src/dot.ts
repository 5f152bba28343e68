/** The graph picture for one moment of the backward walk (Graphviz DOT), and short number/tensor formats for the page. */
import { Tensor, toDot } from '../../src/index.js';
import type { ReportLike } from '../../src/index.js';
import { gradientsAfter, type BackwardTrace } from './stepper.js';

/** What to draw. */
export interface GraphState {
  readonly trace: BackwardTrace;
  /** Backward steps taken so far (0 … trace.steps.length). */
  readonly done: number;
  /** A verifyGradients-shaped report: parameters it names get a green or red border. */
  readonly report?: ReportLike;
}

/**
 * A number in 4 significant digits, without trailing zeros.
 * @example
 * formatNumber(0.0691376); // '0.06914'
 */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  const s = a >= 1e5 || a < 1e-4 ? x.toExponential(digits - 1) : x.toPrecision(digits);
  return s.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1').replace('-', '−');
}

/**
 * A tensor in a few characters: its values when small, otherwise its shape and range.
 * @example
 * summarize(tensor([[1, 2], [3, 4]])); // '[1, 2; 3, 4]'
 */
export function summarize(t: Tensor): string {
  const d = t.data();
  if (t.size === 1) return formatNumber(d[0]!);
  if (t.size <= 4) {
    const cols = t.shape[t.shape.length - 1] ?? 1;
    const rows: string[] = [];
    for (let r = 0; r < d.length; r += cols) rows.push(Array.from(d.slice(r, r + cols), (x) => formatNumber(x, 3)).join(', '));
    return `[${rows.join('; ')}]`;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of d) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return `${t.shape.join('×')} in [${formatNumber(lo, 3)}, ${formatNumber(hi, 3)}]`;
}

/**
 * DOT text for the graph at this point of the backward walk (the local derivatives are in the step text, in the user's names, so the edges carry none): tapegrad's own picture (`toDot`, the text `toSvg`
 * renders) with the gradients known so far and the verify report as its overlay, plus three page-only touches
 * appended as DOT overrides: top-to-bottom layout (fits a projector), the op just stepped filled orange, the next
 * one dashed.
 * @example
 * const dot = graphDot({ trace, done: 0 });
 * dot.startsWith('digraph'); // true
 */
export function graphDot(state: GraphState): string {
  const { trace, done } = state;
  const grads = gradientsAfter(trace, done);
  const n = trace.steps.length;
  const title = done === 0
    ? `forward pass: ${n} ops; press step to go backward`
    : `backward: ${done} of ${n} ops done`;
  const options = state.report ? { grads, formulas: false, title, highlight: state.report } : { grads, formulas: false, title };
  const base = toDot(trace.loss, options).trimEnd();
  // Tape position k (forward order) of the op stepped last and of the next one; steps run in reverse.
  const extra = ['  graph [rankdir=TB, nodesep=0.3, ranksep=0.35];'];
  const mark = (k: number, attrs: string): void => {
    if (base.includes(`\n  N${k} [`)) extra.push(`  N${k} [${attrs}];`);
  };
  if (done > 0) mark(n - done, 'fillcolor="#fdba74", color="#b45309", penwidth=3');
  if (done < n) mark(n - done - 1, 'style="rounded,filled,dashed", color="#b45309", penwidth=2');
  return `${base.slice(0, base.lastIndexOf('}'))}${extra.join('\n')}\n}\n`;
}
