/**
 * The code box of the numpy mode: a plain textarea over a backdrop that draws line numbers and marks
 * lines (the first wrong line, an error's line, lines noted as conventions). Both wrap the same text
 * the same way (same font, padding, pre-wrap), so a mark sits exactly under its line; the box grows
 * with the code, so the page scrolls, never the box.
 */

/** How a line is marked. */
export type LineMark = 'wrong' | 'error' | 'note';

/** The code box. */
export interface CodeEditor {
  readonly element: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  get value(): string;
  set value(text: string);
  /** Marks lines (1-based); replaces earlier marks. */
  mark(marks: ReadonlyMap<number, LineMark>): void;
  /** Scrolls the page so that line `n` is in view (no-op if it does not exist); `select` also puts the caret on it. */
  reveal(line: number, select?: boolean): void;
  /** Called after every edit by the user. */
  onEdit(listener: () => void): void;
}

/**
 * Builds the code box.
 * @example
 * const editor = createEditor(document, 'Your numpy');
 * editor.value = source;
 * editor.mark(new Map([[28, 'wrong']]));
 */
export function createEditor(doc: Document, label: string): CodeEditor {
  const element = doc.createElement('div');
  element.className = 'npm-editor';
  const back = doc.createElement('div');
  back.className = 'npm-backdrop';
  back.setAttribute('aria-hidden', 'true');
  const textarea = doc.createElement('textarea');
  textarea.spellcheck = false;
  textarea.autocapitalize = 'off';
  textarea.setAttribute('autocomplete', 'off');
  textarea.setAttribute('aria-label', label);
  textarea.className = 'npm-text';
  element.append(back, textarea);

  let marks: ReadonlyMap<number, LineMark> = new Map();
  const listeners: (() => void)[] = [];

  /** Brings the backdrop up to date, touching only the lines that changed (typing stays cheap on long code). */
  function draw(): void {
    const lines = textarea.value.split('\n');
    while (back.children.length > lines.length) back.lastElementChild!.remove();
    while (back.children.length < lines.length) {
      const div = doc.createElement('div');
      div.dataset['n'] = String(back.children.length + 1);
      back.append(div);
    }
    lines.forEach((text, i) => {
      const div = back.children[i] as HTMLElement;
      const m = marks.get(i + 1);
      const cls = m === undefined ? 'npm-line' : `npm-line npm-mark-${m}`;
      if (div.className !== cls) div.className = cls;
      // An empty line still takes one row (a zero-width space keeps the div's height).
      const shown = text === '' ? '\u200b' : text;
      if (div.textContent !== shown) div.textContent = shown;
    });
  }

  textarea.addEventListener('input', () => {
    draw();
    for (const l of listeners) l();
  });
  // Tab inserts four spaces (Python), instead of leaving the box.
  textarea.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab' || e.shiftKey || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    const { selectionStart: s, selectionEnd: t } = textarea;
    textarea.setRangeText('    ', s, t, 'end');
    textarea.dispatchEvent(new Event('input'));
  });

  return {
    element,
    textarea,
    get value() {
      return textarea.value;
    },
    set value(text: string) {
      textarea.value = text;
      draw();
    },
    mark(next) {
      marks = next;
      draw();
    },
    reveal(line, select = false) {
      const target = back.children[line - 1];
      if (!(target instanceof HTMLElement)) return;
      if (select) {
        const lines = textarea.value.split('\n');
        const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
        textarea.focus({ preventScroll: true });
        textarea.setSelectionRange(start, start + lines[line - 1]!.length);
      }
      target.scrollIntoView({ block: 'center', inline: 'nearest' });
    },
    onEdit(listener) {
      listeners.push(listener);
    },
  };
}
