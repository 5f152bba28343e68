/**
 * The graph picture for one moment of the backward walk, as Graphviz DOT: values on every node, the gradients
 * known so far, the local derivative on every edge, the op being stepped highlighted, verdicts on parameters.
 */
import { Tensor } from '../../src/index.js';
import { gradientsAfter, type BackwardTrace } from './stepper.js';

/** What to draw. */
export interface GraphState {
  readonly trace: BackwardTrace;
  /** Names of values and named intermediates. */
  readonly labels: ReadonlyMap<Tensor, string>;
  /** Backward steps taken so far (0 … trace.steps.length). */
  readonly done: number;
  /** Hand-gradient verdicts by parameter name (true: agrees). */
  readonly verdicts?: ReadonlyMap<string, boolean>;
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

const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function label(title: string, value: string, grad: string | null, gradName: string): string {
  const rows = [
    `<TR><TD><B>${html(title)}</B></TD></TR>`,
    `<TR><TD><FONT COLOR="#333333">${html(value)}</FONT></TD></TR>`,
  ];
  if (grad !== null) rows.push(`<TR><TD><FONT COLOR="#b3261e">${html(`${gradName} = ${grad}`)}</FONT></TD></TR>`);
  return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${rows.join('')}</TABLE>>`;
}

/**
 * DOT text for the graph at this point of the backward walk. Node ids: `L<k>` for leaves (in order of first use),
 * `N<k>` for the k-th op of the tape, so tests and styles can find them.
 * @example
 * const dot = graphDot({ trace, labels, done: 0 });
 * dot.startsWith('digraph'); // true
 */
export function graphDot(state: GraphState): string {
  const { trace, labels, done } = state;
  const grads = gradientsAfter(trace, done);
  const records = [...trace.steps].map((s) => s.record).reverse();
  const lossName = labels.get(trace.loss) ?? 'J';
  const gradName = (t: Tensor): string => `∂${lossName}/∂${labels.get(t) ?? (t === trace.loss ? lossName : `(${t.node?.op ?? 'this'})`)}`;
  const current = done > 0 ? trace.steps[done - 1]! : null;
  const next = done < trace.steps.length ? trace.steps[done]! : null;

  const lines = [
    'digraph tape {',
    '  rankdir=TB; bgcolor="transparent"; nodesep=0.3; ranksep=0.35;',
    '  node [fontname="Helvetica", fontsize=13, shape=box, style="rounded,filled", fillcolor="#ffffff", color="#555555"];',
    '  edge [fontname="Helvetica", fontsize=11, color="#777777", fontcolor="#555555"];',
  ];
  const ids = new Map<Tensor, string>();
  records.forEach((r, k) => ids.set(r.output, `N${k}`));
  let leaves = 0;
  for (const r of records) {
    for (const input of r.inputs) {
      if (ids.has(input)) continue;
      const id = `L${leaves++}`;
      ids.set(input, id);
      const name = labels.get(input);
      const g = grads.get(input);
      const isParam = input.requiresGrad;
      const verdict = name === undefined ? undefined : state.verdicts?.get(name);
      const fill = verdict === true ? '#d7f5dd' : verdict === false ? '#fbd3d0' : isParam ? '#e8f0fe' : '#f3f3f3';
      const border = verdict === true ? '#1e8e3e' : verdict === false ? '#d93025' : '#555555';
      const title = name ?? 'const';
      const value = name === undefined ? summarize(input) : `${title} = ${summarize(input)}`;
      const attrs = [`label=${label(title, value, g && isParam ? summarize(g) : null, gradName(input))}`,
        `shape=${isParam ? 'ellipse' : 'note'}`, `fillcolor="${fill}"`, `color="${border}"`];
      if (verdict !== undefined) attrs.push('penwidth=3', `tooltip="hand gradient ${verdict ? 'agrees' : 'disagrees'}"`);
      lines.push(`  ${id} [${attrs.join(', ')}];`);
    }
  }
  records.forEach((r, k) => {
    const name = labels.get(r.output);
    const title = name ? `${r.op} → ${name}` : r.op;
    const g = grads.get(r.output);
    const isCurrent = current?.record === r;
    const isNext = next?.record === r;
    const attrs = [`label=${label(title, summarize(r.output), g ? summarize(g) : null, gradName(r.output))}`];
    if (isCurrent) attrs.push('fillcolor="#ffe08a"', 'penwidth=2.5', 'color="#b06000"');
    else if (isNext) attrs.push('style="rounded,filled,dashed"', 'color="#b06000"');
    else if (g) attrs.push('fillcolor="#fff6f5"');
    lines.push(`  N${k} [${attrs.join(', ')}];`);
  });
  const steppedAt = new Map(trace.steps.slice(0, done).map((s) => [s.record, s]));
  records.forEach((r, k) => {
    const step = steppedAt.get(r);
    r.inputs.forEach((input, i) => {
      const formula = r.formulas[i] ?? '';
      const contribution = step?.inputGrads[i];
      const text = contribution ? `${formula} = ${summarize(contribution)}` : input.requiresGrad ? formula : '';
      const attrs = [`label="${text.replace(/"/g, '\\"')}"`];
      if (contribution) attrs.push(`fontcolor="${step === current ? '#b06000' : '#b3261e'}"`, 'dir=both', 'arrowtail=empty');
      lines.push(`  ${ids.get(input)} -> N${k} [${attrs.join(', ')}];`);
    });
  });
  lines.push('}');
  return lines.join('\n');
}
