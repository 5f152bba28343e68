/** The page: wires the boxes, the step buttons, the checks and the trainer; every handler is guarded so the page never blanks. */
import { Tensor, dotToSvg, noGrad } from '../../src/index.js';
import { compareWithFiniteDifferences, verifyHandGradient, type ParamComparison, type VerifyReport } from './checks.js';
import { graphDot, summarize } from './dot.js';
import { SourceError, lineColumn } from './parser.js';
import { curveSvg, lossSvg } from './plot.js';
import { PRESETS, type Preset } from './presets.js';
import { handGradient, lossFunction, paramsOf, parseValues, runForward, type Forward, type NamedValue } from './program.js';
import { gradientsAfter, traceBackward, type BackwardTrace } from './stepper.js';
import { steepestDescent } from './train.js';

type Box = 'values' | 'expression' | 'hand';

interface Session {
  readonly values: readonly NamedValue[];
  readonly expression: string;
  readonly fwd: Forward;
  readonly trace: BackwardTrace;
  readonly comparisons: readonly ParamComparison[];
  done: number;
  report: VerifyReport | null;
  hand: Record<string, Tensor> | null;
}

const el = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`playground: the page has no #${id}`);
  return e as T;
};
const area = (box: Box): HTMLTextAreaElement => el<HTMLTextAreaElement>(box);

let session: Session | null = null;
let preset: Preset = PRESETS[0]!;
let built = { values: '', expression: '' };
let renderTicket = 0;
let training: { stop: boolean } | null = null;
let lossHistory: number[] = [];

function setStatus(text: string, bad = false): void {
  const s = el('status');
  s.textContent = text;
  s.className = bad ? 'bad' : '';
}

/** Runs a handler; any error lands in the status line instead of leaving the page half-updated. */
function guard<A extends unknown[]>(f: (...args: A) => unknown): (...args: A) => void {
  return (...args) => {
    try {
      const r = f(...args);
      if (r instanceof Promise) r.catch((e: unknown) => setStatus(`Error: ${messageOf(e)}`, true));
    } catch (e) {
      setStatus(`Error: ${messageOf(e)}`, true);
    }
  };
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function showError(box: Box, error: unknown): void {
  const src = area(box).value;
  let text = messageOf(error);
  if (error instanceof SourceError) {
    const { line, column } = lineColumn(src, Math.min(error.start, src.length));
    const lineText = src.split('\n')[line - 1] ?? '';
    const width = Math.max(1, Math.min(error.end - error.start, lineText.length - column + 1));
    text += `\n  ${lineText}\n  ${' '.repeat(column - 1)}${'^'.repeat(width)}`;
  }
  el(`${box}-error`).textContent = text;
  area(box).classList.add('invalid');
}

function clearError(box: Box): void {
  el(`${box}-error`).textContent = '';
  area(box).classList.remove('invalid');
}

/** Parses the values box; null (and a message next to it) when it is wrong. */
function readValues(): NamedValue[] | null {
  try {
    const values = parseValues(area('values').value);
    clearError('values');
    return values;
  } catch (e) {
    showError('values', e);
    return null;
  }
}

/** Forward pass, backward trace and finite differences for these values; keeps the old picture on error. */
function analyse(values: readonly NamedValue[]): boolean {
  const expression = area('expression').value;
  let fwd: Forward;
  try {
    fwd = runForward(expression, values);
    clearError('expression');
  } catch (e) {
    showError('expression', e);
    el('graph').classList.add('stale');
    return false;
  }
  const params = paramsOf(values);
  const comparisons = compareWithFiniteDifferences(lossFunction(expression, values), params);
  session = { values, expression, fwd, trace: traceBackward(fwd.loss), comparisons, done: 0, report: null, hand: null };
  setStatus(`${fwd.labels.get(fwd.loss) ?? 'loss'} = ${fwd.loss.item().toPrecision(8)} · ${session.trace.steps.length} ops on the tape`);
  return true;
}

function rebuild(force = false): void {
  const now = { values: area('values').value, expression: area('expression').value };
  if (!force && session && now.values === built.values && now.expression === built.expression) return;
  stopTraining();
  built = now;
  const values = readValues();
  if (values === null) {
    // The loss cannot be checked without values: an old message there would describe old text.
    clearError('expression');
    el('graph').classList.add('stale');
    return;
  }
  if (analyse(values)) {
    verify();
    void render();
  }
}

function verify(): void {
  if (!session) return;
  const src = area('hand').value;
  const report = el('verify-report');
  if (src.trim() === '') {
    clearError('hand');
    session.report = null;
    session.hand = null;
    report.textContent = '';
    return;
  }
  try {
    const s = session;
    const manual = handGradient(src, s.expression, s.values);
    s.hand = manual(paramsOf(s.values));
    s.report = verifyHandGradient(lossFunction(s.expression, s.values), paramsOf(s.values), manual);
    clearError('hand');
    report.textContent = s.report.toString();
    report.className = s.report.ok ? 'ok' : 'bad';
  } catch (e) {
    session.report = null;
    session.hand = null;
    report.textContent = '';
    showError('hand', e);
  }
}

const cell = (t: Tensor | Float64Array | undefined, shape?: readonly number[]): string => {
  if (t === undefined) return '—';
  if (t instanceof Tensor) return t.size === 1 ? t.item().toPrecision(10) : summarize(t);
  if (t.some((x) => Number.isNaN(x))) return `${t.length} elements: see the verdict (gradcheck samples)`;
  if (t.length === 1) return t[0]!.toPrecision(10);
  return summarize(new Tensor(t, shape ?? [t.length]));
};

function renderTable(s: Session, grads: Map<Tensor, Tensor>): void {
  const body = el('grad-table').querySelector('tbody')!;
  body.replaceChildren();
  for (const c of s.comparisons) {
    const leaf = s.values.find((v) => v.name === c.name)!.tensor;
    const entry = s.report?.params.find((p) => p.name === c.name);
    const tr = document.createElement('tr');
    tr.dataset['param'] = c.name;
    tr.className = entry ? (entry.ok ? 'ok' : 'bad') : c.ok ? '' : 'bad';
    const verdict = entry ? (entry.ok ? '✓ agrees' : '✗ disagrees') : c.ok ? 'autodiff = FD' : '✗ autodiff ≠ FD';
    if (entry?.diagnosis) tr.title = entry.diagnosis;
    const cols: [string, string][] = [
      ['name', c.name], ['stepped', cell(grads.get(leaf))], ['autodiff', cell(c.autodiff, c.shape)],
      ['numerical', cell(c.numerical, c.shape)], ['maxerr', c.maxAbsError.toExponential(2)],
      ['hand', cell(s.hand?.[c.name])], ['verdict', verdict],
    ];
    for (const [cls, text] of cols) {
      const td = document.createElement('td');
      td.className = cls;
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
}

function renderStepInfo(s: Session): void {
  const info = el('step-info');
  const n = s.trace.steps.length;
  const lossName = s.fwd.labels.get(s.fwd.loss) ?? 'J';
  el('step-counter').textContent = `${s.done} / ${n} backward steps`;
  if (s.done === 0) {
    info.textContent = `Forward pass done: ${lossName} = ${s.fwd.loss.item().toPrecision(6)}. ` +
      `Press step: the backward pass starts at the loss with ∂${lossName}/∂${lossName} = 1 and visits the ops in reverse.`;
    return;
  }
  const step = s.trace.steps[s.done - 1]!;
  const r = step.record;
  const out = s.fwd.labels.get(r.output);
  const parts = [`Step ${s.done}/${n}: ${r.op}${out ? ` → ${out}` : ''}. `];
  if (step.upstream === null) {
    parts.push('No gradient reaches this op (it does not lead to the loss).');
  } else {
    parts.push(`Upstream g = ∂${lossName}/∂(output) = ${summarize(step.upstream)}. `);
    r.inputs.forEach((input, i) => {
      const g = step.inputGrads[i];
      const name = s.fwd.labels.get(input) ?? (input.node ? input.node.op : 'const');
      parts.push(g ? `To ${name}: ${r.formulas[i]} = ${summarize(g)}. ` : `To ${name}: no gradient needed. `);
    });
  }
  info.textContent = parts.join('');
}

async function render(): Promise<void> {
  const s = session;
  if (!s) return;
  const ticket = ++renderTicket;
  const grads = gradientsAfter(s.trace, s.done);
  renderStepInfo(s);
  renderTable(s, grads);
  const dot = graphDot(s.report ? { trace: s.trace, done: s.done, report: s.report } : { trace: s.trace, done: s.done });
  const svg = await dotToSvg(dot);
  if (ticket !== renderTicket) return; // a newer render superseded this one
  const graph = el('graph');
  graph.innerHTML = svg;
  // Graphviz sizes the picture for print; enlarge it for a projector, within the panel (see style.css).
  const picture = graph.querySelector('svg');
  const width = Number.parseFloat(picture?.getAttribute('width') ?? '');
  if (picture && Number.isFinite(width)) picture.style.width = `${width * 1.5}pt`;
  graph.classList.remove('stale');
  graph.dataset['done'] = String(s.done);
  document.body.dataset['ready'] = 'true';
}

function move(to: (s: Session) => number): void {
  if (!session) return;
  session.done = Math.max(0, Math.min(session.trace.steps.length, to(session)));
  void render().catch((e: unknown) => setStatus(`Error: ${messageOf(e)}`, true));
}

function loadPreset(id: string): void {
  preset = PRESETS.find((p) => p.id === id) ?? PRESETS[0]!;
  area('values').value = preset.values;
  area('expression').value = preset.expression;
  area('hand').value = preset.hand;
  el<HTMLInputElement>('rate').value = String(preset.rate);
  el<HTMLInputElement>('iterations').value = preset.curve ? '50000' : '500';
  lossHistory = [];
  el('loss-plot').innerHTML = lossSvg([]);
  rebuild(true);
  drawCurve();
}

function drawCurve(): void {
  const target = el('curve');
  if (!preset.curve || !session) {
    target.innerHTML = '';
    return;
  }
  const { prediction, target: targetName } = preset.curve;
  const scope = noGrad(() => runForward(session!.expression, session!.values).scope);
  const p = scope.get(prediction);
  const t = scope.get(targetName);
  if (!(p instanceof Tensor) || !(t instanceof Tensor) || p.ndim !== 2 || p.shape[0] !== 2 || t.size !== p.size) {
    target.textContent = `(the curve plot needs ${prediction} and ${targetName} of shape [2,N])`;
    return;
  }
  target.innerHTML = curveSvg(p.data(), t.data(), p.shape[1]!, `${prediction} vs ${targetName}`);
}

function stopTraining(): void {
  if (training) training.stop = true;
  training = null;
  el('train').textContent = 'Train';
}

function train(): void {
  if (training) {
    finishTraining();
    return;
  }
  if (!session) throw new Error('train: fix the errors above first');
  const s = session;
  const rate = Number(el<HTMLInputElement>('rate').value);
  const total = Math.floor(Number(el<HTMLInputElement>('iterations').value));
  if (!(total > 0)) throw new Error(`train: iterations must be a positive whole number, got ${el<HTMLInputElement>('iterations').value}`);
  const descent = steepestDescent(lossFunction(s.expression, s.values), paramsOf(s.values), rate);
  const run = { stop: false };
  training = run;
  el('train').textContent = 'Stop';
  let done = 0;
  const started = performance.now();
  const slice = (): void => {
    if (run.stop) return;
    try {
      const losses = descent.advance(30, total - done);
      done += losses.length;
      // Keep the history short: one point per slice is plenty for the picture.
      lossHistory.push(losses[losses.length - 1]!);
      const speed = Math.round(done / ((performance.now() - started) / 1000));
      el('train-status').textContent = `iteration ${done} / ${total} · loss ${losses[losses.length - 1]!.toPrecision(5)} · ${speed} it/s`;
      el('loss-plot').innerHTML = lossSvg(lossHistory);
      drawCurve();
      if (done < total) {
        setTimeout(slice, 0);
      } else {
        finishTraining();
      }
    } catch (e) {
      finishTraining();
      setStatus(`Error: ${messageOf(e)}`, true);
    }
  };
  setTimeout(slice, 0);
}

/** After training the value tensors hold the trained parameters: redraw everything from them. */
function finishTraining(): void {
  const s = session;
  stopTraining();
  const status = el('train-status');
  if (!status.textContent?.includes('Run forward')) {
    status.textContent += ' · the parameters are trained in place: Run forward starts again from the values box';
  }
  if (s && analyse(s.values)) {
    verify();
    void render();
  }
}

function init(): void {
  const select = el<HTMLSelectElement>('preset');
  for (const p of PRESETS) select.append(new Option(p.title, p.id));
  select.addEventListener('change', guard(() => loadPreset(select.value)));
  el('run').addEventListener('click', guard(() => rebuild(true)));
  el('step').addEventListener('click', guard(() => move((s) => s.done + 1)));
  el('back').addEventListener('click', guard(() => move((s) => s.done - 1)));
  el('run-all').addEventListener('click', guard(() => move((s) => s.trace.steps.length)));
  el('reset').addEventListener('click', guard(() => move(() => 0)));
  el('verify').addEventListener('click', guard(() => {
    verify();
    void render();
  }));
  el('train').addEventListener('click', guard(train));
  // Arrow keys step, for a teacher at a projector; typing in a box is left alone.
  const keys: Record<string, (s: Session) => number> = {
    ArrowRight: (s) => s.done + 1, ArrowLeft: (s) => s.done - 1, End: (s) => s.trace.steps.length, Home: () => 0,
  };
  document.addEventListener('keydown', guard((e: KeyboardEvent) => {
    const to = keys[e.key];
    const target = e.target as HTMLElement | null;
    if (!to || target?.closest('textarea, input, select')) return;
    e.preventDefault();
    move(to);
  }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  for (const box of ['values', 'expression'] as const) {
    area(box).addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(guard(() => rebuild()), 400);
    });
  }
  window.addEventListener('error', (e) => setStatus(`Error: ${e.message}`, true));
  window.addEventListener('unhandledrejection', (e) => setStatus(`Error: ${messageOf(e.reason)}`, true));
  loadPreset(PRESETS[0]!.id);
}

guard(init)();
