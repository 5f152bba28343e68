/**
 * The stepping view: the graph of a loss (zoomable, pannable, never below a readable font size), the backward pass
 * one op at a time with the chain rule in the user's own names and numbers, and a legend. Both page modes use it.
 */
import { Tensor, dotToSvg } from '../../src/index.js';
import type { ReportLike } from '../../src/index.js';
import { describeStep, namerFor, partial, type Namer } from './chain.js';
import { formatNumber, graphDot } from './dot.js';
import { gradientsAfter, traceBackward, type BackwardTrace } from './stepper.js';

/** What pgnp's numpy mode (and the expression mode) hand to the view. */
export interface StepperHost {
  /** Shows the graph of `loss` and lets the user step its backward pass with numbers in each step. */
  show(input: { loss: Tensor; names: ReadonlyMap<Tensor, string>; params: Readonly<Record<string, Tensor>> }): void;
  /** Honest state: grey everything, say why. */
  clear(note: string): void;
}

/** The view as the page drives it. */
export interface StepperView extends StepperHost {
  /** Moves to step `to(done, total)` (clamped). */
  move(to: (done: number, total: number) => number): void;
  /** Marks parameters green/red on the graph (only ok/not ok: the verdict's words live beside the Verify button). */
  setReport(report: ReportLike | null): void;
  /** d loss / d tensor for every tensor reached so far. */
  gradients(): Map<Tensor, Tensor>;
  readonly done: number;
  readonly total: number;
  /** The name the steps use for the loss (J, C, L). */
  readonly lossName: string;
  /** Puts keyboard focus on the view, so ← → step. */
  focus(): void;
}

/** Smallest on-screen font size (px) of the graph: below it the picture grows and the panel scrolls instead. */
export const MIN_FONT_PX = 12;

interface Shown {
  readonly trace: BackwardTrace;
  readonly name: Namer;
  readonly lossName: string;
  done: number;
}

const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== '') e.textContent = text;
  return e;
};

/**
 * Builds the view inside `root`; `onChange` runs after every move and every new graph (the page updates its table);
 * `renderSvg` lays out DOT (default: tapegrad's `dotToSvg` on this thread; the page passes its worker).
 * @example
 * const view = mountStepper(document.getElementById('picture')!, { onChange: () => {} });
 * view.show({ loss, names: new Map([[w, 'w']]), params: { w } });
 */
export function mountStepper(
  root: HTMLElement,
  options: { onChange?: () => void; onError?: (message: string) => void; renderSvg?: (dot: string) => Promise<string> } = {},
): StepperView {
  const renderSvg = options.renderSvg ?? dotToSvg;
  const button = (id: string, text: string, title: string): HTMLButtonElement => {
    const b = h('button', { id, type: 'button', title }, text);
    return b;
  };
  const controls = h('div', { class: 'controls' });
  const reset = button('reset', '⟲ start', 'Back to the forward pass (Home)');
  const back = button('back', '◀ back', 'One step back (←)');
  const step = button('step', 'step ▶', 'One backward step (→)');
  const all = button('run-all', 'all ▶▶', 'Every step to the end (End)');
  const counter = h('span', { id: 'step-counter', 'aria-live': 'polite' });
  const zoomOut = button('zoom-out', '−', 'Smaller graph');
  const zoomFit = button('zoom-fit', 'fit', 'Fit the graph to the panel (never below a readable size)');
  const zoomIn = button('zoom-in', '+', 'Larger graph');
  const zoom = h('span', { class: 'zoom' });
  zoom.append(zoomOut, zoomFit, zoomIn);
  controls.append(reset, back, step, all, counter, zoom);
  const info = h('div', { id: 'step-info', 'aria-live': 'polite', tabindex: '-1' });
  const legend = h('details', { id: 'legend', open: '' });
  legend.innerHTML = '<summary>What the picture shows</summary><ul>' +
    '<li><span class="swatch leaf"></span> blue box: a value you gave (a parameter gets a gradient)</li>' +
    '<li><span class="swatch data"></span> grey box with a dashed border: data or a constant (no gradient)</li>' +
    '<li><span class="swatch op"></span> yellow box: an op of the forward pass, with its value</li>' +
    '<li><span class="swatch done"></span> orange fill: the op the last step went through</li>' +
    '<li><span class="swatch next"></span> dashed orange border: the op the next step visits</li>' +
    '<li><span class="swatch ok"></span> / <span class="swatch bad"></span> green / red border: your gradient for that parameter agrees / disagrees</li>' +
    '<li><b>grad</b> in a box: ∂loss/∂(that value) as far as the backward pass has got; ∂J/∂v means how much J changes per unit change of v</li>' +
    '<li>When a value is used twice, the paths meet: its gradient is the sum over the paths (the step text shows the sum)</li>' +
    '</ul>';
  const graph = h('div', { id: 'graph', 'aria-label': 'computational graph', tabindex: '0' });
  root.append(controls, info, graph, legend);

  let shown: Shown | null = null;
  let report: ReportLike | null = null;
  let zoomFactor = 1;
  let ticket = 0;
  const fail = (e: unknown): void => options.onError?.(e instanceof Error ? e.message : String(e));

  function setEnabled(on: boolean): void {
    for (const b of [reset, back, step, all]) b.disabled = !on;
  }

  function renderText(s: Shown): void {
    const n = s.trace.steps.length;
    counter.textContent = `${s.done} / ${n} backward steps`;
    info.replaceChildren();
    if (s.done === 0) {
      const loss = s.trace.loss.item();
      info.append(h('p', { class: 'title' }, `Forward pass done: ${s.lossName} = ${formatNumber(loss)}.`),
        h('p', {}, `Press step ▶ (or →): the backward pass starts at the loss with ${partial(s.lossName, s.lossName)} = 1 and visits the ${n} ops in reverse, multiplying by each op's local derivative.`));
      return;
    }
    const d = describeStep(s.trace, s.done, s.name, s.lossName);
    info.append(h('p', { class: 'title' }, `Step ${s.done} of ${n}: ${d.title}`), h('p', { class: 'upstream' }, d.upstream));
    const list = h('ul');
    for (const line of d.inputs) {
      const li = h('li', {}, line.text);
      if (line.meet) li.append(h('div', { class: 'meet' }, line.meet));
      list.append(li);
    }
    info.append(list);
  }

  /** The picture's scale: fit the panel, but never let its smallest text drop below MIN_FONT_PX. */
  function layout(): void {
    const svg = graph.querySelector('svg');
    if (!svg) return;
    const box = svg.viewBox.baseVal;
    if (!box || box.width === 0) return;
    let smallest = Infinity;
    for (const t of Array.from(svg.querySelectorAll('text'))) {
      const size = Number.parseFloat(t.getAttribute('font-size') ?? '');
      if (size > 0) smallest = Math.min(smallest, size);
    }
    if (!Number.isFinite(smallest)) smallest = 10;
    const fit = Math.min((graph.clientWidth - 4) / box.width, 2);
    const scale = Math.max(fit, MIN_FONT_PX / smallest) * zoomFactor;
    const readable = Math.max(scale, MIN_FONT_PX / smallest);
    svg.style.width = `${box.width * readable}px`;
    svg.style.height = `${box.height * readable}px`;
    graph.dataset['scale'] = readable.toFixed(3);
    zoomOut.disabled = readable <= MIN_FONT_PX / smallest + 1e-9;
  }

  /** Scrolls the graph panel (not the page) so the op of this moment is in view. */
  function reveal(s: Shown): void {
    const n = s.trace.steps.length;
    const k = s.done === 0 ? n - 1 : n - s.done;
    const node = Array.from(graph.querySelectorAll('g.node')).find((g) => g.querySelector('title')?.textContent === `N${k}`);
    if (!node) return;
    const a = node.getBoundingClientRect();
    const c = graph.getBoundingClientRect();
    if (a.top < c.top || a.bottom > c.bottom) graph.scrollTop += a.top - c.top - (c.height - a.height) / 2;
    if (a.left < c.left || a.right > c.right) graph.scrollLeft += a.left - c.left - (c.width - a.width) / 2;
    graph.dataset['current'] = `N${k}`;
  }

  async function render(): Promise<void> {
    const s = shown;
    if (!s) return;
    const mine = ++ticket;
    renderText(s);
    options.onChange?.();
    // Only ok / not ok on the picture: the diagnosis as paragraphs inside a box made nodes balloon.
    const overlay = report ? { ok: report.ok ?? false, params: (report.params ?? report.inputs ?? []).map((p) => ({ name: p.name, ok: p.ok })) } : undefined;
    // Let pending input run before the picture is built (the text above is already up to date).
    await new Promise((ok) => setTimeout(ok, 0));
    if (mine !== ticket || shown !== s) return;
    const svg = await renderSvg(graphDot(overlay ? { trace: s.trace, done: s.done, report: overlay } : { trace: s.trace, done: s.done }));
    if (mine !== ticket || shown !== s) return; // a newer render or a new graph superseded this one
    graph.innerHTML = svg;
    graph.classList.remove('stale');
    layout();
    reveal(s);
    graph.dataset['done'] = String(s.done);
    graph.dataset['state'] = 'ready';
  }

  const rerender = (): void => void render().catch(fail);

  const view: StepperView = {
    show({ loss, names }) {
      const trace = traceBackward(loss);
      const given = names.get(loss);
      const lossName = given !== undefined && /^[\p{L}_][\p{L}\p{N}_]*$/u.test(given) ? given : 'L';
      const all = new Map(names);
      all.set(loss, lossName);
      shown = { trace, name: namerFor(all), lossName, done: 0 };
      report = null;
      graph.dataset['state'] = 'drawing';
      setEnabled(true);
      rerender();
    },
    clear(note) {
      ticket++;
      shown = null;
      report = null;
      setEnabled(false);
      counter.textContent = '— backward steps';
      info.replaceChildren(h('p', { class: 'stale-note' }, note));
      graph.classList.add('stale');
      graph.dataset['state'] = 'stale';
      delete graph.dataset['done'];
      options.onChange?.();
    },
    move(to) {
      if (!shown) return;
      const n = shown.trace.steps.length;
      const next = Math.max(0, Math.min(n, to(shown.done, n)));
      if (next === shown.done && graph.dataset['done'] === String(next)) return;
      shown.done = next;
      rerender();
    },
    setReport(r) {
      report = r;
      rerender();
    },
    gradients() {
      return shown ? gradientsAfter(shown.trace, shown.done) : new Map();
    },
    get done() {
      return shown?.done ?? 0;
    },
    get total() {
      return shown?.trace.steps.length ?? 0;
    },
    get lossName() {
      return shown?.lossName ?? 'L';
    },
    focus() {
      graph.focus({ preventScroll: true });
    },
  };

  reset.addEventListener('click', () => view.move(() => 0));
  back.addEventListener('click', () => view.move((d) => d - 1));
  step.addEventListener('click', () => view.move((d) => d + 1));
  all.addEventListener('click', () => view.move((_, n) => n));
  zoomIn.addEventListener('click', () => { zoomFactor *= 1.25; layout(); });
  zoomOut.addEventListener('click', () => { zoomFactor = Math.max(zoomFactor / 1.25, 0.1); layout(); });
  zoomFit.addEventListener('click', () => { zoomFactor = 1; layout(); if (shown) reveal(shown); });
  // Drag to pan (mouse, pen or one finger); the panel also scrolls as usual.
  let drag: { x: number; y: number; left: number; top: number } | null = null;
  graph.addEventListener('pointerdown', (e) => {
    if (e.pointerType === 'touch') return; // touch already pans by scrolling
    drag = { x: e.clientX, y: e.clientY, left: graph.scrollLeft, top: graph.scrollTop };
    graph.setPointerCapture(e.pointerId);
  });
  graph.addEventListener('pointermove', (e) => {
    if (!drag) return;
    graph.scrollLeft = drag.left - (e.clientX - drag.x);
    graph.scrollTop = drag.top - (e.clientY - drag.y);
  });
  const end = (): void => { drag = null; };
  graph.addEventListener('pointerup', end);
  graph.addEventListener('pointercancel', end);
  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(layout, 100);
  });
  setEnabled(false);
  return view;
}
