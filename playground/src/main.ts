/**
 * The page: wires the boxes, the stepping view, the worker's checks and training, and the mode switch; every
 * handler is guarded so the page never blanks, and every number is cleared or greyed once its input has changed.
 */
import { Tensor, noGrad } from '../../src/index.js';
import { firstNonFinite, inputsOfLoss, namerFor } from './chain.js';
import type { ParamComparison } from './checks.js';
import { summarize } from './dot.js';
import { lossHeadline, plainVerdict, rowVerdict, staleNote, type Box } from './honest.js';
import { SourceError, lineColumn } from './parser.js';
import { curveSvg, lossSvg } from './plot.js';
import { PRESETS, type Preset } from './presets.js';
import { handGradient, paramsOf, parseValues, runForward, type Forward, type NamedValue } from './program.js';
import { mountStepper, type StepperHost } from './stepper-view.js';
import type { Overrides, Reply, ReportSummary, Request } from './worker.js';

// ---- the numpy mode (helper pgnp's playground/src/numpy/mode.ts), found at build time when it is there ----
interface NumpyPreset { id: string; title: string; source: string; solution: string | null }
interface NumpyMode { load(preset: NumpyPreset): void; destroy(): void }
interface NumpyModule {
  NUMPY_PRESETS: readonly NumpyPreset[];
  mountNumpyMode(root: HTMLElement, options: { onStatus(text: string, bad?: boolean): void; stepper?: StepperHost }): NumpyMode;
}
const numpyModule: NumpyModule | null = Object.values(import.meta.glob<NumpyModule>('./numpy/mode.ts', { eager: true }))[0] ?? null;

const el = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`playground: the page has no #${id}`);
  return e as T;
};
const area = (box: Box): HTMLTextAreaElement => el<HTMLTextAreaElement>(box);
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** What the page currently shows, computed from the boxes' text (and the trained parameters, when trained). */
interface Current {
  readonly valuesText: string;
  readonly expression: string;
  readonly values: readonly NamedValue[];
  readonly fwd: Forward;
  readonly inLoss: Set<Tensor>;
  readonly lossFinite: boolean;
  check: { comparisons: readonly ParamComparison[]; report: ReportSummary | null; hand: Record<string, Float64Array> | null } | null;
}

let current: Current | null = null;
let preset: Preset = PRESETS[0]!;
let trained: Overrides | null = null;
let history: number[] = [];
let requestId = 0;
let checkId = 0;
let training: { id: number; total: number; started: number } | null = null;
let mode: 'expression' | 'numpy' = 'expression';
let numpy: NumpyMode | null = null;
/** The rebuild that waits for the typing to pause. */
let typingTimer: ReturnType<typeof setTimeout> | undefined;

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

// ---- the workers: one for checks (restarted when a check goes stale), one for training ----
class Job {
  private worker: Worker | null = null;
  busy = false;
  /** How many runs were dropped because their input went stale (the page shows it on body[data-check-cancelled]). */
  private cancelled = 0;
  constructor(private readonly name: string, private readonly onReply: (r: Reply) => void) {}
  private start(): Worker {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<Reply>) => {
      if (e.data.kind !== 'progress') this.busy = false;
      this.onReply(e.data);
    };
    w.onerror = (e) => setStatus(`Error in the worker: ${e.message}`, true);
    return w;
  }
  post(r: Request): void {
    this.worker ??= this.start();
    if (r.kind !== 'cancel') this.busy = true;
    this.worker.postMessage(r);
  }
  /** Drops whatever runs now (a stale check) by ending the worker; the next post starts a fresh one. */
  restart(): void {
    if (this.busy) document.body.dataset[`${this.name}Cancelled`] = String(++this.cancelled);
    this.worker?.terminate();
    this.worker = null;
    this.busy = false;
  }
}
const checker = new Job('check', (r) => guard(onCheckReply)(r));
const trainer = new Job('train', (r) => guard(onTrainReply)(r));

// ---- errors next to their box ----
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

// ---- the stepping view ----
/** Graphviz layout in its own worker (a long check in the checker must not hold up the picture). */
const pictures = new Map<number, { ok: (svg: string) => void; fail: (e: Error) => void }>();
const painter = new Job('graph', (r) => {
  const waiting = pictures.get(r.id);
  if (!waiting) return;
  pictures.delete(r.id);
  if (r.kind === 'svg') waiting.ok(r.svg);
  else waiting.fail(new Error(r.kind === 'error' ? r.message : `graph worker: unexpected ${r.kind}`));
});
const renderSvg = (dot: string): Promise<string> => new Promise((ok, fail) => {
  const id = ++requestId;
  pictures.set(id, { ok, fail });
  painter.post({ id, kind: 'svg', dot });
});

const view = mountStepper(el('picture'), {
  onChange: () => { if (mode === 'expression' && current) renderTable(current); },
  onError: (m) => setStatus(`Error: ${m}`, true),
  renderSvg,
});

/** Honest state: every number computed from the old input is cleared, with a note saying why. */
function markStale(box: Box): void {
  cancelWork();
  current = null;
  const note = staleNote(box);
  setStatus(`${note.split(':')[0]}: the loss is not known`, true);
  view.clear(note);
  clearVerdict('');
  const body = el('grad-table').querySelector('tbody')!;
  body.replaceChildren();
  el('grad-table').classList.add('stale');
  el('table-note').textContent = note;
  el('plots').classList.add('stale');
  el('train-status').textContent = note;
  el('curve').innerHTML = '';
  history = [];
  el('loss-plot').innerHTML = lossSvg([]);
}

function cancelWork(): void {
  if (checker.busy) checker.restart();
  checkId = ++requestId; // any reply still on its way is stale
  if (training) stopTraining('stopped: the input changed');
}

function clearVerdict(text: string): void {
  el('verdict').textContent = text;
  el('verdict').className = '';
  el('verify-report').textContent = '';
}

/** Lets queued input run: the rebuild works in stages, none of them long, so a key never waits behind it. */
const nextTask = (): Promise<void> => new Promise((ok) => setTimeout(ok, 0));
let rebuildGeneration = 0;

/** Builds everything from the boxes (or from the trained parameters): forward pass, graph, header, table, check. */
function rebuild(options: { fromTraining?: boolean } = {}): void {
  void rebuildInStages(options).catch((e: unknown) => {
    delete document.body.dataset['pending'];
    setStatus(`Error: ${messageOf(e)}`, true);
  });
}

async function rebuildInStages(options: { fromTraining?: boolean }): Promise<void> {
  // A rebuild now makes the one still waiting for the typing to pause redundant, and any older one stale.
  clearTimeout(typingTimer);
  const generation = ++rebuildGeneration;
  const stale = (): boolean => generation !== rebuildGeneration;
  document.body.dataset['pending'] = 'true';
  cancelWork();
  if (!options.fromTraining) {
    trained = null;
    history = [];
  }
  const valuesText = area('values').value;
  let values: NamedValue[];
  try {
    values = parseValues(valuesText);
    if (trained) applyParams(values, trained);
    clearError('values');
  } catch (e) {
    clearError('expression'); // the loss cannot be checked without values: an old message there would describe old text
    showError('values', e);
    markStale('values');
    delete document.body.dataset['pending'];
    return;
  }
  await nextTask();
  if (stale()) return;
  const expression = area('expression').value;
  let fwd: Forward;
  try {
    fwd = runForward(expression, values);
    clearError('expression');
  } catch (e) {
    showError('expression', e);
    markStale('expression');
    delete document.body.dataset['pending'];
    return;
  }
  await nextTask();
  if (stale()) return;
  const lossValue = fwd.loss.item();
  const names = new Map<Tensor, string>([...fwd.texts, ...fwd.labels]);
  current = {
    valuesText, expression, values, fwd, inLoss: inputsOfLoss(fwd.loss),
    lossFinite: Number.isFinite(lossValue), check: null,
  };
  view.show({ loss: fwd.loss, names, params: paramsOf(values) });
  const head = lossHeadline(view.lossName, lossValue, current.lossFinite ? null : firstNonFinite(fwd.loss, namerFor(names)), view.total);
  setStatus(head.text, head.bad);
  el('grad-table').classList.remove('stale');
  el('table-note').textContent = current.lossFinite ? '' : head.text;
  el('plots').classList.remove('stale');
  if (!options.fromTraining) {
    el('train-status').textContent = '';
    el('loss-plot').innerHTML = lossSvg([]);
  }
  clearVerdict(area('hand').value.trim() === '' ? '' : 'press Verify to check your gradient');
  renderTable(current);
  requestCheck(false);
  await nextTask();
  if (stale()) return;
  drawCurve(values);
  delete document.body.dataset['pending'];
}

function applyParams(values: readonly NamedValue[], params: Overrides): void {
  for (const v of values) {
    const p = params[v.name];
    if (v.data || p === undefined || p.length !== v.tensor.size) continue;
    v.tensor.storage.set(p);
    v.tensor.markModified();
  }
}

/** Asks the worker for finite differences (and verifyGradients when `withHand`). */
function requestCheck(withHand: boolean): void {
  const c = current;
  if (!c || !c.lossFinite) return;
  if (checker.busy) checker.restart();
  const id = (checkId = ++requestId);
  let hand: string | null = null;
  if (withHand) {
    const src = area('hand').value;
    if (src.trim() === '') {
      clearError('hand');
      clearVerdict('write your gradient above first (or press Show the solution)');
    } else {
      // Parse and evaluate it here first: its errors then point at the line and column.
      try {
        handGradient(src, c.expression, c.values)(paramsOf(c.values));
        clearError('hand');
        hand = src;
        el('verdict').textContent = 'checking…';
        el('verdict').className = 'pending';
      } catch (e) {
        showError('hand', e);
        clearVerdict(staleNote('hand'));
        // The old hand values and verdicts described the old text.
        if (c.check) c.check = { ...c.check, report: null, hand: null };
        view.setReport(null);
        renderTable(c);
      }
    }
  }
  checker.post({ id, kind: 'check', values: c.valuesText, expression: c.expression, hand, ...(trained ? { overrides: trained } : {}) });
}

function onCheckReply(r: Reply): void {
  if (r.id !== checkId || !current) return; // stale
  if (r.kind === 'error') {
    setStatus(`Error in the check: ${r.message}`, true);
    return;
  }
  if (r.kind !== 'checked') return;
  current.check = { comparisons: r.comparisons, report: r.report, hand: r.hand };
  if (r.handError !== null) {
    el('hand-error').textContent = r.handError;
    clearVerdict('');
  }
  if (r.report) {
    const given = Object.keys(r.hand ?? {});
    const lines = plainVerdict(r.report, given);
    el('verdict').replaceChildren(...lines.map((line) => {
      const div = document.createElement('div');
      div.textContent = line;
      div.className = line.startsWith('✓') ? 'ok' : line.startsWith('✗') ? 'bad' : '';
      return div;
    }));
    el('verdict').className = r.report.params.filter((p) => given.includes(p.name)).every((p) => p.ok) ? 'ok' : 'bad';
    el('verify-report').textContent = r.report.text;
    view.setReport({ ok: r.report.ok, params: r.report.params.map((p) => ({ name: p.name, ok: p.ok })) });
  }
  renderTable(current);
}

// ---- the table ----
const num = (x: number): string => (Number.isFinite(x) ? x.toPrecision(10) : Number.isNaN(x) ? 'NaN' : x > 0 ? '∞' : '−∞');

function cell(t: Tensor | Float64Array | undefined, shape: readonly number[]): string {
  if (t === undefined) return '—';
  if (t instanceof Tensor) return t.size === 1 ? num(t.item()) : summarize(t);
  if (t.some((x) => Number.isNaN(x))) return `(${t.length} elements: gradcheck samples them)`;
  if (t.length === 1) return num(t[0]!);
  return summarize(new Tensor(Float64Array.from(t), [...shape]));
}

function renderTable(c: Current): void {
  const body = el('grad-table').querySelector('tbody')!;
  body.replaceChildren();
  const stepped = view.gradients();
  for (const v of c.values) {
    if (v.data) continue;
    const cmp = c.check?.comparisons.find((x) => x.name === v.name);
    const entry = c.check?.report?.params.find((p) => p.name === v.name);
    const handGiven = c.check?.hand?.[v.name];
    const inLoss = c.inLoss.has(v.tensor);
    const verdict = cmp || !inLoss || !c.lossFinite
      ? rowVerdict({ name: v.name, ok: cmp?.ok ?? false }, { inLoss, lossFinite: c.lossFinite, hand: handGiven && entry ? entry : undefined })
      : { text: 'checking…', cls: '' as const };
    const tr = document.createElement('tr');
    tr.dataset['param'] = v.name;
    tr.className = verdict.cls;
    if (verdict.title) tr.title = verdict.title;
    const pending = c.lossFinite ? 'computing…' : '—';
    const cols: [string, string][] = [
      ['name', v.name],
      ['stepped', inLoss ? cell(stepped.get(v.tensor), v.tensor.shape) : '—'],
      ['autodiff', !inLoss ? '0' : cmp ? cell(cmp.autodiff, cmp.shape) : pending],
      ['numerical', !inLoss ? '0' : cmp ? cell(cmp.numerical, cmp.shape) : pending],
      ['maxerr', cmp && inLoss && Number.isFinite(cmp.maxAbsError) ? cmp.maxAbsError.toExponential(2) : '—'],
      ['hand', handGiven ? cell(handGiven, v.tensor.shape) : '—'],
      ['verdict', verdict.text],
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

// ---- training (in the worker) ----
function drawCurve(values: readonly NamedValue[]): void {
  const target = el('curve');
  if (!preset.curve || !current) {
    target.innerHTML = '';
    return;
  }
  const { prediction, target: targetName } = preset.curve;
  const scope = noGrad(() => runForward(current!.expression, values).scope);
  const p = scope.get(prediction);
  const t = scope.get(targetName);
  if (!(p instanceof Tensor) || !(t instanceof Tensor) || p.ndim !== 2 || p.shape[0] !== 2 || t.size !== p.size) {
    target.textContent = `(the curve plot needs ${prediction} and ${targetName} of shape [2,N])`;
    return;
  }
  target.innerHTML = curveSvg(p.data(), t.data(), p.shape[1]!, `${prediction} vs ${targetName}`);
}

function train(): void {
  if (training) {
    stopTraining('stopped');
    return;
  }
  const c = current;
  if (!c) throw new Error('train: fix the errors above first');
  const rate = Number(el<HTMLInputElement>('rate').value);
  const total = Math.floor(Number(el<HTMLInputElement>('iterations').value));
  if (!(total > 0)) throw new Error(`train: iterations must be a positive whole number, got ${el<HTMLInputElement>('iterations').value}`);
  if (!(rate > 0)) throw new Error(`train: rate must be a positive number, got ${el<HTMLInputElement>('rate').value}`);
  const id = ++requestId;
  training = { id, total, started: performance.now() };
  history = []; // a new run draws its own history
  el('loss-plot').innerHTML = lossSvg([]);
  el('train').textContent = 'Stop';
  el('train-status').textContent = 'starting…';
  trainer.post({ id, kind: 'train', values: c.valuesText, expression: c.expression, rate, iterations: total, ...(trained ? { overrides: trained } : {}) });
}

/** Stops the run now: the parameters it reached stay what the page shows until the next Run forward. */
function stopTraining(why: string): void {
  const t = training;
  if (!t) return;
  training = null;
  trainer.restart();
  el('train').textContent = 'Train';
  el('train-status').textContent += ` · ${why}`;
}

let curveValues: NamedValue[] | null = null;
function onTrainReply(r: Reply): void {
  const t = training;
  if (!t || r.id !== t.id) return;
  if (r.kind === 'error') {
    training = null;
    el('train').textContent = 'Train';
    el('train-status').textContent = `training stopped: ${r.message}`;
    return;
  }
  if (r.kind === 'progress') {
    for (const v of r.losses) history.push(v);
    const seconds = (performance.now() - t.started) / 1000;
    el('train-status').textContent = `iteration ${r.done} / ${r.total} · loss ${history[history.length - 1]!.toPrecision(5)} · ${Math.round(r.done / seconds)} it/s`;
    el('loss-plot').innerHTML = lossSvg(history);
    if (preset.curve && current) {
      curveValues ??= parseValues(current.valuesText);
      applyParams(curveValues, r.params);
      drawCurve(curveValues);
    }
    return;
  }
  if (r.kind === 'trained') {
    training = null;
    curveValues = null;
    el('train').textContent = 'Train';
    trained = r.params;
    const status = el('train-status').textContent ?? '';
    rebuild({ fromTraining: true });
    el('train-status').textContent = `${status}${r.stopped ? ' · stopped' : ' · done'} · the page now shows the trained parameters; Run forward starts again from the values box`;
    el('loss-plot').innerHTML = lossSvg(history);
  }
}

// ---- presets, modes, keys ----
function loadPreset(p: Preset): void {
  preset = p;
  area('values').value = p.values;
  area('expression').value = p.expression;
  area('hand').value = '';
  clearError('hand');
  el<HTMLInputElement>('rate').value = String(p.rate);
  el<HTMLInputElement>('iterations').value = p.curve ? '20000' : '500';
  rebuild();
}

function setMode(next: 'expression' | 'numpy'): void {
  mode = next;
  el('mode-expression').setAttribute('aria-checked', String(next === 'expression'));
  el('mode-numpy').setAttribute('aria-checked', String(next === 'numpy'));
  el('expression-mode').hidden = next !== 'expression';
  el('numpy-mode').hidden = next !== 'numpy';
  el('numbers').hidden = next !== 'expression';
  document.body.dataset['mode'] = next;
  if (next === 'numpy') {
    cancelWork();
    current = null;
    const root = el('numpy-mode');
    if (!numpyModule) {
      root.innerHTML = '<p class="note" id="numpy-missing">The numpy mode is not in this build (playground/src/numpy/mode.ts is missing).</p>';
      view.clear('The numpy mode is not in this build.');
      setStatus('numpy mode is not in this build', true);
      return;
    }
    view.clear('Paste your numpy forward and backward, or pick a seed, then press Check.');
    numpy ??= numpyModule.mountNumpyMode(root, { onStatus: setStatus, stepper: view });
  } else {
    rebuild();
  }
}

function init(): void {
  const select = el<HTMLSelectElement>('preset');
  const exprGroup = document.createElement('optgroup');
  exprGroup.label = 'Expression';
  for (const p of PRESETS) exprGroup.append(new Option(p.title, p.id));
  select.append(exprGroup);
  if (numpyModule) {
    const npGroup = document.createElement('optgroup');
    npGroup.label = 'Your numpy';
    for (const p of numpyModule.NUMPY_PRESETS) npGroup.append(new Option(p.title, `numpy:${p.id}`));
    select.append(npGroup);
  }
  select.addEventListener('change', guard(() => {
    const id = select.value;
    if (id.startsWith('numpy:') && numpyModule) {
      const p = numpyModule.NUMPY_PRESETS.find((x) => `numpy:${x.id}` === id)!;
      if (mode !== 'numpy') setMode('numpy');
      numpy?.load(p);
    } else {
      const p = PRESETS.find((x) => x.id === id) ?? PRESETS[0]!;
      if (mode !== 'expression') {
        preset = p;
        area('values').value = p.values;
        area('expression').value = p.expression;
        area('hand').value = '';
        setMode('expression');
      } else {
        loadPreset(p);
      }
    }
    // ← → step the backward pass, not the drop-down.
    view.focus();
  }));
  el('mode-expression').addEventListener('click', guard(() => { if (mode !== 'expression') setMode('expression'); }));
  el('mode-numpy').addEventListener('click', guard(() => { if (mode !== 'numpy') setMode('numpy'); }));
  el('run').addEventListener('click', guard(() => rebuild()));
  el('verify').addEventListener('click', guard(() => requestCheck(true)));
  el('solution').addEventListener('click', guard(() => {
    area('hand').value = preset.hand;
    requestCheck(true);
  }));
  el('train').addEventListener('click', guard(train));
  const keys: Record<string, (d: number, n: number) => number> = {
    ArrowRight: (d) => d + 1, ArrowLeft: (d) => d - 1, End: (_, n) => n, Home: () => 0,
  };
  document.addEventListener('keydown', guard((e: KeyboardEvent) => {
    const to = keys[e.key];
    const target = e.target as HTMLElement | null;
    // Typing is left alone; on the drop-down ← → Home End step too (↑ ↓ still pick a problem).
    if (!to || target?.closest('textarea, input')) return;
    e.preventDefault();
    view.move(to);
  }));
  for (const box of ['values', 'expression'] as const) {
    area(box).addEventListener('input', () => {
      // The moment the text changes, work on the old text is stale.
      cancelWork();
      clearTimeout(typingTimer);
      document.body.dataset['pending'] = 'true';
      typingTimer = setTimeout(guard(() => {
        if (!current || current.valuesText !== area('values').value || current.expression !== area('expression').value) rebuild();
        else delete document.body.dataset['pending'];
      }), 300);
    });
  }
  area('hand').addEventListener('input', () => {
    if (!current) return;
    clearVerdict('press Verify to check your gradient');
    if (current.check) {
      current.check = { ...current.check, report: null, hand: null };
      renderTable(current);
    }
    view.setReport(null);
  });
  window.addEventListener('error', (e) => setStatus(`Error: ${e.message}`, true));
  window.addEventListener('unhandledrejection', (e) => setStatus(`Error: ${messageOf(e.reason)}`, true));
  loadPreset(PRESETS[0]!);
  document.body.dataset['ready'] = 'true';
}

guard(init)();
