/** A row of the bug hunt's table (examples/labs/bug-hunt.json) and how it is planted in a lab's source. */

/** One planted slip, as bug-hunt.json writes it. */
export interface BugCase {
  readonly id: string;
  /** The lab file it mutates (`seed000.py`). */
  readonly lab: string;
  readonly title: string;
  readonly explanation: string;
  /** The text replaced (its `occurrence`-th appearance, default the first) and its replacement. */
  readonly find: string;
  readonly replace: string;
  readonly occurrence?: number;
  /** Further replacements made together with the first (the same slip in a second function). */
  readonly also?: ReadonlyArray<{ find: string; replace: string }>;
  readonly expect: {
    /** Exactly these parameters must be flagged (none: a false alarm to avoid). */
    readonly params: readonly string[];
    /** The first wrong line must hold this text. */
    readonly line?: string;
    /** Patterns (regular expressions) for the first wrong line's explanation and each flagged diagnosis. */
    readonly why?: string;
    readonly diagnosis?: string;
    readonly noted?: ReadonlyArray<{ param: string; diagnosis: string }>;
  };
}

function replaceAt(source: string, find: string, replace: string, occurrence: number, id: string): { text: string; at: number } {
  let at = -1;
  for (let k = 0; k < occurrence; k++) {
    at = source.indexOf(find, at + 1);
    if (at < 0) throw new Error(`bug hunt ${id}: '${find}' not found (occurrence ${occurrence}) in the lab file`);
  }
  return { text: source.slice(0, at) + replace + source.slice(at + find.length), at };
}

/**
 * The lab source with the bug planted, and the line it changed.
 * @example
 * plant(source, bug).source.includes(bug.replace); // true
 */
export function plant(source: string, bug: BugCase): { source: string; line: number } {
  const first = replaceAt(source, bug.find, bug.replace, bug.occurrence ?? 1, bug.id);
  let text = first.text;
  for (const a of bug.also ?? []) text = replaceAt(text, a.find, a.replace, 1, bug.id).text;
  return { source: text, line: source.slice(0, first.at).split('\n').length };
}

