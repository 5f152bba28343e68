/**
 * "Your own numpy": the student's numpy forward and backward in a code box, checked in a worker by
 * tapegrad's numpy interpreter; the page shows the three ways per parameter, the first wrong line of
 * their backward marked in their own code with what it should have computed, and the graph of their
 * forward (through the page's stepper when it has one, else drawn by Graphviz). Every number belongs
 * to the code as it was checked: editing or an error greys or clears them, with a note saying why.
 */
import type { Tensor } from '../../../src/index.js';
import { createEditor, type LineMark } from './editor.js';
import type { NumpyPreset } from './presets.js';
import type { CheckReply, CheckRequest, CheckView, ParamRow, SourceProblem } from './protocol.js';
import { rebuild } from './tape.js';
import { num } from './format.js';
import './numpy.css';

export type { NumpyPreset } from './presets.js';
export { NUMPY_PRESETS } from './presets.js';

/** The stepping view the page may lend (pg's StepperHost, playground/src/stepper-view.ts). */
export interface StepperHost {
  show(input: { loss: Tensor; names: ReadonlyMap<Tensor, string>; params: Readonly<Record<string, Tensor>> }): void;
  clear(note: string): void;
  /** Marks parameters green/red on the graph, when the view can (pg's StepperView can). */
  setReport?(report: { params: ReadonlyArray<{ name: string; ok: boolean }> } | null): void;
}

/** What the page gives the mode. */
export interface NumpyModeOptions {
  /** The page's header status line. */
  onStatus(text: string, bad?: boolean): void;
  /** The page's stepping view, when it has one: the mode shows the forward there instead of its own picture. */
  stepper?: StepperHost;
  /** Auto-check this long after the last keystroke (ms); default 700. */
  debounceMs?: number;
  /** Makes the worker (tests may pass their own); default the module worker next to this file. */
  createWorker?: () => Worker;
}

/** The mounted mode. */
export interface NumpyMode {
  load(preset: NumpyPreset): void;
  destroy(): void;
}

const defaultWorker = (): Worker => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });

function h<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

const PROBLEM_WORDS: Record<SourceProblem['kind'], string> = {
  syntax: 'Syntax error',
  unsupported: 'Not in the numpy dialect',
  runtime: 'Your code raised an error',
  nocheck: 'Nothing to check',
  internal: 'The checker failed',
};

/**
 * Mounts the numpy mode into `root`.
 * @example
 * const mode = mountNumpyMode(document.getElementById('numpy')!, { onStatus: (t, bad) => setStatus(t, bad) });
 * mode.load(NUMPY_PRESETS[0]!);
 */
export function mountNumpyMode(root: HTMLElement, options: NumpyModeOptions): NumpyMode {
  const doc = root.ownerDocument;
  const debounce = options.debounceMs ?? 700;
  const makeWorker = options.createWorker ?? defaultWorker;

  // ---- the DOM ----
  const panel = h(doc, 'div', { class: 'npm' });
  const bar = h(doc, 'div', { class: 'npm-bar' });
  const checkButton = h(doc, 'button', { type: 'button', class: 'npm-check' }, 'Check ▶');
  const solutionButton = h(doc, 'button', { type: 'button', class: 'npm-solution' }, 'Show the solution');
  const mineButton = h(doc, 'button', { type: 'button', class: 'npm-mine', hidden: '' }, 'Back to my code');
  const autoLabel = h(doc, 'label', { class: 'npm-auto' });
  const auto = h(doc, 'input', { type: 'checkbox' });
  auto.checked = true;
  autoLabel.append(auto, doc.createTextNode(' check as I type'));
  const state = h(doc, 'span', { class: 'npm-state', role: 'status' });
  bar.append(checkButton, solutionButton, mineButton, autoLabel, state);

  const grid = h(doc, 'div', { class: 'npm-grid' });
  const codeSide = h(doc, 'section', { class: 'npm-code' });
  const codeTitle = h(doc, 'h2', {}, 'Your numpy ');
  codeTitle.append(h(doc, 'small', {}, 'forward, backward, and a tapegrad.verify(params, loss, grads) line'));
  const editor = createEditor(doc, 'Your numpy code');
  const problem = h(doc, 'div', { class: 'npm-problem', role: 'alert' });
  const help = h(doc, 'p', { class: 'npm-help' });
  help.innerHTML = '<code>params</code>: a dict name → array (or a list of global names); <code>loss(params)</code> returns the loss; '
    + '<code>grads(params)</code> returns your gradients, a dict (<code>W1</code>, <code>dW1</code> or <code>J_W1</code> for W1) or a list in params order.';
  codeSide.append(codeTitle, editor.element, problem, help);

  const results = h(doc, 'section', { class: 'npm-results' });
  const verdict = h(doc, 'div', { class: 'npm-verdict' });
  const staleNote = h(doc, 'p', { class: 'npm-stale-note', hidden: '' });
  const tableTitle = h(doc, 'h2', {}, 'Three ways per parameter ');
  tableTitle.append(h(doc, 'small', {}, 'your hand gradient, autodiff of your forward, float64 finite differences'));
  const table = h(doc, 'table', { class: 'npm-table' });
  const head = h(doc, 'thead');
  const headRow = h(doc, 'tr');
  for (const c of ['parameter', 'your gradient', 'autodiff', 'finite differences', 'verdict']) headRow.append(h(doc, 'th', {}, c));
  head.append(headRow);
  const body = h(doc, 'tbody');
  table.append(head, body);
  const tableWrap = h(doc, 'div', { class: 'npm-table-wrap' });
  tableWrap.append(table);
  const graphTitle = h(doc, 'h2', {}, 'The graph of your forward ');
  graphTitle.append(h(doc, 'small', {}, 'the tensors your loss computed, with your names; values and ∂loss/∂node'));
  const graph = h(doc, 'div', { class: 'npm-graph', 'aria-label': 'graph of your forward pass' });
  const reportFold = h(doc, 'details', { class: 'npm-report' });
  reportFold.append(h(doc, 'summary', {}, 'The full report'));
  const reportText = h(doc, 'pre');
  reportFold.append(reportText);
  const outFold = h(doc, 'details', { class: 'npm-stdout' });
  outFold.append(h(doc, 'summary', {}, 'What your code printed'));
  const outText = h(doc, 'pre');
  outFold.append(outText);
  results.append(staleNote, verdict, tableTitle, tableWrap, graphTitle, graph, reportFold, outFold);
  grid.append(codeSide, results);
  panel.append(bar, grid);
  root.append(panel);

  // ---- state ----
  let preset: NumpyPreset | null = null;
  let mine: string | null = null;
  let worker: Worker | null = null;
  let inFlight: number | null = null;
  let nextId = 1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let shown: { source: string; reply: CheckReply } | null = null;
  let destroyed = false;
  /** The note of the greyed state, while the numbers shown are stale (null when they are current). */
  let stale: string | null = null;
  /** The wrong line last scrolled to (line:text), so a re-check with the same verdict does not scroll again. */
  let revealed: string | null = null;

  const setState = (text: string, kind: 'busy' | 'ok' | 'bad' | 'stale' | '' = ''): void => {
    state.textContent = text;
    state.dataset['kind'] = kind;
  };

  function spawn(): Worker {
    const w = makeWorker();
    w.addEventListener('message', (e: MessageEvent<CheckReply>) => {
      if (e.data?.type !== 'result' || e.data.id !== inFlight) return;
      inFlight = null;
      show(e.data);
    });
    w.addEventListener('error', (e) => {
      inFlight = null;
      fail(`the checker stopped: ${e.message || 'the worker failed to start'}`);
    });
    return w;
  }

  /** Stops a check that is running (its worker is thrown away: a running interpreter cannot be interrupted). */
  function cancel(): void {
    if (inFlight !== null && worker !== null) {
      worker.terminate();
      worker = null;
    }
    inFlight = null;
  }

  function check(): void {
    clearTimeout(timer);
    cancel();
    worker ??= spawn();
    const id = nextId++;
    inFlight = id;
    const source = editor.value;
    pending = source;
    setState('checking…', 'busy');
    options.onStatus('numpy: checking your code…');
    const request: CheckRequest = { type: 'check', id, source, svg: options.stepper === undefined };
    worker.postMessage(request);
  }
  let pending = '';

  /** Greys every number: they describe the code as it was at the last check. */
  function markStale(why: string): void {
    if (shown === null || stale === why) return;
    // Once per change of state, not per keystroke: typing stays cheap.
    stale = why;
    results.classList.add('npm-stale');
    staleNote.hidden = false;
    staleNote.textContent = why;
    editor.mark(new Map());
    options.stepper?.clear(why);
  }

  function clearResults(note: string): void {
    shown = null;
    stale = null;
    body.replaceChildren();
    verdict.replaceChildren();
    graph.replaceChildren();
    reportText.textContent = '';
    results.classList.remove('npm-stale');
    staleNote.hidden = false;
    staleNote.textContent = note;
    options.stepper?.clear(note);
  }

  function fail(message: string): void {
    clearResults(`No numbers: ${message}.`);
    problem.textContent = message;
    setState('failed', 'bad');
    options.onStatus(`numpy: ${message}`, true);
  }

  function showProblem(p: SourceProblem): void {
    const where = p.line > 0 ? ` at line ${p.line}, column ${p.column}` : '';
    const title = `${PROBLEM_WORDS[p.kind]}${where}`;
    clearResults(`No numbers: ${title.charAt(0).toLowerCase()}${title.slice(1)}. Fix it and the check runs again.`);
    problem.replaceChildren(h(doc, 'strong', {}, `${title}: `), doc.createTextNode(p.message));
    const lineText = p.line > 0 ? editor.value.split('\n')[p.line - 1] : undefined;
    if (lineText !== undefined) {
      const caret = h(doc, 'pre', { class: 'npm-caret' });
      caret.textContent = `${String(p.line).padStart(4)} | ${lineText}\n     | ${' '.repeat(Math.max(0, p.column - 1))}^`;
      problem.append(caret);
      editor.mark(new Map([[p.line, 'error']]));
    } else {
      editor.mark(new Map());
    }
    setState(p.kind === 'nocheck' ? 'nothing checked' : 'error', 'bad');
    options.onStatus(`numpy: ${title}`, true);
  }

  function show(reply: CheckReply): void {
    const source = pending;
    problem.replaceChildren();
    if (reply.problem !== null) {
      showProblem(reply.problem);
      outText.textContent = reply.stdout;
      return;
    }
    shown = { source, reply };
    stale = null;
    results.classList.remove('npm-stale');
    staleNote.hidden = true;
    outText.textContent = reply.stdout;
    reportText.textContent = reply.checks.map((c) => c.report).join('\n\n');
    const marks = new Map<number, LineMark>();
    for (const c of reply.checks) for (const conv of c.conventions) marks.set(conv.line, 'note');
    const wrong = reply.checks.find((c) => c.firstWrongLine !== null)?.firstWrongLine ?? null;
    if (wrong !== null) marks.set(wrong.line, 'wrong');
    editor.mark(marks);
    renderVerdict(reply);
    renderTable(reply.checks);
    renderGraph(reply.checks);
    // Scroll to the wrong line when it is news (a new line, or a fresh load), not on every re-check of the same
    // result: the student keeps their place, and the page skips a forced layout.
    const key = wrong === null ? null : `${wrong.line}:${wrong.text}`;
    if (wrong !== null && key !== revealed) editor.reveal(wrong.line);
    revealed = key;
    const bad = reply.checks.flatMap((c) => c.params.filter((p) => !p.ok).map((p) => p.name));
    const nonFinite = reply.checks.find((c) => c.loss !== null && !c.loss.finite)?.loss;
    if (nonFinite) {
      setState(`the loss is ${nonFinite.word}`, 'bad');
      options.onStatus(`numpy: the loss is ${nonFinite.word}`, true);
    } else if (reply.status === 'ok') {
      setState(`✓ all agree · ${Math.round(reply.ms)} ms`, 'ok');
      options.onStatus('numpy: ✓ every gradient agrees three ways');
    } else {
      setState(`✗ ${bad.join(', ')} wrong · ${Math.round(reply.ms)} ms`, 'bad');
      options.onStatus(`numpy: ✗ ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} wrong${wrong ? `; first wrong line ${wrong.line}` : ''}`, true);
    }
  }

  function renderVerdict(reply: CheckReply): void {
    const parts: HTMLElement[] = [];
    for (const c of reply.checks) {
      const box = h(doc, 'div', { class: c.ok ? 'npm-ok' : 'npm-bad' });
      if (c.loss !== null && !c.loss.finite) {
        box.append(h(doc, 'p', { class: 'npm-headline' }, `The loss is ${c.loss.word}: no gradient can be checked.`));
        if (c.loss.where !== null) box.append(h(doc, 'p', {}, `Where it starts: ${c.loss.where}.`));
        parts.push(box);
        continue;
      }
      const good = c.params.filter((p) => p.ok).map((p) => p.name);
      const bad = c.params.filter((p) => !p.ok).map((p) => p.name);
      const loss = c.loss === null ? '' : ` (loss = ${num(c.loss.value)})`;
      box.append(h(doc, 'p', { class: 'npm-headline' }, bad.length === 0
        ? `✓ ${good.join(', ')} ${good.length === 1 ? 'agrees' : 'agree'} three ways: your gradient, autodiff and finite differences${loss}.`
        : `✗ ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} wrong${good.length > 0 ? `; ${good.join(', ')} ${good.length === 1 ? 'agrees' : 'agree'}` : ''}${loss}.`));
      const w = c.firstWrongLine;
      if (w !== null) {
        const line = h(doc, 'p', { class: 'npm-wrong-line' });
        const go = h(doc, 'button', { type: 'button', class: 'npm-goto', title: 'Show this line in your code' }, `First wrong line ${w.line}`);
        go.addEventListener('click', () => editor.reveal(w.line, true));
        line.append(go, doc.createTextNode(': '), h(doc, 'code', {}, w.text.trim()));
        box.append(line, h(doc, 'p', { class: 'npm-expected' }, `${w.variable} should be ${w.expected}.`), h(doc, 'p', { class: 'npm-why' }, `${w.why.charAt(0).toUpperCase()}${w.why.slice(1)}.`));
      }
      for (const conv of c.conventions) box.append(h(doc, 'p', { class: 'npm-note' }, `Note: ${conv.message}.`));
      if (c.notChecked.length > 0) box.append(h(doc, 'p', { class: 'npm-note' }, `Not checked: ${c.notChecked.join(', ')} (no parameter of that name).`));
      parts.push(box);
    }
    verdict.replaceChildren(...parts);
  }

  function cell(tr: HTMLTableRowElement, cls: string, label: string, text: string): HTMLTableCellElement {
    const td = h(doc, 'td', { class: cls, 'data-label': label }, text);
    tr.append(td);
    return td;
  }

  function renderTable(checks: readonly CheckView[]): void {
    const rows: HTMLTableRowElement[] = [];
    for (const c of checks) {
      const notFinite = c.loss !== null && !c.loss.finite;
      for (const p of c.params) rows.push(row(p, notFinite));
    }
    body.replaceChildren(...rows);
  }

  function row(p: ParamRow, greyed: boolean): HTMLTableRowElement {
    const tr = h(doc, 'tr', { 'data-param': p.name, class: greyed ? 'npm-greyed' : p.ok ? 'npm-ok' : 'npm-bad' });
    const shape = p.shape.length === 0 ? 'a scalar' : `shape ${p.shape.join('×')}`;
    const name = cell(tr, 'name', 'parameter', p.name);
    name.title = `${p.name}: ${shape}${p.key !== null ? `; your gradient came under '${p.key}'` : ''}`;
    // Which element the numbers are: the worst disagreement (or the largest gradient when all agree).
    if (p.shown.label !== p.name) name.append(h(doc, 'small', { class: 'npm-at' }, ` at ${p.shown.label.slice(p.name.length)}`));
    cell(tr, 'num hand', 'your gradient', num(p.shown.hand));
    cell(tr, 'num autodiff', 'autodiff', num(p.shown.autodiff));
    cell(tr, 'num numerical', 'finite differences', p.sampled && Number.isNaN(p.shown.numerical) ? 'not sampled' : num(p.shown.numerical));
    const v = cell(tr, 'verdict', 'verdict', p.verdict);
    if (p.handVsAutodiff !== null && !greyed) {
      v.append(h(doc, 'small', { class: 'npm-rel' }, ` (largest relative difference, yours vs autodiff: ${p.handVsAutodiff.toExponential(1).replace('-', '−')})`));
    }
    return tr;
  }

  function renderGraph(checks: readonly CheckView[]): void {
    const c = checks[0];
    if (c === undefined || c.graph === null) {
      graph.replaceChildren(h(doc, 'p', { class: 'npm-note' }, 'No graph: the loss recorded nothing (it does not depend on the parameters).'));
      options.stepper?.clear('No graph: the loss does not depend on the parameters.');
      return;
    }
    if (options.stepper !== undefined && c.tape !== null) {
      try {
        const live = rebuild(c.tape);
        options.stepper.show({ loss: live.loss, names: live.names, params: live.params });
        options.stepper.setReport?.({ params: c.params.map((p) => ({ name: p.name, ok: p.ok })) });
        graphTitle.hidden = true;
        graph.hidden = true;
        return;
      } catch (e) {
        options.stepper.clear(`The stepper cannot replay this graph (${e instanceof Error ? e.message : String(e)}).`);
      }
    }
    graphTitle.hidden = false;
    graph.hidden = false;
    if (c.graph.svg !== null) {
      graph.innerHTML = c.graph.svg;
      graph.querySelector('svg')?.removeAttribute('height');
    } else {
      graph.replaceChildren(h(doc, 'p', { class: 'npm-note' }, c.graph.problem ?? 'The picture is drawn only without the stepper.'));
    }
  }

  // ---- events ----
  editor.onEdit(() => {
    cancel();
    clearTimeout(timer);
    problem.replaceChildren();
    markStale('Editing: the numbers below are for your code as it was at the last check.');
    if (auto.checked) {
      setState('edited: checking when you pause…', 'stale');
      options.onStatus('numpy: edited, checking when you pause');
      timer = setTimeout(check, debounce);
    } else {
      setState('edited: press Check', 'stale');
      options.onStatus('numpy: edited, press Check');
    }
  });
  checkButton.addEventListener('click', check);
  solutionButton.addEventListener('click', () => {
    if (preset?.solution == null) return;
    mine = editor.value;
    editor.value = preset.solution;
    solutionButton.hidden = true;
    mineButton.hidden = false;
    markStale('Showing the solution: checking it…');
    check();
  });
  mineButton.addEventListener('click', () => {
    if (mine === null) return;
    editor.value = mine;
    mine = null;
    mineButton.hidden = true;
    solutionButton.hidden = preset?.solution == null;
    markStale('Back to your code: checking it…');
    check();
  });

  return {
    load(next) {
      if (destroyed) throw new Error('mountNumpyMode: this mode was destroyed');
      preset = next;
      mine = null;
      revealed = null;
      editor.value = next.source;
      mineButton.hidden = true;
      solutionButton.hidden = next.solution === null;
      clearResults('Checking…');
      problem.replaceChildren();
      check();
    },
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      worker?.terminate();
      worker = null;
      inFlight = null;
      panel.remove();
    },
  };
}
